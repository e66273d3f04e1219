import { describe, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../core/errors.ts';
import { spec } from '../../../core/identity/spec-helpers.ts';
import { domainDecider, type DomainCommand } from './catch-all.ts';

const domain = spec(domainDecider);
const set = (accountId: string | null, over: Partial<DomainCommand> = {}): DomainCommand =>
  ({ type: 'setCatchAll', domain: 'example.org', accountId, domainIsLocal: true, accountExists: true, ...over });
const setEvent = (accountId: string | null) => ({ type: 'mail.CatchAllSet', data: { domain: 'example.org', accountId } });

describe('catch-all of a domain', () => {
  it('is set to an existing account of a local domain, and turned off again', () => {
    domain.given([]).when(set('U1')).then([setEvent('U1')]);
    domain.given([setEvent('U1')]).when(set('U2')).then([setEvent('U2')]);
    domain.given([setEvent('U1')]).when(set(null, { accountExists: false })).then([setEvent(null)]);
  });

  it('changes nothing when unchanged', () => {
    domain.given([setEvent('U1')]).when(set('U1')).thenNothing();
    domain.given([]).when(set(null)).thenNothing();
    domain.given([setEvent('U1'), setEvent(null)]).when(set(null)).thenNothing();
  });

  it('is refused for a domain that is not local (even to turn it off) and for an unknown account', () => {
    domain.given([]).when(set('U1', { domainIsLocal: false })).thenThrows(ValidationError);
    domain.given([setEvent('U1')]).when(set(null, { domainIsLocal: false })).thenThrows(ValidationError);
    domain.given([]).when(set('U9', { accountExists: false })).thenThrows(NotFoundError, 'user_not_found');
  });
});
