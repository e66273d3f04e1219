import { ConflictError, NotFoundError } from '../../errors.ts';
import type { Decider } from '../../events/handle-command.ts';
import type { EventMetadata } from '../../events/types.ts';
import { identityEvent, type IdentityEvent } from '../events.ts';
import { normalizeGroupName } from '../validation.ts';
import { evolveGroup, initialGroupState, type GroupState } from './state.ts';

// nameInUse (groups read model) and userExists (users read model) are facts from
// outside this stream, gathered by the command layer.
export type GroupCommand =
  | { type: 'CreateGroup'; groupId: string; name: string; nameInUse: boolean }
  | { type: 'AddGroupMember'; userId: string; userExists: boolean }
  | { type: 'RemoveGroupMember'; userId: string };

type Cmd<T extends GroupCommand['type']> = Extract<GroupCommand, { type: T }>;

function requireGroup(state: GroupState): GroupState & { groupId: string } {
  if (!state.exists || !state.groupId) throw new NotFoundError('no such group', 'group_not_found');
  return state as GroupState & { groupId: string };
}

export function createGroup(c: Cmd<'CreateGroup'>, state: GroupState): IdentityEvent[] {
  if (state.exists) throw new ConflictError('a group with this id already exists', 'group_exists');
  const name = normalizeGroupName(c.name);
  if (c.nameInUse) throw new ConflictError(`a group named "${name}" already exists`, 'group_exists');
  return [identityEvent('identity.GroupCreated', { groupId: c.groupId, name })];
}

/** Adding a member twice changes nothing (no event). */
export function addGroupMember(c: Cmd<'AddGroupMember'>, state: GroupState): IdentityEvent[] {
  const g = requireGroup(state);
  if (!c.userExists) throw new NotFoundError('no such user', 'user_not_found');
  if (g.members.includes(c.userId)) return [];
  return [identityEvent('identity.GroupMemberAdded', { groupId: g.groupId, userId: c.userId })];
}

/** Removing someone who is not a member changes nothing (no event). */
export function removeGroupMember(c: Cmd<'RemoveGroupMember'>, state: GroupState): IdentityEvent[] {
  const g = requireGroup(state);
  if (!g.members.includes(c.userId)) return [];
  return [identityEvent('identity.GroupMemberRemoved', { groupId: g.groupId, userId: c.userId })];
}

export function decideGroup(command: GroupCommand, state: GroupState, _metadata?: EventMetadata): IdentityEvent[] {
  switch (command.type) {
    case 'CreateGroup': return createGroup(command, state);
    case 'AddGroupMember': return addGroupMember(command, state);
    case 'RemoveGroupMember': return removeGroupMember(command, state);
  }
}

export const groupDecider: Decider<GroupState, GroupCommand, IdentityEvent> = {
  initialState: initialGroupState,
  evolve: evolveGroup,
  decide: decideGroup,
};
