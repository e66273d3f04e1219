import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.ts';
import type { Decider } from '../../events/handle-command.ts';
import type { EventMetadata } from '../../events/types.ts';
import { identityEvent, type IdentityEvent } from '../events.ts';
import { checkRetentionDays, normalizeDomain } from '../validation.ts';
import { evolveOrganization, initialOrganizationState, type OrganizationState } from './state.ts';

export type OrganizationCommand =
  | { type: 'CreateOrganization'; orgId: string; name: string; retentionDays: number; firstDomain: string }
  | { type: 'ChangeRetention'; retentionDays: number }
  | { type: 'AddDomain'; domain: string }
  /** domainInUse: whether any user's address is on this domain (from the users read model). */
  | { type: 'RemoveDomain'; domain: string; domainInUse: boolean };

function requireOrg(state: OrganizationState): void {
  if (!state.exists) throw new NotFoundError('the organization has not been initialized', 'org_not_found');
}

export function createOrganization(c: Extract<OrganizationCommand, { type: 'CreateOrganization' }>, state: OrganizationState): IdentityEvent[] {
  if (state.exists) throw new ConflictError('the organization already exists', 'org_exists');
  const domain = normalizeDomain(c.firstDomain);
  return [
    identityEvent('identity.OrganizationCreated', { orgId: c.orgId, name: c.name, retentionDays: checkRetentionDays(c.retentionDays) }),
    identityEvent('identity.DomainAdded', { domain }),
  ];
}

export function changeRetention(c: Extract<OrganizationCommand, { type: 'ChangeRetention' }>, state: OrganizationState): IdentityEvent[] {
  requireOrg(state);
  const days = checkRetentionDays(c.retentionDays);
  if (days === state.retentionDays) return [];
  return [identityEvent('identity.RetentionChanged', { retentionDays: days })];
}

export function addDomain(c: Extract<OrganizationCommand, { type: 'AddDomain' }>, state: OrganizationState): IdentityEvent[] {
  requireOrg(state);
  const domain = normalizeDomain(c.domain);
  if (state.domains.includes(domain)) throw new ConflictError(`domain ${domain} already exists`, 'domain_exists');
  return [identityEvent('identity.DomainAdded', { domain })];
}

export function removeDomain(c: Extract<OrganizationCommand, { type: 'RemoveDomain' }>, state: OrganizationState): IdentityEvent[] {
  requireOrg(state);
  const domain = normalizeDomain(c.domain);
  if (!state.domains.includes(domain)) throw new NotFoundError(`domain ${domain} does not exist`, 'domain_not_found');
  if (state.domains.length === 1) throw new ForbiddenError('the organization needs at least one domain', 'last_domain');
  if (c.domainInUse) throw new ConflictError(`users still have addresses on ${domain}; remove them first`, 'domain_in_use');
  return [identityEvent('identity.DomainRemoved', { domain })];
}

export function decideOrganization(command: OrganizationCommand, state: OrganizationState, _metadata?: EventMetadata): IdentityEvent[] {
  switch (command.type) {
    case 'CreateOrganization': return createOrganization(command, state);
    case 'ChangeRetention': return changeRetention(command, state);
    case 'AddDomain': return addDomain(command, state);
    case 'RemoveDomain': return removeDomain(command, state);
  }
}

export const organizationDecider: Decider<OrganizationState, OrganizationCommand, IdentityEvent> = {
  initialState: initialOrganizationState,
  evolve: evolveOrganization,
  decide: decideOrganization,
};
