// The MX: SMTP from other mail servers to our users (RFC 5321), on CAIRN_SMTP_PORT.
//
// Implementation notes — invariants
//
// - Never an open relay: a recipient outside our domains is refused at RCPT with
//   554 5.7.1, and this port offers no AUTH (submission is a different port, RFC 6409
//   §3.1), so there is no way to relay through it.
// - Unknown local recipients are refused at RCPT (550 5.1.1), never accepted and then
//   bounced (RFC 5321 §3.6.2 discourages accept-then-bounce: it produces backscatter).
// - SIZE (RFC 1870) is advertised and enforced: MAIL FROM with a larger SIZE= is
//   refused, a DATA that grows past the limit is answered 552 5.3.4 and not stored.
// - 250 after DATA means durable: every local recipient's copy (and anything its
//   redirections queue) has been committed before the reply. SMTP has one reply for the
//   whole DATA (RFC 5321 §4.2.5), so if any recipient's delivery fails the whole
//   transaction gets 451 4.3.0 (or 452 4.2.2 for a full mailbox), and the client's retry
//   is deduplicated per recipient by idempotency keys (delivery-key.ts): recipients
//   that were already delivered are not delivered twice.
// - Authentication-Results (RFC 8601) is computed by mailauth (SPF RFC 7208, DKIM
//   RFC 6376, DMARC RFC 7489, ARC RFC 8617) with the injected DNS resolver, and
//   prepended with Return-Path and our Received field. Results claiming our authserv-id
//   that arrive with the message are removed first (RFC 8601 §5), so nobody can forge
//   our verdict.
// - A spam verdict header (X-Spam-Flag: YES, X-Spam-Status: Yes) files the message in
//   \Junk (see spam-verdict.ts, delivery-pipeline.ts).
// - Errors: handler errors are SmtpReply (a code for the client) or unexpected (logged,
//   451 4.3.0 without details). Syntax errors and command order (503) are smtp-server's.
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerEnvelope, SMTPServerSession } from 'smtp-server';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Quota } from '../store/types.ts';
import { domainOf, isValidAddress, normalizeAddress } from './address.ts';
import { CairnSmtpServer } from './cairn-smtp-server.ts';
import { ConnectionLimiter } from './connection-limiter.ts';
import { deliveryKey } from './delivery-key.ts';
import { reverseLookup, type DnsResolver } from './dns-resolver.ts';
import { mailauthAuthenticate } from './mailauth.ts';
import type { DeliveryPipeline } from './pipeline/delivery-pipeline.ts';
import { headerBounds, headerFields, prependHeaders, removeHeaders, type HeaderField } from './raw-message.ts';
import { readMessage } from './read-message.ts';
import { receivedHeader, returnPathHeader } from './received-header.ts';
import { reply, replyForError, SmtpReply } from './smtp-reply.ts';
import {
  MAX_CONNECTIONS_PER_IP, MAX_MESSAGE_BYTES, MAX_RECEIVED_HEADERS, commonServerOptions,
} from './smtp-limits.ts';
import { isSpamFlagged } from './spam-verdict.ts';

export interface InboundServerDeps {
  /** Our name: greeting, Received "by", Authentication-Results authserv-id. */
  hostname: string;
  isLocalDomain(domain: string): Promise<boolean>;
  resolveRecipient(address: string): Promise<{ userId: string } | undefined>;
  /** For the SIZE-against-quota check at RCPT; omitted = no check there (the store still refuses). */
  quota?(userId: string): Promise<Quota>;
  pipeline: DeliveryPipeline;
  resolver: DnsResolver;
  logger: Logger;
  now(): number;
  /** Offered through STARTTLS (RFC 3207) when given. */
  tls?: { key: string; cert: string };
  maxMessageBytes?: number;
  greetingDelayMs?: number;
  /** Look up the client's PTR name for the Received field (skipped for loopback/private addresses). */
  reverseLookup?: boolean;
}

/** Header fields that make the body matter for verification (RFC 6376 §3.5, RFC 8617 §4.1). */
const SIGNATURE_FIELDS = new Set(['dkim-signature', 'arc-seal', 'arc-message-signature', 'arc-authentication-results']);
const CRLF = Buffer.from('\r\n');

