// What every session of one IMAP server shares: the services it was created with, its
// limits, and the per-user connection counts.
import type { ChangeFeed } from '../../../../core/feed/change-feed.ts';
import type { AuthService } from '../../../../core/identity/auth-service.ts';
import type { Logger } from '../../../../core/logger.ts';
import type { MailStore } from '../../store/types.ts';
import type { ImapLimits } from '../limits.ts';

export type SearchField = 'text' | 'body' | 'subject' | 'from' | 'to';

export interface ImapSearchIndex {
  matchUids(mailboxId: string, field: SearchField, term: string): Promise<Set<number>>;
}

export interface ServerContext {
  store: MailStore;
  auth: AuthService;
  feed: Pick<ChangeFeed, 'subscribe'>;
  logger: Logger;
  search: ImapSearchIndex | undefined;
  hostname: string;
  limits: ImapLimits;
  /** Authenticated connections per user id (MAX_CONNECTIONS_PER_USER). */
  userConnections: Map<string, number>;
}
