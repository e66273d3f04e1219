import type { StoredEvent } from '../../events/types.ts';
import type { Principal, Right } from '../auth-service.ts';
import { asIdentityEvent } from '../events.ts';

export interface GrantState {
  resource: string | undefined;
  /** The right held by each principal, keyed by principalKey(). */
  grants: Readonly<Record<string, { principal: Principal; right: Right }>>;
}

/** 'user:<id>', 'group:<id>' or 'org'. */
export function principalKey(p: Principal): string {
  return p.kind === 'org' ? 'org' : `${p.kind}:${p.id}`;
}

export function initialGrantState(): GrantState {
  return { resource: undefined, grants: {} };
}

export function evolveGrant(state: GrantState, event: StoredEvent): GrantState {
  const e = asIdentityEvent(event);
  switch (e.type) {
    case 'identity.AccessGranted':
      return { resource: e.data.resource, grants: { ...state.grants, [principalKey(e.data.principal)]: { principal: e.data.principal, right: e.data.right } } };
    case 'identity.AccessRevoked': {
      const { [principalKey(e.data.principal)]: _gone, ...rest } = state.grants;
      return { resource: e.data.resource, grants: rest };
    }
    default:
      return state;
  }
}
