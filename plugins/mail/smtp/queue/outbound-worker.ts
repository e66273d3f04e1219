// The outbound worker: takes due items from mail_outbound, leases them, tries them, and
// records the outcome as events.
//
// Implementation notes
//
// - Leases are rows in mail_outbound_leases (plain table, not events): claiming is one
//   upsert that succeeds only when no live lease exists, under SQLite's write lock, so
//   two workers (two processes on one data directory, or a test calling runDue while
//   the timer fires) never try the same item at once. A lease outlives any attempt
//   (LEASE_MS > connect + greeting + data timeouts); a crashed worker's lease expires
//   and the item is tried again — at-least-once, which SMTP receivers expect (RFC 5321
//   §6.1 accepts the rare duplicate).
// - Every attempt first appends mail.DeliveryAttempted at the item's version, so a
//   concurrent worker that somehow passed the lease loses with a ConcurrencyError
//   before it sends anything, and the attempt count survives a crash mid-attempt.
// - Outcomes: Delivered; DeliveryDeferred with the next time from the retry schedule;
//   Bounced on a permanent failure or when the schedule has run out (expiry). Before
//   Bounced is appended the DSN is delivered to the sender's INBOX with an idempotency
//   key per item, so a crash between the two cannot produce two DSNs. The null sender
//   never gets one (RFC 3464 §2, RFC 5321 §4.5.5: never bounce a bounce).
// - Timing: the worker wakes when something is queued, and otherwise sleeps until the
//   next item is due, at most POLL_INTERVAL_MS (which also picks up items another
//   process queued). The clock is injectable; specs drive runDue() directly.
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../../../core/blobs/index.ts';
import { ConcurrencyError } from '../../../../core/errors.ts';
import type { EventLog } from '../../../../core/events/event-log.ts';
import type { EventMetadata, NewEvent } from '../../../../core/events/types.ts';
import { newId } from '../../../../core/ids.ts';
import type { Logger } from '../../../../core/logger.ts';
import type { MailStore } from '../../store/types.ts';
import { outboundStream } from '../events.ts';
import { buildDsn, DSN_MAX_ORIGINAL_HEADER_BYTES, statusFromReply } from './build-dsn.ts';
import type { OutboundRow } from './outbound-projection.ts';
import type { AttemptResult, RemoteTransport } from './remote-transport.ts';
import { nextAttemptAt, type RetryPolicy } from './retry-schedule.ts';

/** Longest sleep between two looks at the queue (items queued by another process, expired leases). */
export const POLL_INTERVAL_MS = 30_000;
/** Attempts in flight at once: enough to hide slow remote servers, few enough to stay a good network citizen. */
export const WORKER_CONCURRENCY = 16;
/** Items read per look at the queue. */
export const DUE_BATCH = 100;
/** Lease length: longer than one attempt can take (connect 30 s + greeting 5 min + data 10 min, several MX hosts). */
export const LEASE_MS = 60 * 60_000;

export interface OutboundWorkerDeps {
  events: EventLog;
  db: Kysely<any>;
  blobs: BlobStore;
  store: Pick<MailStore, 'deliver'>;
  resolveRecipient(address: string): Promise<{ userId: string } | undefined>;
  transport: RemoteTransport;
  policy: RetryPolicy;
  now(): number;
  hostname: string;
  logger: Logger;
  pollIntervalMs?: number;
  concurrency?: number;
}

export class OutboundWorker {
  readonly #deps: OutboundWorkerDeps;
  readonly #holder = newId();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #started = false;
  #stopped = false;

  constructor(deps: OutboundWorkerDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.wake();
  }

