// What a command file exports: its name, the session states it is legal in (the
// legality table of commands/index.ts is built from these), how its arguments parse,
// and what it does.
import type { ArgReader } from '../parser/arg-reader.ts';
import type { ImapSession } from '../session/imap-session.ts';

/** RFC 9051 §3: the four states of a connection. */
export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export const ANY_STATE: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
export const AUTHENTICATED: readonly SessionState[] = ['authenticated', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];
export const NOT_AUTHENTICATED: readonly SessionState[] = ['not-authenticated'];

/** The tagged OK's response code and text; null when the command already answered. */
export interface CommandResult {
  code?: string | null;
  text?: string;
}

export interface ImapCommand<A = unknown> {
  /** Upper case; UID commands are "UID FETCH" etc. */
  name: string;
  states: readonly SessionState[];
  /**
   * RFC 9051 §7.5.1 (RFC 3501 §7.4.1): no untagged EXPUNGE while answering FETCH, STORE or
   * SEARCH, since the client may be using sequence numbers. UID variants are exempt.
   */
  holdsExpunges?: boolean;
  parse(r: ArgReader, session: ImapSession): A;
  run(session: ImapSession, args: A, tag: string): Promise<CommandResult | null>;
}

export function defineCommand<A>(c: ImapCommand<A>): ImapCommand<A> {
  return c;
}

/** Commands without arguments. */
export function noArgs(r: ArgReader): null {
  r.end();
  return null;
}

/** Commands whose only argument is a mailbox name (DELETE, SUBSCRIBE, UNSUBSCRIBE). */
export function mailboxArg(r: ArgReader, s: ImapSession): string {
  r.sp();
  const name = s.mailboxFromWire(r.astring('a mailbox name'));
  r.end();
  return name;
}
