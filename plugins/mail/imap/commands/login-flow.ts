// What LOGIN and AUTHENTICATE share: the TLS requirement, the auth service call, the
// per-connection failure limit, and what a successful login does.
import { RateLimitedError, UnauthorizedError } from '../../../../core/errors.ts';
import { refused } from '../imap-error.ts';
import type { ImapSession } from '../session/imap-session.ts';
import type { CommandResult } from './command.ts';

export function requireTls(s: ImapSession): void {
  // RFC 9051 §6.2.3 / §7.1: no credentials in plaintext.
  if (s.needsTls) throw refused('PRIVACYREQUIRED', 'Use STARTTLS first');
}

export async function completeLogin(s: ImapSession, login: string, secret: string): Promise<CommandResult> {
  let user;
  try {
    user = await s.ctx.auth.authenticate(login, secret, { protocol: 'imap', ip: s.conn.remoteAddress });
  } catch (e) {
    if (e instanceof UnauthorizedError || e instanceof RateLimitedError) {
      s.failedAuths++;
      if (s.failedAuths >= s.ctx.limits.maxFailedAuths) {
        s.out.untagged('BYE Too many failed login attempts');
        s.closeAfterReply();
      }
      if (e instanceof RateLimitedError) throw refused('UNAVAILABLE', 'Too many failed attempts; try again later');
      throw refused('AUTHENTICATIONFAILED', 'Invalid credentials');
    }
    throw e;
  }
  s.authenticated(user);
  await s.ctx.store.ensureAccount(user.id, s.meta());
  // RFC 9051 §7.1: the capabilities change after login; tell the client in the tagged OK.
  return { code: `CAPABILITY ${s.capabilities()}`, text: 'Logged in' };
}