export function createInboundServer(deps: InboundServerDeps): CairnSmtpServer {
  const { logger } = deps;
  const limit = deps.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const limiter = new ConnectionLimiter(MAX_CONNECTIONS_PER_IP);
  // The client's PTR name, per connection.
  const ptrs = new WeakMap<SMTPServerSession, string | undefined>();
  // RCPT address → user id, per envelope: smtp-server gives every transaction (and every
  // RSET or EHLO) a new envelope object, so recipients of an abandoned transaction can
  // never leak into the next one.
  const recipientsOf = new WeakMap<SMTPServerEnvelope, Map<string, string>>();
  const recipients = (session: SMTPServerSession): Map<string, string> => {
    let m = recipientsOf.get(session.envelope);
    if (!m) {
      m = new Map();
      recipientsOf.set(session.envelope, m);
    }
    return m;
  };
  const meta = (session: SMTPServerSession): EventMetadata => ({
    actor: 'system', source: 'smtp', requestId: session.id, time: new Date(deps.now()).toISOString(),
  });

  async function onConnect(session: SMTPServerSession): Promise<void> {
    if (!limiter.acquire(session)) throw new SmtpReply(421, '4.7.0', 'Too many connections from your address, try again later');
    if (deps.reverseLookup ?? true) ptrs.set(session, await reverseLookup(deps.resolver, session.remoteAddress));
  }

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const rcpt = normalizeAddress(address.address);
    if (!isValidAddress(rcpt)) throw reply.badRecipient();
    // RFC 5321 §3.6.2 / §7.1: only our own domains; anything else would be relaying.
    if (!(await deps.isLocalDomain(domainOf(rcpt)))) throw reply.relayDenied();
    const user = await deps.resolveRecipient(rcpt);
    if (!user) throw reply.unknownUser();
    // RFC 1870 §6.1: a declared SIZE lets us refuse early when the mailbox cannot take it.
    const declared = session.envelope.mailFrom && session.envelope.mailFrom.args ? Number(session.envelope.mailFrom.args.SIZE ?? 0) : 0;
    if (declared > 0 && deps.quota) {
      const q = await deps.quota(user.userId);
      if (q.limitBytes !== null && q.usedBytes + declared > q.limitBytes) throw reply.mailboxFull();
    }
    recipients(session).set(rcpt, user.userId);
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const { raw, oversized } = await readMessage(stream, limit);
    if (oversized) throw reply.tooBig(limit);
    const fields = headerFields(raw);
    if (fields.filter((f) => f.name === 'received').length > MAX_RECEIVED_HEADERS) throw reply.tooManyHops();
    const accepted = recipients(session);
    const sender = session.envelope.mailFrom ? normalizeAddress(session.envelope.mailFrom.address) : '';
    const rcpts = [...accepted.keys()];
    const envelope = { from: sender, to: rcpts };

    const auth = await authenticationResults(raw, fields, session, sender);
    // RFC 8601 §5: drop results that claim to be ours before adding the real ones.
    const ours = deps.hostname.toLowerCase();
    // RFC 5321 §4.4: Return-Path is added at final delivery, i.e. here; one that arrives was not.
    const cleaned = removeHeaders(raw, new Set(['authentication-results', 'return-path']), (f) => f.name === 'authentication-results' && authservId(f.value) !== ours);
    const trace = [
      returnPathHeader(sender),
      ...auth,
      receivedHeader({
        helo: session.hostNameAppearsAs || session.remoteAddress, clientHostname: ptrs.get(session), ip: session.remoteAddress,
        by: deps.hostname, protocol: session.transmissionType || 'ESMTP', id: `${session.id}.${session.transaction}`,
        recipient: rcpts.length === 1 ? rcpts[0] : undefined, tlsCipher: session.tlsOptions ? session.tlsOptions.name : undefined,
        time: deps.now(),
      }),
    ];
    const message = prependHeaders(cleaned, trace);
    const spam = isSpamFlagged(raw);

    // One copy per user, even when several of their addresses were in RCPT.
    const byUser = new Map<string, string>();
    for (const [address, userId] of accepted) if (!byUser.has(userId)) byUser.set(userId, address);
    const m = meta(session);
    try {
      await Promise.all([...byUser].map(([userId, recipient]) => deps.pipeline.deliver({
        userId, recipient, raw: message, sender, spam, idempotencyKey: deliveryKey('inbound', raw, envelope, userId),
      }, m)));
    } catch (err) {
      throw replyForError(err, logger, { session: session.id, sender, recipients: rcpts });
    }
    return `2.6.0 Message accepted for delivery (${session.id}.${session.transaction})`;
  }

  async function authenticationResults(raw: Buffer, fields: readonly HeaderField[], session: SMTPServerSession, sender: string): Promise<string[]> {
    // Without a DKIM or ARC signature the body plays no part in any verdict (SPF looks at
    // the envelope, DMARC at the From header), so mailauth gets only the header: its
    // byte-by-byte body scan is most of its cost on large unsigned mail. Same results.
    const signed = fields.some((f) => SIGNATURE_FIELDS.has(f.name));
    const input = signed ? raw : Buffer.concat([raw.subarray(0, headerBounds(raw).headerEnd), CRLF]);
    try {
      const r = await mailauthAuthenticate(input, {
        sender, ip: session.remoteAddress, helo: session.hostNameAppearsAs || '', mta: deps.hostname,
        resolver: deps.resolver, disableBimi: true,
      });
      return r.headers.split(/\r\n(?![ \t])/).filter((l) => l.trim() !== '');
    } catch (err) {
      // Verification must never cost the message: record that we could not check.
      logger.warn({ err, session: session.id }, 'message authentication failed to run');
      return [`Authentication-Results: ${deps.hostname}; none (verification error)`];
    }
  }

  return new CairnSmtpServer({
    ...commonServerOptions({ hostname: deps.hostname, banner: 'Cairn ESMTP', sizeLimit: limit, ...(deps.greetingDelayMs !== undefined ? { greetingDelayMs: deps.greetingDelayMs } : {}) }),
    authOptional: true,
    disabledCommands: ['AUTH', ...(deps.tls ? [] : ['STARTTLS'])],
    ...(deps.tls ? { key: deps.tls.key, cert: deps.tls.cert } : {}),
    onConnect: (session, cb) => onConnect(session).then(() => cb(), (err: unknown) => cb(asReply(err))),
    onMailFrom: (_address, _session, cb) => cb(),
    onRcptTo: (address, session, cb) => onRcptTo(address, session).then(() => cb(), (err: unknown) => cb(asReply(err))),
    onData: (stream, session, cb) => onData(stream, session).then((msg) => cb(null, msg), (err: unknown) => cb(asReply(err))),
    onClose: (session) => limiter.release(session),
  });

  function asReply(err: unknown): SmtpReply {
    return replyForError(err, logger, {});
  }
}

/** The authserv-id of an Authentication-Results value: the first token (RFC 8601 §2.2). */
function authservId(value: string): string {
  return (value.split(';')[0] ?? '').trim().split(/\s+/)[0]!.toLowerCase();
}
