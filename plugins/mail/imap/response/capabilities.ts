// The CAPABILITY list (RFC 9051 §7.2.2): only what works is advertised.
import type { SessionState } from '../commands/command.ts';

/** Extensions that hold in every state once TLS is up. */
const BASE = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'ID', 'ENABLE', 'IDLE'];

/** After login (RFC 9051 §7.1: capabilities may change with state). */
const AUTHENTICATED = [
  'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'CHILDREN', 'SPECIAL-USE', 'CREATE-SPECIAL-USE',
  'CONDSTORE', 'QRESYNC', 'ESEARCH', 'SEARCHRES', 'LIST-EXTENDED', 'LIST-STATUS',
  'QUOTA', 'QUOTA=RES-STORAGE', 'STATUS=SIZE', 'UTF8=ACCEPT', 'BINARY',
];

export function capabilities(opts: { state: SessionState; needsTls: boolean; appendLimit: number }): string {
  // STARTTLS port before TLS: no authentication at all (RFC 9051 §6.2.3 LOGINDISABLED, RFC 8314 spirit).
  if (opts.needsTls) return [...BASE, 'STARTTLS', 'LOGINDISABLED'].join(' ');
  if (opts.state === 'not-authenticated') return [...BASE, 'SASL-IR', 'AUTH=PLAIN'].join(' ');
  return [...BASE, ...AUTHENTICATED, `APPENDLIMIT=${opts.appendLimit}`].join(' ');
}
