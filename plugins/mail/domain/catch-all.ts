// The domain aggregate (stream mail-domain:<domain>): which account, if any, receives
// mail for the addresses of a local domain that no user or alias has (the catch-all).
// State + evolve and decide, all pure: whether the domain is local and whether the
// account exists are looked up by the caller and arrive in the command.
import type { Decider } from '../../../core/events/handle-command.ts';
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import { NotFoundError, ValidationError } from '../../../core/errors.ts';

export interface DomainState {
  /** The catch-all account, null when off. */
  catchAll: string | null;
}

export type DomainCommand = {
  type: 'setCatchAll';
  /** Lowercase domain name. */
  domain: string;
  /** null turns the catch-all off. */
  accountId: string | null;
  /** The domain is one of the organization's mail domains now. */
  domainIsLocal: boolean;
  /** The account exists now (ignored when accountId is null). */
  accountExists: boolean;
};

export const initialDomain = (): DomainState => ({ catchAll: null });

export function evolveDomain(s: DomainState, e: StoredEvent): DomainState {
  if (e.type === 'mail.CatchAllSet') return { ...s, catchAll: (e.data as { accountId: string | null }).accountId };
  return s;
}

export function decideDomain(c: DomainCommand, s: DomainState): NewEvent[] {
  // Only our own domains: a catch-all for a foreign domain would have the MX accept mail
  // for addresses we do not own, and submission deliver locally what should go out.
  if (!c.domainIsLocal) throw new ValidationError(`${c.domain} is not one of this server’s domains.`);
  if (c.accountId !== null && !c.accountExists) throw new NotFoundError('No such user.', 'user_not_found');
  if (s.catchAll === c.accountId) return [];
  return [{ type: 'mail.CatchAllSet', data: { domain: c.domain, accountId: c.accountId } }];
}

export const domainDecider: Decider<DomainState, DomainCommand> = {
  initialState: initialDomain,
  evolve: evolveDomain,
  decide: (c, s) => decideDomain(c, s),
};
