import type { StoredEvent } from '../../events/types.ts';
import { asIdentityEvent } from '../events.ts';

export interface OrganizationState {
  exists: boolean;
  orgId: string | undefined;
  name: string | undefined;
  retentionDays: number;
  /** Local mail domains, in the order they were added. */
  domains: readonly string[];
}

export function initialOrganizationState(): OrganizationState {
  return { exists: false, orgId: undefined, name: undefined, retentionDays: 0, domains: [] };
}

export function evolveOrganization(state: OrganizationState, event: StoredEvent): OrganizationState {
  const e = asIdentityEvent(event);
  switch (e.type) {
    case 'identity.OrganizationCreated':
      return { ...state, exists: true, orgId: e.data.orgId, name: e.data.name, retentionDays: e.data.retentionDays };
    case 'identity.RetentionChanged':
      return { ...state, retentionDays: e.data.retentionDays };
    case 'identity.DomainAdded':
      return state.domains.includes(e.data.domain) ? state : { ...state, domains: [...state.domains, e.data.domain] };
    case 'identity.DomainRemoved':
      return { ...state, domains: state.domains.filter((d) => d !== e.data.domain) };
    default:
      return state;
  }
}
