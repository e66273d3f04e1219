import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { identityEvent as ev } from './events.ts';
import { organizationDecider } from './organization/decide.ts';
import { spec } from './spec-helpers.ts';

const org = spec(organizationDecider);
const created = [
  ev('identity.OrganizationCreated', { orgId: 'O1', name: 'example.org', retentionDays: 30 }),
  ev('identity.DomainAdded', { domain: 'example.org' }),
];

describe('organization', () => {
  it('is created with its first domain, normalized', () => {
    org.given([]).when({ type: 'CreateOrganization', orgId: 'O1', name: 'example.org', retentionDays: 30, firstDomain: 'Example.ORG.' }).then(created);
  });

  it('is created only once', () => {
    org.given(created).when({ type: 'CreateOrganization', orgId: 'O2', name: 'x', retentionDays: 30, firstDomain: 'x.org' }).thenThrows(ConflictError, 'org_exists');
  });

  it('refuses a bad retention and a bad first domain', () => {
    org.given([]).when({ type: 'CreateOrganization', orgId: 'O1', name: 'x', retentionDays: -1, firstDomain: 'x.org' }).thenThrows(ValidationError);
    org.given([]).when({ type: 'CreateOrganization', orgId: 'O1', name: 'x', retentionDays: 30, firstDomain: 'not a domain' }).thenThrows(ValidationError);
  });

  it('needs the organization before anything else', () => {
    org.given([]).when({ type: 'AddDomain', domain: 'example.com' }).thenThrows(NotFoundError, 'org_not_found');
    org.given([]).when({ type: 'ChangeRetention', retentionDays: 7 }).thenThrows(NotFoundError, 'org_not_found');
  });

  it('changes the retention, and does nothing when it is unchanged', () => {
    org.given(created).when({ type: 'ChangeRetention', retentionDays: 0 }).then([ev('identity.RetentionChanged', { retentionDays: 0 })]);
    org.given(created).when({ type: 'ChangeRetention', retentionDays: 30 }).thenNothing();
    org.given(created).when({ type: 'ChangeRetention', retentionDays: 1.5 }).thenThrows(ValidationError);
    org.given(created).when({ type: 'ChangeRetention', retentionDays: 100_000 }).thenThrows(ValidationError);
  });

  it('adds domains (IDN as punycode) and refuses duplicates and junk', () => {
    org.given(created).when({ type: 'AddDomain', domain: 'Example.COM' }).then([ev('identity.DomainAdded', { domain: 'example.com' })]);
    org.given(created).when({ type: 'AddDomain', domain: 'bücher.example' }).then([ev('identity.DomainAdded', { domain: 'xn--bcher-kva.example' })]);
    org.given(created).when({ type: 'AddDomain', domain: 'EXAMPLE.org' }).thenThrows(ConflictError, 'domain_exists');
    for (const bad of ['', 'a..b', '-a.org', 'a_b.org', 'a b.org', `${'a'.repeat(64)}.org`, 'user@example.org']) {
      org.given(created).when({ type: 'AddDomain', domain: bad }).thenThrows(ValidationError);
    }
  });

  it('removes a domain unless it is unknown, the last one, or still in use', () => {
    const two = [...created, ev('identity.DomainAdded', { domain: 'example.com' })];
    org.given(two).when({ type: 'RemoveDomain', domain: 'example.com', domainInUse: false }).then([ev('identity.DomainRemoved', { domain: 'example.com' })]);
    org.given(two).when({ type: 'RemoveDomain', domain: 'example.com', domainInUse: true }).thenThrows(ConflictError, 'domain_in_use');
    org.given(two).when({ type: 'RemoveDomain', domain: 'example.net', domainInUse: false }).thenThrows(NotFoundError, 'domain_not_found');
    org.given(created).when({ type: 'RemoveDomain', domain: 'example.org', domainInUse: false }).thenThrows(ForbiddenError, 'last_domain');
  });

  it('folds into the current state', () => {
    const s = org.given([...created, ev('identity.DomainAdded', { domain: 'b.org' }), ev('identity.DomainRemoved', { domain: 'example.org' }), ev('identity.RetentionChanged', { retentionDays: 7 })]).state();
    expect(s).toEqual({ exists: true, orgId: 'O1', name: 'example.org', retentionDays: 7, domains: ['b.org'] });
  });
});
