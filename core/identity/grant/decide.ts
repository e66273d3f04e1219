import { NotFoundError, ValidationError } from '../../errors.ts';
import type { Decider } from '../../events/handle-command.ts';
import type { EventMetadata } from '../../events/types.ts';
import type { Principal, Right } from '../auth-service.ts';
import { identityEvent, type IdentityEvent } from '../events.ts';
import { checkResource, checkRight } from '../validation.ts';
import { evolveGrant, initialGrantState, principalKey, type GrantState } from './state.ts';

// principalExists: the user (not removed) or group exists, from the read models; the
// 'org' principal always exists.
export type GrantCommand =
  | { type: 'GrantAccess'; resource: string; principal: Principal; right: Right; principalExists: boolean }
  | { type: 'RevokeAccess'; resource: string; principal: Principal };

type Cmd<T extends GrantCommand['type']> = Extract<GrantCommand, { type: T }>;

function checkPrincipal(p: Principal): Principal {
  if (p.kind === 'org') return { kind: 'org' };
  if ((p.kind === 'user' || p.kind === 'group') && typeof p.id === 'string' && p.id.length > 0) return { kind: p.kind, id: p.id };
  throw new ValidationError('principal must be a user, a group or the organization', { field: 'principal' });
}

function checkSameResource(state: GrantState, resource: string): void {
  if (state.resource !== undefined && state.resource !== resource) throw new ValidationError('command does not belong to this grant stream');
}

/** Granting the right already held changes nothing; granting another right replaces it. */
export function grantAccess(c: Cmd<'GrantAccess'>, state: GrantState): IdentityEvent[] {
  const resource = checkResource(c.resource);
  checkSameResource(state, resource);
  const principal = checkPrincipal(c.principal);
  const right = checkRight(c.right);
  if (principal.kind !== 'org' && !c.principalExists) throw new NotFoundError(`no such ${principal.kind}`, `${principal.kind}_not_found`);
  if (state.grants[principalKey(principal)]?.right === right) return [];
  return [identityEvent('identity.AccessGranted', { resource, principal, right })];
}

/** Revoking what is not granted changes nothing. */
export function revokeAccess(c: Cmd<'RevokeAccess'>, state: GrantState): IdentityEvent[] {
  const resource = checkResource(c.resource);
  checkSameResource(state, resource);
  const principal = checkPrincipal(c.principal);
  if (!state.grants[principalKey(principal)]) return [];
  return [identityEvent('identity.AccessRevoked', { resource, principal })];
}

export function decideGrant(command: GrantCommand, state: GrantState, _metadata?: EventMetadata): IdentityEvent[] {
  switch (command.type) {
    case 'GrantAccess': return grantAccess(command, state);
    case 'RevokeAccess': return revokeAccess(command, state);
  }
}

export const grantDecider: Decider<GrantState, GrantCommand, IdentityEvent> = {
  initialState: initialGrantState,
  evolve: evolveGrant,
  decide: decideGrant,
};
