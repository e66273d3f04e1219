// Message submission (RFC 6409) for our users' mail clients: CAIRN_SUBMISSION_PORT with
// STARTTLS (RFC 3207) and CAIRN_SUBMISSIONS_PORT with implicit TLS (RFC 8314 §3.3).
//
// Implementation notes — invariants
//
// - Credentials only over TLS: on the STARTTLS port AUTH is neither offered in EHLO
//   nor accepted before STARTTLS ("530 5.7.0 Must issue a STARTTLS command first",
//   RFC 3207 §4), and MAIL/RCPT/DATA need AUTH (530 5.7.0, RFC 4954 §6).
// - AUTH PLAIN (RFC 4616) and LOGIN with the account password or an app password,
//   checked (and throttled) by core's auth service with protocol 'smtp'. PLAIN with an
//   authorization identity other than the login is refused: no acting as someone else.
// - The envelope sender and every From address must be one of the user's addresses
//   (primary or alias): 553 5.7.1 otherwise (RFC 6409 §6.1 lets the MSA enforce this).
//   The null sender is refused: a client has no business sending bounces.
// - The MSA completes the message (RFC 6409 §8): Message-ID and Date when missing.
//   Bcc is removed from every copy (RFC 5322 §3.6.3), the Sent copy included.
// - 250 after DATA means durable: local recipients' copies (through the delivery
//   pipeline), the outbound queue entries for remote recipients, and the copy in the
//   user's \Sent mailbox (flagged \Seen) are all committed first. Any failure answers
//   451/452 and the client's retry is deduplicated by idempotency keys.
import type { SMTPServerAddress, SMTPServerAuthentication, SMTPServerDataStream, SMTPServerEnvelope, SMTPServerSession } from 'smtp-server';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { normalizeAddress } from './address.ts';
import { CairnSmtpServer } from './cairn-smtp-server.ts';
import { ConnectionLimiter } from './connection-limiter.ts';
import { readMessage } from './read-message.ts';
import { receivedHeader } from './received-header.ts';
import { createSubmitter, type RoutedRecipients, type Submitter, type SubmitterDeps } from './submit-message.ts';
import { reply, replyForError, SmtpReply } from './smtp-reply.ts';
import {
  MAX_CONNECTIONS_PER_IP, MAX_MESSAGE_BYTES, commonServerOptions,
} from './smtp-limits.ts';

export interface SubmissionServerDeps extends SubmitterDeps {
  auth: Pick<AuthService, 'authenticate'>;
  tls: { key: string; cert: string };
  mode: 'starttls' | 'implicit';
  maxMessageBytes?: number;
  greetingDelayMs?: number;
  /** The submitter shared with the webmail; made from these deps when absent. */
  submitter?: Submitter;
}

interface SubmitUser {
  id: string;
  email: string;
}

interface TxState {
  /** The user's own addresses (normalized), loaded at MAIL FROM. */
  owned: Set<string>;
  recipients: RoutedRecipients;
}

export function createSubmissionServer(deps: SubmissionServerDeps): CairnSmtpServer {
  const { logger } = deps;
  const limit = deps.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const limiter = new ConnectionLimiter(MAX_CONNECTIONS_PER_IP);
  const submitter = deps.submitter ?? createSubmitter(deps);
  // Per envelope: smtp-server makes a new envelope object for every transaction and
  // every RSET/EHLO, so nothing of an abandoned transaction carries over.
  const states = new WeakMap<SMTPServerEnvelope, TxState>();
  const tx = (session: SMTPServerSession): TxState => {
    let s = states.get(session.envelope);
    if (!s) {
      s = { owned: new Set(), recipients: { local: new Map(), remote: [] } };
      states.set(session.envelope, s);
    }
    return s;
  };
  const userOf = (session: SMTPServerSession): SubmitUser => {
    const user = session.user as SubmitUser | undefined;
    if (!user) throw reply.authRequired();
    return user;
  };

  async function onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<SubmitUser> {
    const login = (auth.username ?? '').trim();
    // RFC 4616 §2: the authorization identity, when given, must be the login itself here.
    if (auth.method === 'PLAIN' && auth.authzid && normalizeAddress(auth.authzid) !== normalizeAddress(login)) throw reply.authFailed();
    const user = await deps.auth.authenticate(login, auth.password ?? '', { protocol: 'smtp', ip: session.remoteAddress });
    return { id: user.id, email: user.email };
  }

  async function onMailFrom(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const user = userOf(session);
    const owned = await submitter.ownedAddresses(user.id, user.email);
    submitter.checkSender(owned, address.address);
    tx(session).owned = owned;
  }

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    userOf(session);
    await submitter.route(address.address, tx(session).recipients);
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const { raw, oversized } = await readMessage(stream, limit);
    if (oversized) throw reply.tooBig(limit);
    const user = userOf(session);
    const state = tx(session);
    const sender = session.envelope.mailFrom ? normalizeAddress(session.envelope.mailFrom.address) : '';
    const to = [...state.recipients.local.keys(), ...state.recipients.remote];
    const trace = [receivedHeader({
      helo: session.hostNameAppearsAs || session.remoteAddress, ip: session.remoteAddress, by: deps.hostname,
      protocol: session.transmissionType || 'ESMTPSA', id: `${session.id}.${session.transaction}`,
      recipient: to.length === 1 ? to[0] : undefined, tlsCipher: session.tlsOptions ? session.tlsOptions.name : undefined,
      time: deps.now(),
    })];
    const meta: EventMetadata = { actor: user.id, source: 'smtp', requestId: session.id, time: new Date(deps.now()).toISOString() };
    try {
      await submitter.deliver({ userId: user.id, sender, recipients: state.recipients, raw, trace }, state.owned, meta);
    } catch (err) {
      throw replyForError(err, logger, { session: session.id, user: user.id });
    }
    return `2.0.0 Message accepted (${session.id}.${session.transaction})`;
  }

  const implicit = deps.mode === 'implicit';
  return new CairnSmtpServer({
    ...commonServerOptions({ hostname: deps.hostname, banner: 'Cairn ESMTP submission', sizeLimit: limit, ...(deps.greetingDelayMs !== undefined ? { greetingDelayMs: deps.greetingDelayMs } : {}) }),
    secure: implicit,
    key: deps.tls.key,
    cert: deps.tls.cert,
    hideAuthBeforeTls: !implicit,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: implicit ? ['STARTTLS'] : [],
    onConnect: (session, cb) => (limiter.acquire(session) ? cb() : cb(new SmtpReply(421, '4.7.0', 'Too many connections from your address, try again later'))),
    onAuth: (auth, session, cb) => onAuth(auth, session).then(
      (user) => cb(null, { user }),
      (err: unknown) => cb(replyForError(err, logger, { session: session.id, login: auth.username })),
    ),
    onMailFrom: (address, session, cb) => onMailFrom(address, session).then(() => cb(), (err: unknown) => cb(replyForError(err, logger, { session: session.id }))),
    onRcptTo: (address, session, cb) => onRcptTo(address, session).then(() => cb(), (err: unknown) => cb(replyForError(err, logger, { session: session.id }))),
    onData: (stream, session, cb) => onData(stream, session).then((msg) => cb(null, msg), (err: unknown) => cb(replyForError(err, logger, { session: session.id }))),
    onClose: (session) => limiter.release(session),
  });
}
