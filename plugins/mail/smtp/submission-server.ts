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
import { randomBytes } from 'node:crypto';
import type { SMTPServerAddress, SMTPServerAuthentication, SMTPServerDataStream, SMTPServerEnvelope, SMTPServerSession } from 'smtp-server';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import type { MailStore } from '../store/types.ts';
import { domainOf, headerAddresses, isValidAddress, normalizeAddress } from './address.ts';
import { CairnSmtpServer } from './cairn-smtp-server.ts';
import { ConnectionLimiter } from './connection-limiter.ts';
import { deliveryKey } from './delivery-key.ts';
import type { DeliveryPipeline } from './pipeline/delivery-pipeline.ts';
import type { EnqueueRequest } from './queue/outbound-queue.ts';
import { appendHeaders, firstHeader, prependHeaders, removeHeaders, rfc5322Date } from './raw-message.ts';
import { readMessage } from './read-message.ts';
import { receivedHeader, returnPathHeader } from './received-header.ts';
import { reply, replyForError, SmtpReply } from './smtp-reply.ts';
import {
  MAX_CONNECTIONS_PER_IP, MAX_MESSAGE_BYTES, commonServerOptions,
} from './smtp-limits.ts';

export interface SubmissionServerDeps {
  hostname: string;
  auth: Pick<AuthService, 'authenticate'>;
  /** Every address the user may send as (primary and aliases). */
  addressesOf(userId: string): Promise<string[]>;
  isLocalDomain(domain: string): Promise<boolean>;
  resolveRecipient(address: string): Promise<{ userId: string } | undefined>;
  pipeline: DeliveryPipeline;
  enqueue(req: EnqueueRequest, meta: EventMetadata): Promise<string[]>;
  store: Pick<MailStore, 'deliver'>;
  logger: Logger;
  now(): number;
  tls: { key: string; cert: string };
  mode: 'starttls' | 'implicit';
  maxMessageBytes?: number;
  greetingDelayMs?: number;
}

interface SubmitUser {
  id: string;
  email: string;
}

interface TxState {
  /** The user's own addresses (normalized), loaded at MAIL FROM. */
  owned: Set<string>;
  local: Map<string, string>;
  remote: string[];
}

export function createSubmissionServer(deps: SubmissionServerDeps): CairnSmtpServer {
  const { logger } = deps;
  const limit = deps.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const limiter = new ConnectionLimiter(MAX_CONNECTIONS_PER_IP);
  // Per envelope: smtp-server makes a new envelope object for every transaction and
  // every RSET/EHLO, so nothing of an abandoned transaction carries over.
  const states = new WeakMap<SMTPServerEnvelope, TxState>();
  const tx = (session: SMTPServerSession): TxState => {
    let s = states.get(session.envelope);
    if (!s) {
      s = { owned: new Set(), local: new Map(), remote: [] };
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
    const sender = normalizeAddress(address.address);
    if (sender === '') throw reply.nullSenderNotAllowed();
    if (!isValidAddress(sender)) throw reply.badSender();
    const owned = new Set([user.email, ...(await deps.addressesOf(user.id))].map(normalizeAddress));
    if (!owned.has(sender)) throw reply.senderNotOwned(sender);
    tx(session).owned = owned;
  }

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    userOf(session);
    const rcpt = normalizeAddress(address.address);
    if (!isValidAddress(rcpt)) throw reply.badRecipient();
    const state = tx(session);
    if (await deps.isLocalDomain(domainOf(rcpt))) {
      // Local recipients are checked now: the user learns of a typo at once, not by a bounce.
      const user = await deps.resolveRecipient(rcpt);
      if (!user) throw reply.unknownUser();
      state.local.set(rcpt, user.userId);
    } else if (!state.remote.includes(rcpt)) {
      state.remote.push(rcpt);
    }
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const { raw, oversized } = await readMessage(stream, limit);
    if (oversized) throw reply.tooBig(limit);
    const user = userOf(session);
    const state = tx(session);
    const from = headerAddresses(raw, ['from']);
    if (from.length === 0 || !from.every((a) => state.owned.has(a))) throw reply.fromNotOwned();
    const sender = session.envelope.mailFrom ? normalizeAddress(session.envelope.mailFrom.address) : '';
    const envelope = { from: sender, to: [...state.local.keys(), ...state.remote] };

    // RFC 6409 §8.2, §8.3: complete what the client left out.
    const missing: string[] = [];
    if (firstHeader(raw, 'message-id') === undefined) missing.push(`Message-ID: <${randomBytes(12).toString('hex')}@${deps.hostname}>`);
    if (firstHeader(raw, 'date') === undefined) missing.push(`Date: ${rfc5322Date(deps.now())}`);
    // Bcc never leaves (RFC 5322 §3.6.3); Return-Path is the final delivery's to add (RFC 5321 §4.4).
    const completed = removeHeaders(appendHeaders(raw, missing), new Set(['bcc', 'return-path']));
    const transmitted = prependHeaders(completed, [receivedHeader({
      helo: session.hostNameAppearsAs || session.remoteAddress, ip: session.remoteAddress, by: deps.hostname,
      protocol: session.transmissionType || 'ESMTPSA', id: `${session.id}.${session.transaction}`,
      recipient: envelope.to.length === 1 ? envelope.to[0] : undefined, tlsCipher: session.tlsOptions ? session.tlsOptions.name : undefined,
      time: deps.now(),
    })]);
    const meta: EventMetadata = { actor: user.id, source: 'smtp', requestId: session.id, time: new Date(deps.now()).toISOString() };

    const byUser = new Map<string, string>();
    for (const [address, userId] of state.local) if (!byUser.has(userId)) byUser.set(userId, address);
    const localCopy = byUser.size > 0 ? prependHeaders(transmitted, [returnPathHeader(sender)]) : transmitted;
    try {
      await Promise.all([
        ...[...byUser].map(([userId, recipient]) => deps.pipeline.deliver({
          userId, recipient, raw: localCopy, sender, spam: false, idempotencyKey: deliveryKey('submission', raw, envelope, userId),
        }, meta)),
        ...(state.remote.length > 0 ? [deps.enqueue({
          sender, recipients: state.remote, raw: transmitted, userId: user.id, origin: 'submission',
          idempotencyKey: deliveryKey('outbound', raw, envelope, user.id),
        }, meta)] : []),
        deps.store.deliver(user.id, completed, { mailbox: '\\Sent', flags: ['\\Seen'], idempotencyKey: deliveryKey('sent-copy', raw, envelope, user.id) }, meta),
      ]);
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
