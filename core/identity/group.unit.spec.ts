import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { identityEvent as ev } from './events.ts';
import { groupDecider } from './group/decide.ts';
import { spec } from './spec-helpers.ts';

const group = spec(groupDecider);
const created = ev('identity.GroupCreated', { groupId: 'G1', name: 'Team' });
const aliceIn = ev('identity.GroupMemberAdded', { groupId: 'G1', userId: 'U1' });

describe('group', () => {
  it('is created with a trimmed name, once, and not under a taken name', () => {
    group.given([]).when({ type: 'CreateGroup', groupId: 'G1', name: ' Team ', nameInUse: false }).then([created]);
    group.given([created]).when({ type: 'CreateGroup', groupId: 'G1', name: 'Team', nameInUse: false }).thenThrows(ConflictError, 'group_exists');
    group.given([]).when({ type: 'CreateGroup', groupId: 'G1', name: 'Team', nameInUse: true }).thenThrows(ConflictError, 'group_exists');
    group.given([]).when({ type: 'CreateGroup', groupId: 'G1', name: '', nameInUse: false }).thenThrows(ValidationError);
  });

  it('adds existing users once and removes members; repeats change nothing', () => {
    group.given([created]).when({ type: 'AddGroupMember', userId: 'U1', userExists: true }).then([aliceIn]);
    group.given([created, aliceIn]).when({ type: 'AddGroupMember', userId: 'U1', userExists: true }).thenNothing();
    group.given([created]).when({ type: 'AddGroupMember', userId: 'U9', userExists: false }).thenThrows(NotFoundError, 'user_not_found');
    group.given([]).when({ type: 'AddGroupMember', userId: 'U1', userExists: true }).thenThrows(NotFoundError, 'group_not_found');
    group.given([created, aliceIn]).when({ type: 'RemoveGroupMember', userId: 'U1' }).then([ev('identity.GroupMemberRemoved', { groupId: 'G1', userId: 'U1' })]);
    group.given([created]).when({ type: 'RemoveGroupMember', userId: 'U1' }).thenNothing();
  });

  it('folds members in joining order', () => {
    const s = group.given([created, aliceIn, ev('identity.GroupMemberAdded', { groupId: 'G1', userId: 'U2' }), ev('identity.GroupMemberRemoved', { groupId: 'G1', userId: 'U1' })]).state();
    expect(s.members).toEqual(['U2']);
  });
});
