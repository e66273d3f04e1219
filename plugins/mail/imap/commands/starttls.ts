// STARTTLS (RFC 9051 §6.2.1): only on the STARTTLS port, only before TLS and login.
// The reader already stopped framing at the STARTTLS line; bytes the client pipelined
// after it are discarded when TLS starts (CVE-2011-0411).
import { badSyntax } from '../imap-error.ts';
import { NOT_AUTHENTICATED, defineCommand, noArgs } from './command.ts';

export const starttlsCommand = defineCommand({
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  parse: noArgs,
  async run(s, _args, tag) {
    if (!s.needsTls) {
      s.resumeReading();
      throw badSyntax('TLS is already active');
    }
    try {
      await s.startTls(tag);
    } catch (e) {
      // The listener destroyed the connection; nothing left to say.
      s.ctx.logger.debug({ err: e, conn: s.conn.id }, 'imap: STARTTLS handshake failed');
    }
    return null;
  },
});
