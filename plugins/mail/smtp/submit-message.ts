// Submitting a message on behalf of a signed-in user: what an authenticated SMTP
// submission does after DATA, and what the webmail's Send button does. One code path,
// so mail sent from a client and from the browser is checked and delivered alike.
//
// Implementation notes — invariants
//
// - The envelope sender and every From address must be one of the user's addresses
//   (primary or alias); the null sender is refused (RFC 6409 §6.1).
// - Local recipients must resolve to a user; anything outside our domains is remote.
// - The message is completed (RFC 6409 §8): Message-ID and Date when missing; Bcc is
//   removed from every copy, the Sent copy included (RFC 5322 §3.6.3).
// - Local recipients go through the delivery pipeline, remote ones into the outbound
//   queue (DKIM-signed there), and a copy goes to the user's \Sent flagged \Seen. All of
//   it is awaited: when submit resolves, everything is durable. Idempotency keys are
//   hashed from the bytes as given and the envelope, so a retry writes nothing twice.
import { randomBytes } from 'node:crypto';
import { CairnError } from '../../../core/errors.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import type { MailStore } from '../store/types.ts';
import { domainOf, headerAddresses, isValidAddress, normalizeAddress } from './address.ts';
import { deliveryKey } from './delivery-key.ts';
import type { DeliveryPipeline } from './pipeline/delivery-pipeline.ts';
import type { EnqueueRequest } from './queue/outbound-queue.ts';
import { appendHeaders, firstHeader, prependHeaders, removeHeaders, rfc5322Date } from './raw-message.ts';
import { returnPathHeader } from './received-header.ts';
import { reply, SmtpReply } from './smtp-reply.ts';
import type { SendRateLimiter } from './send-rate-limit.ts';

/** Recipients per submission: RFC 5321 §4.5.3.1.8's minimum, as on the SMTP port. */
export const MAX_SUBMIT_RECIPIENTS = 100;

export interface SubmitterDeps {
  hostname: string;
  /** Every address the user may send as (primary and aliases). */
  addressesOf(userId: string): Promise<string[]>;
  isLocalDomain(domain: string): Promise<boolean>;
  resolveRecipient(address: string): Promise<{ userId: string } | undefined>;
  pipeline: DeliveryPipeline;
  enqueue(req: EnqueueRequest, meta: EventMetadata): Promise<string[]>;
  store: Pick<MailStore, 'deliver'>;
  logger: Logger;
  now(): number;
  /** Caps remote recipients per user per hour (send-rate-limit.ts); none when absent. */
  rateLimit?: SendRateLimiter;
}

export interface SubmitEnvelope {
  from: string;
  to: string[];
}

export interface SubmitResult {
  /** The Message-ID header of what was sent (angle brackets included). */
  messageId: string;
  queued: number;
  delivered: number;
  /** Where the Sent copy is. */
  sent: { mailboxId: string; uid: number };
}

/** Recipients split by where they go: local address → user id, and remote addresses. */
export interface RoutedRecipients {
  local: Map<string, string>;
  remote: string[];
}

export interface PreparedSubmission {
  userId: string;
  /** The envelope sender (checked, normalized). */
  sender: string;
  recipients: RoutedRecipients;
  /** The message exactly as the client gave it (for idempotency keys). */
  raw: Buffer;
  /** Trace fields the transport adds on top of the transmitted copies (SMTP's Received). */
  trace?: string[];
}

export interface Submitter {
  /** The user's sendable addresses, normalized (primary included when given). */
  ownedAddresses(userId: string, primary?: string): Promise<Set<string>>;
  /** Checks the envelope sender; throws an SmtpReply (553) when it is not the user's. */
  checkSender(owned: Set<string>, sender: string): string;
  /** Routes one recipient; throws an SmtpReply for a bad or unknown local address. */
  route(recipient: string, into: RoutedRecipients): Promise<void>;
  /** Checks From, completes the message, delivers, queues and files the Sent copy. */
  deliver(p: PreparedSubmission, owned: Set<string>, meta: EventMetadata): Promise<SubmitResult>;
  /**
   * The whole submission for callers outside SMTP (the webmail). Refusals are
   * CairnErrors ('submission_refused', 403 for addresses that are not the user's, 400 otherwise).
   */
  submit(userId: string, raw: Buffer, envelope: SubmitEnvelope, opts?: { meta?: EventMetadata; primary?: string }): Promise<SubmitResult>;
}

