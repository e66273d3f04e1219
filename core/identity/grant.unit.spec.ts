import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../errors.ts';
import { identityEvent as ev } from './events.ts';
import { grantDecider } from './grant/decide.ts';
import { spec } from './spec-helpers.ts';

const grant = spec(grantDecider);
const R = 'calendar:01JABC';
const userRead = ev('identity.AccessGranted', { resource: R, principal: { kind: 'user', id: 'U1' }, right: 'read' });

describe('grant', () => {
  it('grants a right to a user, a group or the organization', () => {
    grant.given([]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'user', id: 'U1' }, right: 'read', principalExists: true }).then([userRead]);
    grant.given([]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'group', id: 'G1' }, right: 'write', principalExists: true })
      .then([ev('identity.AccessGranted', { resource: R, principal: { kind: 'group', id: 'G1' }, right: 'write' })]);
    grant.given([]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'org' }, right: 'read', principalExists: false })
      .then([ev('identity.AccessGranted', { resource: R, principal: { kind: 'org' }, right: 'read' })]);
  });

  it('replaces a right, and does nothing when the same right is granted again', () => {
    grant.given([userRead]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'user', id: 'U1' }, right: 'read', principalExists: true }).thenNothing();
    grant.given([userRead]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'user', id: 'U1' }, right: 'share', principalExists: true })
      .then([ev('identity.AccessGranted', { resource: R, principal: { kind: 'user', id: 'U1' }, right: 'share' })]);
  });

  it('refuses unknown principals, bad rights and bad resource ids', () => {
    grant.given([]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'user', id: 'U9' }, right: 'read', principalExists: false }).thenThrows(NotFoundError, 'user_not_found');
    grant.given([]).when({ type: 'GrantAccess', resource: R, principal: { kind: 'user', id: 'U1' }, right: 'own' as never, principalExists: true }).thenThrows(ValidationError);
    for (const bad of ['calendar', 'Calendar:1', 'calendar:a b', `calendar:${'x'.repeat(200)}`, 'calendar:é']) {
      grant.given([]).when({ type: 'GrantAccess', resource: bad, principal: { kind: 'org' }, right: 'read', principalExists: true }).thenThrows(ValidationError);
    }
  });

  it('revokes what is granted; revoking nothing changes nothing', () => {
    grant.given([userRead]).when({ type: 'RevokeAccess', resource: R, principal: { kind: 'user', id: 'U1' } })
      .then([ev('identity.AccessRevoked', { resource: R, principal: { kind: 'user', id: 'U1' } })]);
    grant.given([userRead]).when({ type: 'RevokeAccess', resource: R, principal: { kind: 'org' } }).thenNothing();
    const s = grant.given([userRead, ev('identity.AccessRevoked', { resource: R, principal: { kind: 'user', id: 'U1' } })]).state();
    expect(s.grants).toEqual({});
  });
});
