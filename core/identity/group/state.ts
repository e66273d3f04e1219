import type { StoredEvent } from '../../events/types.ts';
import { asIdentityEvent } from '../events.ts';

export interface GroupState {
  exists: boolean;
  groupId: string | undefined;
  name: string | undefined;
  /** Member user ids, in the order they joined. */
  members: readonly string[];
}

export function initialGroupState(): GroupState {
  return { exists: false, groupId: undefined, name: undefined, members: [] };
}

export function evolveGroup(state: GroupState, event: StoredEvent): GroupState {
  const e = asIdentityEvent(event);
  switch (e.type) {
    case 'identity.GroupCreated':
      return { ...state, exists: true, groupId: e.data.groupId, name: e.data.name };
    case 'identity.GroupMemberAdded':
      return state.members.includes(e.data.userId) ? state : { ...state, members: [...state.members, e.data.userId] };
    case 'identity.GroupMemberRemoved':
      return { ...state, members: state.members.filter((m) => m !== e.data.userId) };
    default:
      return state;
  }
}