export function createSubmitter(deps: SubmitterDeps): Submitter {
  const s: Submitter = {
    async ownedAddresses(userId, primary) {
      return new Set([...(primary ? [primary] : []), ...(await deps.addressesOf(userId))].map(normalizeAddress));
    },

    checkSender(owned, address) {
      const sender = normalizeAddress(address);
      if (sender === '') throw reply.nullSenderNotAllowed();
      if (!isValidAddress(sender)) throw reply.badSender();
      if (!owned.has(sender)) throw reply.senderNotOwned(sender);
      return sender;
    },

    async route(recipient, into) {
      const rcpt = normalizeAddress(recipient);
      if (!isValidAddress(rcpt)) throw reply.badRecipient();
      if (await deps.isLocalDomain(domainOf(rcpt))) {
        // Local recipients are checked now: the user learns of a typo at once, not by a bounce.
        const user = await deps.resolveRecipient(rcpt);
        if (!user) throw reply.unknownUser();
        into.local.set(rcpt, user.userId);
      } else if (!into.remote.includes(rcpt)) {
        into.remote.push(rcpt);
      }
    },

    async deliver(p, owned, meta) {
      const { raw, sender, recipients, userId } = p;
      const from = headerAddresses(raw, ['from']);
      if (from.length === 0 || !from.every((a) => owned.has(a))) throw reply.fromNotOwned();
      const envelope = { from: sender, to: [...recipients.local.keys(), ...recipients.remote] };
      if (deps.rateLimit && !deps.rateLimit.take(userId, recipients.remote.length, deps.now())) {
        deps.logger.warn({ userId, remote: recipients.remote.length }, 'hourly send limit reached');
        throw reply.sendRateExceeded();
      }

      // RFC 6409 §8.2, §8.3: complete what the client left out.
      const missing: string[] = [];
      let messageId = firstHeader(raw, 'message-id')?.trim();
      if (messageId === undefined) {
        messageId = `<${randomBytes(12).toString('hex')}@${deps.hostname}>`;
        missing.push(`Message-ID: ${messageId}`);
      }
      if (firstHeader(raw, 'date') === undefined) missing.push(`Date: ${rfc5322Date(deps.now())}`);
      // Bcc never leaves (RFC 5322 §3.6.3); Return-Path is the final delivery's to add (RFC 5321 §4.4).
      const completed = removeHeaders(appendHeaders(raw, missing), new Set(['bcc', 'return-path']));
      const transmitted = p.trace && p.trace.length > 0 ? prependHeaders(completed, p.trace) : completed;

      const byUser = new Map<string, string>();
      for (const [address, uid] of recipients.local) if (!byUser.has(uid)) byUser.set(uid, address);
      const localCopy = byUser.size > 0 ? prependHeaders(transmitted, [returnPathHeader(sender)]) : transmitted;
      const [, , sent] = await Promise.all([
        Promise.all([...byUser].map(([rcptUser, recipient]) => deps.pipeline.deliver({
          userId: rcptUser, recipient, raw: localCopy, sender, spam: false, idempotencyKey: deliveryKey('submission', raw, envelope, rcptUser),
        }, meta))),
        recipients.remote.length > 0 ? deps.enqueue({
          sender, recipients: recipients.remote, raw: transmitted, userId, origin: 'submission',
          idempotencyKey: deliveryKey('outbound', raw, envelope, userId),
        }, meta) : Promise.resolve([]),
        deps.store.deliver(userId, completed, { mailbox: '\\Sent', flags: ['\\Seen'], idempotencyKey: deliveryKey('sent-copy', raw, envelope, userId) }, meta),
      ]);
      return { messageId, queued: recipients.remote.length, delivered: byUser.size, sent };
    },

    async submit(userId, raw, envelope, opts = {}) {
      const meta = opts.meta ?? { actor: userId, source: 'ui', time: new Date(deps.now()).toISOString() };
      try {
        const owned = await s.ownedAddresses(userId, opts.primary);
        const sender = s.checkSender(owned, envelope.from);
        const to = [...new Set(envelope.to.map(normalizeAddress).filter(Boolean))];
        if (to.length === 0) throw new CairnError('submission_refused', 'Add at least one recipient.', { status: 400 });
        if (to.length > MAX_SUBMIT_RECIPIENTS) throw new CairnError('submission_refused', `At most ${MAX_SUBMIT_RECIPIENTS} recipients per message.`, { status: 400 });
        const recipients: RoutedRecipients = { local: new Map(), remote: [] };
        for (const rcpt of to) {
          try {
            await s.route(rcpt, recipients);
          } catch (e) {
            if (e instanceof SmtpReply) throw new CairnError('submission_refused', `${rcpt}: ${textOf(e)}`, { status: 400 });
            throw e;
          }
        }
        return await s.deliver({ userId, sender, recipients, raw }, owned, meta);
      } catch (e) {
        if (e instanceof SmtpReply) {
          throw new CairnError('submission_refused', textOf(e), { status: e.responseCode >= 400 && e.responseCode < 500 ? 429 : e.enhancedCode === '5.7.1' ? 403 : 400 });
        }
        throw e;
      }
    },
  };
  return s;
}

function textOf(e: SmtpReply): string {
  return e.message.slice(e.enhancedCode.length + 1);
}
