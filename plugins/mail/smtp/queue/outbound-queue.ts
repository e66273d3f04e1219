// Putting mail into the outbound queue: DKIM-sign once, store the bytes as a blob, and
// append one mail.OutboundQueued per recipient (stream mail-outbound:<queueId>).
//
// Invariants
// - enqueue resolves only when the blob and every OutboundQueued event are durable, so
//   a 250 given after it means the queue has the message.
// - A retried enqueue (same idempotency key: the client re-sent the transaction) appends
//   nothing and returns the first call's queue ids. Its DKIM signature differs (t=), so
//   it writes a second blob that nothing references; blob GC removes it.
// - Signing domain: the From header's domain when it is ours (DMARC alignment, RFC 7489
//   §3.1.1), else the envelope sender's when it is ours (redirected mail keeps its foreign
//   From), else no signature.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../../../core/blobs/index.ts';
import type { EventLog } from '../../../../core/events/event-log.ts';
import { handleCommand } from '../../../../core/events/handle-command.ts';
import type { EventMetadata } from '../../../../core/events/types.ts';
import type { Logger } from '../../../../core/logger.ts';
import { domainOf, headerAddresses } from '../address.ts';
import type { DkimKeyStore } from '../dkim/dkim-keys.ts';
import { dkimSignMessage } from '../dkim/dkim-sign.ts';
import { outboundStream, type OutboundQueued } from '../events.ts';
import { derivedKey } from '../delivery-key.ts';
import { firstHeader } from '../raw-message.ts';
import { outboundItemDecider } from './outbound-item.ts';
import type { OutboundRow, OutboundStatus } from './outbound-projection.ts';
import type { RetryPolicy } from './retry-schedule.ts';

/** Recipients per enqueue: matches the submission limit on RCPT (RFC 5321 §4.5.3.1.8 asks for at least 100). */
export const MAX_QUEUE_RECIPIENTS = 100;

export interface OutboundQueueDeps {
  events: EventLog;
  db: Kysely<any>;
  blobs: BlobStore;
  /** null: send unsigned (no data directory for keys, or signing turned off). */
  dkim: DkimKeyStore | null;
  isLocalDomain(domain: string): Promise<boolean>;
  policy: RetryPolicy;
  now(): number;
  logger: Logger;
}

export interface EnqueueRequest {
  /** Envelope sender, '' for the null sender. */
  sender: string;
  recipients: readonly string[];
  /** The message as it is to be sent (Bcc already removed). */
  raw: Buffer;
  userId: string | null;
  origin: OutboundQueued['origin'];
  idempotencyKey: string;
}

/** 26 lowercase base32 characters (the length of Cairn's ids) from the item's idempotency key. */
export function queueIdFor(key: string): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const h = createHash('sha256').update(key).digest();
  let id = '';
  for (let i = 0; i < 26; i++) id += alphabet[h[i]! & 31];
  return id;
}

export class OutboundQueue {
  readonly #deps: OutboundQueueDeps;
  readonly #listeners = new Set<() => void>();

  constructor(deps: OutboundQueueDeps) {
    this.#deps = deps;
  }

  /** Called after every enqueue that appended something, and after a "retry now" (the worker wakes up). */
  onQueued(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async enqueue(req: EnqueueRequest, meta: EventMetadata): Promise<string[]> {
    const recipients = [...new Set(req.recipients.map((r) => r.toLowerCase()))];
    if (recipients.length === 0) return [];
    if (recipients.length > MAX_QUEUE_RECIPIENTS) throw new Error(`at most ${MAX_QUEUE_RECIPIENTS} recipients per message`);
    const { events, blobs, policy } = this.#deps;
    const now = this.#deps.now();
    const signed = await this.#sign(req.raw, req.sender, now);
    const blob = await blobs.write(signed);
    const messageId = firstHeader(req.raw, 'message-id')?.slice(0, 998) ?? null;
    const results = await Promise.all(recipients.map((recipient) => {
      const key = derivedKey(req.idempotencyKey, 'outbound', recipient);
      // The id follows from the key: a retried enqueue names the same stream, which the
      // event log requires of a duplicate (an idempotency key belongs to one stream).
      const queueId = queueIdFor(key);
      const data: OutboundQueued = {
        queueId, userId: req.userId, sender: req.sender, recipient, sha256: blob.sha256, size: blob.size,
        origin: req.origin, messageId, nextAttemptAt: now, expiresAt: now + policy.lifetimeMs,
      };
      return events.append(outboundStream(queueId), 'no-stream', [{ type: 'mail.OutboundQueued', data, blobs: [blob.sha256] }], {
        metadata: meta, idempotencyKey: key,
      });
    }));
    const ids = results.map((r) => (r.events[0]!.data as OutboundQueued).queueId);
    if (results.some((r) => !r.duplicate)) for (const l of this.#listeners) l();
    return ids;
  }

  async item(queueId: string): Promise<OutboundRow | undefined> {
    return (await this.#deps.db.selectFrom('mail_outbound').selectAll().where('queue_id', '=', queueId).executeTakeFirst()) as OutboundRow | undefined;
  }

  async list(opts: { userId?: string; status?: OutboundStatus } = {}): Promise<OutboundRow[]> {
    let q = this.#deps.db.selectFrom('mail_outbound').selectAll();
    if (opts.userId) q = q.where('user_id', '=', opts.userId);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.orderBy('queued_at').orderBy('queue_id').execute()) as OutboundRow[];
  }

  /**
   * Items an administrator looks at, most recently changed first: every one still waiting
   * or being sent, and those that bounced or were cancelled since `finishedSince` (ms epoch).
   */
  async recent(opts: { finishedSince: number; limit: number }): Promise<OutboundRow[]> {
    return (await this.#deps.db.selectFrom('mail_outbound').selectAll()
      .where((eb) => eb.or([
        eb('status', 'in', ['queued', 'sending', 'deferred']),
        eb.and([eb('status', 'in', ['bounced', 'cancelled']), eb('updated_at', '>=', opts.finishedSince)]),
      ]))
      .orderBy('updated_at', 'desc').orderBy('queue_id').limit(opts.limit).execute()) as OutboundRow[];
  }

  /** Moves a waiting item's next attempt to now and wakes the worker (no-op when already due). */
  async retryNow(queueId: string, meta: EventMetadata): Promise<void> {
    await handleCommand(this.#deps.events, outboundStream(queueId), outboundItemDecider, { type: 'retryNow', queueId }, { metadata: meta });
    // Woken even when nothing was appended: "retry now" on a due item should not wait for the poll.
    for (const l of this.#listeners) l();
  }

  /** Drops a waiting item: it is never sent and no DSN goes out (cancelling twice is a no-op). */
  async cancel(queueId: string, meta: EventMetadata): Promise<void> {
    await handleCommand(this.#deps.events, outboundStream(queueId), outboundItemDecider, { type: 'cancel', queueId }, { metadata: meta });
  }

  async #sign(raw: Buffer, sender: string, now: number): Promise<Buffer> {
    const dkim = this.#deps.dkim;
    if (!dkim) return raw;
    const candidates = [...headerAddresses(raw, ['from']).map(domainOf), ...(sender ? [domainOf(sender)] : [])];
    for (const domain of candidates) {
      if (domain && (await this.#deps.isLocalDomain(domain))) {
        try {
          return await dkimSignMessage(raw, await dkim.key(domain), new Date(now));
        } catch (err) {
          // Unsigned mail may land in spam; no mail at all is worse. Logged for the operator.
          this.#deps.logger.error({ err, domain }, 'DKIM signing failed; sending unsigned');
          return raw;
        }
      }
    }
    return raw;
  }
}
