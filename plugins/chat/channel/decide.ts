// Channel commands. Who may do what (guests, teams) is checked by policy/access.ts at the
// edge with facts from the read models; decide enforces what the stream itself knows.
import type { Decider } from '../../../core/events/handle-command.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { ChannelKind, ChatEvent } from '../events.ts';
import { MAX_CHANNEL_NAME, MAX_CHANNEL_TEXT, MAX_GROUP_DM_MEMBERS } from '../limits.ts';
import { evolveChannel, initialChannel, type ChannelState } from './state.ts';

export type ChannelCommand =
  | { type: 'create'; channelId: string; teamId: string | null; kind: ChannelKind; name: string; purpose: string; isDefault: boolean; createdBy: string; members: readonly string[] }
  | { type: 'update'; name: string; purpose: string; header: string }
  | { type: 'archive' }
  | { type: 'join'; userId: string; role?: 'owner' | 'member' }
  | { type: 'leave'; userId: string };

/** Lowercase words joined by dashes: names appear in URLs, /join and #mentions. */
export function cleanChannelName(name: string): string {
  const n = name.trim().toLowerCase().replace(/^#/, '').replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '');
  if (n.length === 0) throw new ValidationError('a channel needs a name');
  if (n.length > MAX_CHANNEL_NAME) throw new ValidationError(`a channel name has at most ${MAX_CHANNEL_NAME} characters`);
  return n;
}

function text(s: string, what: string): string {
  const t = s.trim();
  if (t.length > MAX_CHANNEL_TEXT) throw new ValidationError(`the ${what} has at most ${MAX_CHANNEL_TEXT} characters`);
  return t;
}

export function decideChannel(command: ChannelCommand, state: ChannelState): ChatEvent[] {
  if (command.type === 'create') {
    if (state) throw new ConflictError('that channel already exists', 'channel_exists');
    const members = [...new Set([command.createdBy, ...command.members])];
    const isConversation = command.kind === 'dm' || command.kind === 'group';
    if (command.kind === 'dm' && members.length > 2) throw new ValidationError('a direct message is between two people');
    if (command.kind === 'group' && (members.length < 3 || members.length > MAX_GROUP_DM_MEMBERS)) {
      throw new ValidationError(`a group message has 3 to ${MAX_GROUP_DM_MEMBERS} people`);
    }
    if (!isConversation && command.teamId === null) throw new ValidationError('a channel belongs to a team');
    const name = isConversation ? command.name : cleanChannelName(command.name);
    return [
      { type: 'chat.ChannelCreated', data: { channelId: command.channelId, teamId: command.teamId, kind: command.kind, name, purpose: text(command.purpose, 'purpose'), isDefault: command.kind === 'public' && command.isDefault, createdBy: command.createdBy } },
      ...members.map((userId): ChatEvent => ({
        type: 'chat.MemberJoined',
        // The creator owns a channel; in conversations nobody outranks anybody.
        data: { channelId: command.channelId, userId, role: !isConversation && userId === command.createdBy ? 'owner' : 'member' },
      })),
    ];
  }
  if (!state) throw new NotFoundError('no such channel');
  if (state.archived) throw new ConflictError('this channel is archived', 'channel_archived');
  switch (command.type) {
    case 'update': {
      if (state.kind === 'dm' || state.kind === 'group') throw new ValidationError('conversations have no name to change');
      const next = { name: cleanChannelName(command.name), purpose: text(command.purpose, 'purpose'), header: text(command.header, 'header') };
      if (next.name === state.name && next.purpose === state.purpose && next.header === state.header) return [];
      return [{ type: 'chat.ChannelUpdated', data: { channelId: state.id, ...next } }];
    }
    case 'archive':
      if (state.kind === 'dm' || state.kind === 'group') throw new ValidationError('conversations cannot be archived');
      return [{ type: 'chat.ChannelArchived', data: { channelId: state.id } }];
    case 'join':
      if (state.members.has(command.userId)) return [];
      if (state.kind === 'dm') throw new ValidationError('nobody can join a direct message; start a group message instead');
      if (state.kind === 'group' && state.members.size >= MAX_GROUP_DM_MEMBERS) throw new ValidationError(`a group message has at most ${MAX_GROUP_DM_MEMBERS} people`);
      return [{ type: 'chat.MemberJoined', data: { channelId: state.id, userId: command.userId, role: command.role ?? 'member' } }];
    case 'leave':
      if (!state.members.has(command.userId)) return [];
      if (state.kind === 'dm') throw new ValidationError('you cannot leave a direct message');
      return [{ type: 'chat.MemberLeft', data: { channelId: state.id, userId: command.userId } }];
  }
}

export const channelDecider: Decider<ChannelState, ChannelCommand, ChatEvent> = {
  initialState: initialChannel,
  evolve: evolveChannel,
  decide: (c, s) => decideChannel(c, s),
};