  /** Something was queued: look now (coalesced with a run in progress). */
  wake(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.runDue().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        void this.#schedule();
      }
    });
    this.#running.catch((err: unknown) => this.#deps.logger.error({ err }, 'outbound queue run failed'));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** Tries every item due now, each at most once; resolves with how many attempts were made. */
  async runDue(): Promise<number> {
    let total = 0;
    const seen = new Set<string>();
    for (;;) {
      const due = (await this.#dueItems()).filter((r) => !seen.has(r.queue_id));
      for (const r of due) seen.add(r.queue_id);
      if (due.length === 0) return total;
      let index = 0;
      let made = 0;
      const lanes = Array.from({ length: Math.min(this.#deps.concurrency ?? WORKER_CONCURRENCY, due.length) }, async () => {
        while (index < due.length) {
          const row = due[index++]!;
          if (await this.#claim(row.queue_id)) {
            try {
              if (await this.#attempt(row)) made++;
            } finally {
              await this.#release(row.queue_id);
            }
          }
        }
      });
      await Promise.all(lanes);
      total += made;
      if (made === 0) return total;
    }
  }

  async #schedule(): Promise<void> {
    if (this.#stopped) return;
    const poll = this.#deps.pollIntervalMs ?? POLL_INTERVAL_MS;
    let wait = poll;
    try {
      const next = await this.#deps.db.selectFrom('mail_outbound').select((eb) => eb.fn.min('next_attempt_at').as('t'))
        .where('status', 'in', ['queued', 'deferred', 'sending']).executeTakeFirst();
      const t = next?.t as number | null | undefined;
      if (t !== null && t !== undefined) wait = Math.max(0, Math.min(poll, t - this.#deps.now()));
    } catch (err) {
      this.#deps.logger.warn({ err }, 'outbound queue: could not read the next due time');
    }
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }

  async #dueItems(): Promise<OutboundRow[]> {
    const now = this.#deps.now();
    return (await this.#deps.db.selectFrom('mail_outbound').selectAll()
      .where('status', 'in', ['queued', 'deferred', 'sending'])
      .where('next_attempt_at', '<=', now)
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom('mail_outbound_leases').select('queue_id')
          .whereRef('mail_outbound_leases.queue_id', '=', 'mail_outbound.queue_id')
          .where('mail_outbound_leases.expires_at', '>', now),
      )))
      .orderBy('next_attempt_at').limit(DUE_BATCH).execute()) as OutboundRow[];
  }

  async #claim(queueId: string): Promise<boolean> {
    const now = this.#deps.now();
    const r = await this.#deps.db.insertInto('mail_outbound_leases')
      .values({ queue_id: queueId, holder: this.#holder, expires_at: now + LEASE_MS })
      .onConflict((oc) => oc.column('queue_id').doUpdateSet({ holder: this.#holder, expires_at: now + LEASE_MS }).where('mail_outbound_leases.expires_at', '<=', now))
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async #release(queueId: string): Promise<void> {
    await this.#deps.db.deleteFrom('mail_outbound_leases').where('queue_id', '=', queueId).where('holder', '=', this.#holder).execute();
  }

  #meta(): EventMetadata {
    return { actor: 'system', source: 'smtp', time: new Date(this.#deps.now()).toISOString() };
  }

  /** One attempt; false when the item had moved on (another worker, already finished). */
  async #attempt(stale: OutboundRow): Promise<boolean> {
    const { events, logger } = this.#deps;
    // Re-read under the lease: the row we selected may have been finished meanwhile.
    const row = (await this.#deps.db.selectFrom('mail_outbound').selectAll().where('queue_id', '=', stale.queue_id).executeTakeFirst()) as OutboundRow | undefined;
    if (!row || !['queued', 'deferred', 'sending'].includes(row.status) || row.next_attempt_at > this.#deps.now()) return false;
    const stream = outboundStream(row.queue_id);
    const attempt = row.attempts + 1;
    let version: number;
    try {
      version = (await events.append(stream, row.version, [{ type: 'mail.DeliveryAttempted', data: { queueId: row.queue_id, attempt } }], { metadata: this.#meta() })).nextExpectedVersion;
    } catch (err) {
      if (err instanceof ConcurrencyError) return false;
      throw err;
    }
    let result: AttemptResult;
    try {
      result = await this.#deps.transport.deliver({
        sender: row.sender, recipient: row.recipient, size: row.size, open: () => this.#deps.blobs.read(row.sha256),
      });
    } catch (err) {
      logger.error({ err, queueId: row.queue_id }, 'outbound attempt failed unexpectedly');
      result = { ok: false, permanent: false, host: null, code: null, status: '4.3.0', message: 'Local error while sending' };
    }
    const outcome = await this.#outcome(row, attempt, result);
    await events.append(stream, version, [outcome], { metadata: this.#meta() });
    logger.info({ queueId: row.queue_id, recipient: row.recipient, attempt, outcome: outcome.type, host: result.host, ...(result.ok ? {} : { code: result.code, error: result.message }) }, 'outbound attempt');
    return true;
  }

  async #outcome(row: OutboundRow, attempt: number, result: AttemptResult): Promise<NewEvent> {
    const queueId = row.queue_id;
    if (result.ok) return { type: 'mail.Delivered', data: { queueId, attempt, host: result.host, response: result.response.slice(0, 2_000) } };
    const error = result.message.slice(0, 2_000);
    if (!result.permanent) {
      const next = nextAttemptAt(this.#deps.policy, attempt, this.#deps.now(), row.expires_at);
      if (next !== null) return { type: 'mail.DeliveryDeferred', data: { queueId, attempt, host: result.host, code: result.code, error, nextAttemptAt: next } };
    }
    // RFC 3463: 4.4.7 "delivery time expired" for an item that ran out of retries.
    const reason = result.permanent ? 'rejected' : 'expired';
    const status = result.permanent ? (result.status && result.status.startsWith('5') ? result.status : statusFromReply(result.message, true)) : '4.4.7';
    const dsnSent = await this.#sendDsn(row, result, status);
    return { type: 'mail.Bounced', data: { queueId, attempt, host: result.host, code: result.code, status, error, reason, dsnSent } };
  }

  async #sendDsn(row: OutboundRow, result: Extract<AttemptResult, { ok: false }>, status: string): Promise<boolean> {
    if (row.sender === '') return false;
    try {
      const local = await this.#deps.resolveRecipient(row.sender);
      if (!local) {
        this.#deps.logger.warn({ queueId: row.queue_id, sender: row.sender }, 'bounce for a sender that is not local; no DSN');
        return false;
      }
      // Only the header is quoted: read no more than that of a message that may be 50 MiB.
      const original = row.size === 0 ? Buffer.alloc(0) : await readPrefix(await this.#deps.blobs.read(row.sha256, { end: Math.min(row.size, DSN_MAX_ORIGINAL_HEADER_BYTES) - 1 }));
      const dsn = buildDsn({
        reportingMta: this.#deps.hostname, sender: row.sender, recipient: row.recipient, status,
        diagnostic: result.message, diagnosticType: result.code !== null ? 'smtp' : 'x-cairn',
        remoteMta: result.host, queueId: row.queue_id, arrivalDate: row.queued_at, lastAttemptDate: this.#deps.now(),
        original, now: this.#deps.now(),
      });
      await this.#deps.store.deliver(local.userId, dsn, { idempotencyKey: `smtp-dsn:${row.queue_id}` }, this.#meta());
      return true;
    } catch (err) {
      this.#deps.logger.error({ err, queueId: row.queue_id }, 'could not deliver the DSN');
      return false;
    }
  }
}

async function readPrefix(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}
