/**
 * The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1, with the extensions listed
 * in README.md) over the mail store. The protocol core is here and in session/, parser/,
 * response/ and commands/; storage is only ever reached through the MailStore contract.
 *
 * Implementation notes
 *
 * - Invariant: one command runs at a time per connection, in arrival order. The reader
 *   may frame commands ahead (pipelining, RFC 9051 §5.5) up to MAX_PIPELINED_COMMANDS,
 *   then the socket is paused. Untagged responses are only written by the running
 *   command, or by IDLE's push while IDLE is the running command.
 * - Invariant: memory per connection is bounded by named limits (limits.ts): line length,
 *   literal size (APPENDLIMIT for APPEND, far less otherwise and before login), command
 *   size, nesting depth, FETCH batch size, buffered output (flushed with backpressure).
 * - UIDs are stream positions of the mailbox stream and MODSEQ is the global log
 *   position; both come from the store, never computed here. Sequence numbers are
 *   positions in the session's snapshot of UIDs (session/selected-mailbox.ts), which
 *   changes only when the client is told (EXISTS, EXPUNGE, VANISHED).
 * - Changes by anyone are learnt from the change feed (one subscription per selected
 *   mailbox) and reported at the points RFC 9051 §7.5 allows: after every command except
 *   that expunges wait during FETCH, STORE and SEARCH (§7.5.1); immediately during IDLE.
 * - BODY[section] and BODYSTRUCTURE come from the MIME tree with absolute offsets stored
 *   when the message arrived: the server reads the byte range a section needs and never
 *   re-parses a message.
 * - Errors: BAD for syntax, NO with a response code for user errors, and for anything
 *   else NO [SERVERBUG] with a generic text; details go to the log only.
 * - On the STARTTLS port nothing authenticates before TLS (LOGINDISABLED, no AUTH=);
 *   plaintext pipelined after STARTTLS is discarded (RFC 9051 §6.2.1, CVE-2011-0411).
 * - Failed logins are throttled by the auth service per login and per IP; a connection
 *   gets MAX_FAILED_AUTHS_PER_CONNECTION tries before BYE.
 */
import type { ChangeFeed } from '../../../core/feed/change-feed.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import type { Logger } from '../../../core/logger.ts';
import { createListener, type Listener } from '../../../core/net/index.ts';
import type { MailStore } from '../store/types.ts';
import { commandTable } from './commands/index.ts';
import { DEFAULT_IMAP_LIMITS, type ImapLimits } from './limits.ts';
import { ImapSession } from './session/imap-session.ts';
import type { ImapSearchIndex, ServerContext } from './session/server-context.ts';

export type { ImapLimits } from './limits.ts';
export type { ImapSearchIndex } from './session/server-context.ts';

export interface ImapServerDeps {
  store: MailStore;
  auth: AuthService;
  feed: Pick<ChangeFeed, 'subscribe'>;
  tls: { cert: string; key: string };
  logger: Logger;
  search?: ImapSearchIndex;
  hostname: string;
  limits?: Partial<ImapLimits>;
}

export interface ImapServer {
  listen(opts: { host: string; port: number; tls: 'starttls' | 'implicit' }): Promise<Listener>;
}

export function createImapServer(deps: ImapServerDeps): ImapServer {
  const limits: ImapLimits = { ...DEFAULT_IMAP_LIMITS, ...deps.limits };
  const ctx: ServerContext = {
    store: deps.store,
    auth: deps.auth,
    feed: deps.feed,
    logger: deps.logger,
    search: deps.search,
    hostname: deps.hostname,
    limits,
    // Shared by every listener of this server (IMAP and IMAPS count against one limit).
    userConnections: new Map(),
  };
  const commands = commandTable();
  return {
    listen(opts) {
      return createListener({
        name: opts.tls === 'implicit' ? 'imaps' : 'imap',
        host: opts.host,
        port: opts.port,
        tls: opts.tls,
        secureContext: deps.tls,
        maxConnections: limits.maxConnections,
        maxConnectionsPerIp: limits.maxConnectionsPerIp,
        idleTimeoutMs: limits.idleTimeoutMs,
        logger: deps.logger,
        onConnection(conn) {
          new ImapSession({ conn, ctx, tlsMode: opts.tls, commands }).start();
        },
        onRejected(socket, reason) {
          // RFC 9051 §7.1.5: BYE as the greeting refuses the connection.
          socket.write(`* BYE ${reason === 'shutting-down' ? 'Server shutting down' : 'Too many connections'}\r\n`);
        },
      });
    },
  };
}
