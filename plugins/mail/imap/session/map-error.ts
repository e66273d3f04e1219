// The three kinds of error on the wire: syntax → BAD, user error → NO with a response
// code (RFC 5530), anything else → logged and NO [SERVERBUG] with no details.
import { CairnError, RateLimitedError, UnauthorizedError } from '../../../../core/errors.ts';
import { ImapError } from '../imap-error.ts';

export interface WireError {
  status: 'NO' | 'BAD';
  code: string | null;
  text: string;
  /** A server error: the caller logs it. */
  internal: boolean;
}

/** CairnError codes of the mail store and the auth service, and their IMAP response codes. */
const CODES: Record<string, string> = {
  mailbox_not_found: 'NONEXISTENT',
  not_found: 'NONEXISTENT',
  mailbox_exists: 'ALREADYEXISTS',
  has_children: 'CANNOT',
  cannot_delete_inbox: 'CANNOT',
  special_use_taken: 'USEATTR',
  too_many_mailboxes: 'LIMIT',
  over_quota: 'OVERQUOTA',
  message_too_large: 'TOOBIG',
  too_many: 'LIMIT',
  limit_exceeded: 'LIMIT',
  forbidden: 'NOPERM',
  version_conflict: 'INUSE',
  invalid_input: 'CANNOT',
};

export function mapError(e: unknown): WireError {
  if (e instanceof ImapError) return { status: e.status, code: e.code, text: e.message, internal: false };
  if (e instanceof RateLimitedError) return { status: 'NO', code: 'UNAVAILABLE', text: 'Too many failed attempts; try again later', internal: false };
  if (e instanceof UnauthorizedError) return { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Invalid credentials', internal: false };
  if (e instanceof CairnError && e.kind !== 'server') {
    // User-facing messages of the store's own errors are written for people; safe to show.
    return { status: 'NO', code: CODES[e.code] ?? 'CANNOT', text: oneLine(e.message), internal: false };
  }
  return { status: 'NO', code: 'SERVERBUG', text: 'Internal error; the administrator can find it in the log', internal: true };
}

function oneLine(s: string): string {
  // A response line must not contain CR/LF (RFC 9051 §9 text).
  return s.replace(/[\r\n\0]+/g, ' ').slice(0, 200);
}
