// A channel's own stream holds only its lifecycle and membership, so folding it is cheap
// even for a channel with a million messages (those live in their own streams).
import type { StoredEvent } from '../../../core/events/types.ts';
import type { ChannelKind, ChatEvent } from '../events.ts';

export interface Channel {
  id: string;
  teamId: string | null;
  kind: ChannelKind;
  name: string;
  purpose: string;
  header: string;
  isDefault: boolean;
  archived: boolean;
  /** userId → role */
  members: Map<string, 'owner' | 'member'>;
}
export type ChannelState = Channel | undefined;

export const initialChannel = (): ChannelState => undefined;

export function evolveChannel(state: ChannelState, event: StoredEvent): ChannelState {
  const e = event as unknown as ChatEvent;
  switch (e.type) {
    case 'chat.ChannelCreated':
      return { id: e.data.channelId, teamId: e.data.teamId, kind: e.data.kind, name: e.data.name, purpose: e.data.purpose, header: '', isDefault: e.data.isDefault, archived: false, members: new Map() };
    case 'chat.ChannelUpdated':
      return state && { ...state, name: e.data.name, purpose: e.data.purpose, header: e.data.header };
    case 'chat.ChannelArchived':
      return state && { ...state, archived: true };
    case 'chat.MemberJoined': {
      if (!state) return state;
      const members = new Map(state.members);
      members.set(e.data.userId, e.data.role);
      return { ...state, members };
    }
    case 'chat.MemberLeft': {
      if (!state) return state;
      const members = new Map(state.members);
      members.delete(e.data.userId);
      return { ...state, members };
    }
    default:
      return state;
  }
}
