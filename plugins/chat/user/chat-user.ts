// A user's chat settings: per-channel mute/favorite, custom status, chosen presence.
// Settings are user data, so they are events; live presence itself is memory (presence/).
import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ValidationError } from '../../../core/errors.ts';
import type { ChatEvent, PresenceChoice } from '../events.ts';
import { MAX_EMOJI_CHARS, MAX_STATUS_TEXT } from '../limits.ts';

export interface ChatUser {
  prefs: Map<string, { muted: boolean; favorite: boolean }>;
  status: { emoji: string; text: string; expiresAt: string | null } | undefined;
  presence: { presence: PresenceChoice; until: string | null };
}

export type ChatUserCommand =
  | { type: 'setPreference'; userId: string; channelId: string; muted?: boolean; favorite?: boolean }
  | { type: 'setStatus'; userId: string; emoji: string; text: string; expiresAt: string | null }
  | { type: 'clearStatus'; userId: string }
  | { type: 'choosePresence'; userId: string; presence: PresenceChoice; until: string | null };

export const initialChatUser = (): ChatUser => ({ prefs: new Map(), status: undefined, presence: { presence: 'auto', until: null } });

export function evolveChatUser(state: ChatUser, event: StoredEvent): ChatUser {
  const e = event as unknown as ChatEvent;
  switch (e.type) {
    case 'chat.ChannelPreferenceSet': {
      const prefs = new Map(state.prefs);
      prefs.set(e.data.channelId, { muted: e.data.muted, favorite: e.data.favorite });
      return { ...state, prefs };
    }
    case 'chat.StatusSet': return { ...state, status: { emoji: e.data.emoji, text: e.data.text, expiresAt: e.data.expiresAt } };
    case 'chat.StatusCleared': return { ...state, status: undefined };
    case 'chat.PresenceChosen': return { ...state, presence: { presence: e.data.presence, until: e.data.until } };
    default: return state;
  }
}

export function decideChatUser(c: ChatUserCommand, state: ChatUser, now: string): ChatEvent[] {
  switch (c.type) {
    case 'setPreference': {
      const cur = state.prefs.get(c.channelId) ?? { muted: false, favorite: false };
      const next = { muted: c.muted ?? cur.muted, favorite: c.favorite ?? cur.favorite };
      if (next.muted === cur.muted && next.favorite === cur.favorite) return [];
      return [{ type: 'chat.ChannelPreferenceSet', data: { userId: c.userId, channelId: c.channelId, ...next } }];
    }
    case 'setStatus': {
      const emoji = c.emoji.trim();
      const text = c.text.trim();
      if (emoji.length > MAX_EMOJI_CHARS || /[<>"&]/.test(emoji)) throw new ValidationError('that is not an emoji');
      if (text.length > MAX_STATUS_TEXT) throw new ValidationError(`a status has at most ${MAX_STATUS_TEXT} characters`);
      if (!emoji && !text) return state.status ? [{ type: 'chat.StatusCleared', data: { userId: c.userId } }] : [];
      if (c.expiresAt !== null && (Number.isNaN(Date.parse(c.expiresAt)) || Date.parse(c.expiresAt) <= Date.parse(now))) {
        throw new ValidationError('a status must expire in the future');
      }
      return [{ type: 'chat.StatusSet', data: { userId: c.userId, emoji, text, expiresAt: c.expiresAt } }];
    }
    case 'clearStatus':
      return state.status ? [{ type: 'chat.StatusCleared', data: { userId: c.userId } }] : [];
    case 'choosePresence':
      if (c.until !== null && Number.isNaN(Date.parse(c.until))) throw new ValidationError('that is not a valid time');
      return [{ type: 'chat.PresenceChosen', data: { userId: c.userId, presence: c.presence, until: c.until } }];
  }
}

export const chatUserDecider: Decider<ChatUser, ChatUserCommand, ChatEvent> = {
  initialState: initialChatUser, evolve: evolveChatUser, decide: (c, s, m) => decideChatUser(c, s, m.time),
};
