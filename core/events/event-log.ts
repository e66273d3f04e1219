// Implementation notes — the append path.
// Invariants:
// - An append resolves only after the transaction holding it has committed and the WAL
//   has been fsynced (Db.durable, off the event loop): acknowledged means durable. The
//   next batch may commit while the previous one's fsync runs; answers, hooks and the
//   change feed still follow commit order.
// - The expected version is checked inside that transaction, against core_streams;
//   UNIQUE(stream, stream_position) is the backstop if anything ever skipped it.
// - Concurrent appends share one transaction and one fsync (group commit). Each append
//   runs under its own SAVEPOINT, so one conflicting or failing append is rolled back
//   alone and the others in the batch still commit.
// - Inline projections run inside the same transaction, so a read after an
//   acknowledged write sees the read model already updated.
// - Global positions are assigned by SQLite in commit order; with one writer at a time
//   (SQLite's write lock) a reader never sees position N+1 before N.
// - Every read of the log holds the connection (kysely's mutex), so no reader ever
//   observes a batch that is still open and might be rolled back.
import type { Kysely } from 'kysely';
import type { Db } from '../db/open-database.ts';
import { ConcurrencyError, ConflictError, ValidationError } from '../errors.ts';
import type { EventTypeRegistry } from './event-type-registry.ts';
import type {
  AppendOptions, AppendResult, EventMetadata, ExpectedVersion, NewEvent, StoredEvent, StreamRead,
} from './types.ts';

/** Appends gathered into one transaction at most; bounds the latency of the batch's first writer. */
export const MAX_APPENDS_PER_BATCH = 1_000;
/** Events in one append; a larger change should be split into several commands. */
export const MAX_EVENTS_PER_APPEND = 10_000;
/** Serialized payload of one event; bulk bytes belong in blobs. */
export const MAX_EVENT_BYTES = 1_000_000;
/** Page size when scanning the log; bounds memory while replaying millions of events. */
export const READ_PAGE_SIZE = 5_000;

const STREAM_PATTERN = /^[a-z][a-z0-9-]*-[a-z][a-z0-9-]*:[^\s]{1,400}$/;

export interface EventLogHooks {
  /** Runs inside the append transaction (inline projections). Throwing rolls back that append only. */
  inline?(events: StoredEvent[], db: Kysely<any>): Promise<void> | void;
  /** Runs after commit with everything the batch committed, in position order. */
  committed?(events: StoredEvent[]): void;
  /** Checks that referenced blobs exist before the append is queued. */
  assertBlobs?(sha256s: string[]): Promise<void>;
  /** Inside the append's savepoint: makes staged (inline) blobs durable with the event. */
  persistBlobs?(sha256s: string[]): void;
  /** After commit: the blobs of committed appends. */
  blobsCommitted?(sha256s: string[]): void;
}

interface Part {
  stream: string;
  expected: ExpectedVersion;
  events: readonly NewEvent[];
  serialized: { type: string; data: string; blobs: readonly string[] }[];
}

/** One append call: one or several streams, all or nothing. */
interface Pending {
  parts: Part[];
  metadata: string;
  meta: EventMetadata;
  idempotencyKey: string | undefined;
  resolve(r: AppendResult[]): void;
  reject(e: unknown): void;
}

export interface StreamAppend {
  stream: string;
  expected: ExpectedVersion;
  events: readonly NewEvent[];
}

interface Row {
  position: number; stream: string; stream_position: number; type: string; data: string; metadata: string; recorded_at: number;
}

/**
 * A stored event read back from the log. Metadata is parsed on first use: replays
 * touch millions of events whose metadata most projections never read.
 */
class LoadedEvent implements StoredEvent {
  readonly position: number;
  readonly stream: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly data: unknown;
  readonly recordedAt: number;
  #metadataText: string;
  #metadata: StoredEvent['metadata'] | undefined;

  constructor(r: Row) {
    this.position = r.position;
    this.stream = r.stream;
    this.streamPosition = r.stream_position;
    this.type = r.type;
    this.data = JSON.parse(r.data);
    this.recordedAt = r.recorded_at;
    this.#metadataText = r.metadata;
  }

  get metadata(): StoredEvent['metadata'] {
    return (this.#metadata ??= JSON.parse(this.#metadataText) as StoredEvent['metadata']);
  }

  toJSON(): StoredEvent {
    return { position: this.position, stream: this.stream, streamPosition: this.streamPosition, type: this.type, data: this.data, metadata: this.metadata, recordedAt: this.recordedAt };
  }
}

export function rowToEvent(r: Row): StoredEvent {
  return new LoadedEvent(r);
}

export function assertStreamName(stream: string): void {
  if (!STREAM_PATTERN.test(stream)) throw new ValidationError(`stream name "${stream}" must look like <plugin>-<aggregate>:<id>`);
}

export class EventLog {
  readonly #db: Db;
  readonly #registry: EventTypeRegistry;
  #hooks: EventLogHooks;
  #pending: Pending[] = [];
  #flushScheduled = false;
  #flushing = false;
  #lastRecordedAt = 0;
  #closed = false;
  /** Committed batches whose fsync has not finished yet. */
  #syncing = 0;
  readonly #typedPages = new Map<string, import('better-sqlite3').Statement<unknown[], Row>>();
  readonly #stmts;

  constructor(db: Db, registry: EventTypeRegistry, hooks: EventLogHooks = {}) {
    this.#db = db;
    this.#registry = registry;
    this.#hooks = hooks;
    const raw = db.raw;
    this.#stmts = {
      streamVersion: raw.prepare<[string], { version: number }>('select version from core_streams where stream = ?'),
      upsertStream: raw.prepare('insert into core_streams (stream, version, last_position) values (?, ?, ?) on conflict(stream) do update set version = excluded.version, last_position = excluded.last_position'),
      insertEvent: raw.prepare('insert into core_events (stream, stream_position, type, data, metadata, recorded_at) values (?, ?, ?, ?, ?, ?)'),
      insertBlobRef: raw.prepare('insert or ignore into core_event_blobs (position, sha256) values (?, ?)'),
      idempotency: raw.prepare<[string], { stream: string; first_position: number; last_position: number; version: number }>('select stream, first_position, last_position, version from core_idempotency where key = ?'),
      insertIdempotency: raw.prepare('insert into core_idempotency (key, stream, first_position, last_position, version, recorded_at) values (?, ?, ?, ?, ?, ?)'),
      range: raw.prepare<[number, number], Row>('select * from core_events where position >= ? and position <= ? order by position'),
      head: raw.prepare<[], { p: number | null }>('select max(position) as p from core_events'),
      page: raw.prepare<[number, number, number], Row>('select * from core_events where position > ? and position <= ? order by position limit ?'),
      positionAt: raw.prepare<[number], { p: number | null }>('select max(position) as p from core_events where recorded_at <= ?'),
      // Every command reads its stream through these: prepared once, not per call.
      stream: raw.prepare<[string, number, number], Row>('select * from core_events where stream = ? and position <= ? and stream_position >= ? order by position'),
      streamPrefix: raw.prepare<[string, string, number, number], Row>('select * from core_events where stream >= ? and stream < ? and position <= ? and stream_position >= ? order by position'),
    };
  }

  setHooks(hooks: EventLogHooks): void { this.#hooks = hooks; }

  get db(): Db { return this.#db; }

  // ---- writing -------------------------------------------------------------------

  async append(stream: string, expected: ExpectedVersion, events: readonly NewEvent[], opts: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendMulti([{ stream, expected, events }], opts);
    return result!;
  }

  /**
   * Appends to several streams atomically (a restore touching a collection and its
   * items): every expected version holds and everything is written, or nothing is.
   */
  async appendMulti(appends: readonly StreamAppend[], opts: AppendOptions): Promise<AppendResult[]> {
    if (this.#closed) throw new ConflictError('the event log is closed', 'shutting_down');
    if (appends.length === 0) throw new ValidationError('nothing to append');
    if (opts.idempotencyKey !== undefined && appends.length > 1) throw new ValidationError('an idempotency key applies to a single-stream append');
    validateMetadata(opts.metadata);
    let total = 0;
    const parts: Part[] = appends.map(({ stream, expected, events }) => {
      assertStreamName(stream);
      if (events.length === 0) throw new ValidationError(`an append to ${stream} needs at least one event`);
      total += events.length;
      validateExpected(expected);
      const serialized = events.map((e) => {
        this.#registry.validate(e.type, e.data);
        const data = JSON.stringify(e.data);
        if (data.length > MAX_EVENT_BYTES) throw new ValidationError(`event ${e.type} is ${data.length} bytes; at most ${MAX_EVENT_BYTES} (store bulk bytes as blobs)`);
        return { type: e.type, data, blobs: e.blobs ?? [] };
      });
      return { stream, expected, events, serialized };
    });
    if (total > MAX_EVENTS_PER_APPEND) throw new ValidationError(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
    const blobs = parts.flatMap((p) => p.serialized.flatMap((s) => s.blobs));
    if (blobs.length > 0 && this.#hooks.assertBlobs) await this.#hooks.assertBlobs(blobs);
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.#pending.push({
        parts, meta: opts.metadata, metadata: JSON.stringify(opts.metadata),
        idempotencyKey: opts.idempotencyKey, resolve, reject,
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#flushScheduled || this.#flushing) return;
    this.#flushScheduled = true;
    // setImmediate (not a microtask): every writer that is ready in this turn of the
    // event loop joins the batch, which is what makes the fsync shared.
    setImmediate(() => { this.#flushScheduled = false; void this.#flush(); });
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, MAX_APPENDS_PER_BATCH);
        await this.#commitBatch(batch);
      }
    } finally {
      this.#flushing = false;
      if (this.#pending.length > 0) this.#schedule();
    }
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    const outcomes: ({ ok: true; results: AppendResult[] } | { ok: false; error: unknown })[] = [];
    const raw = this.#db.raw;
    try {
      await this.#db.kysely.connection().execute(async (conn) => {
        raw.exec('begin immediate');
        try {
          for (const item of batch) {
            raw.exec('savepoint cairn_append');
            try {
              // One instant per append: a multi-stream append happened at one time, in every stream.
              const now = Math.max(Date.now(), this.#lastRecordedAt);
              this.#lastRecordedAt = now;
              const results = item.parts.map((part) => this.#applyOne(item, part, now));
              const fresh = results.filter((r) => !r.duplicate).flatMap((r) => r.events);
              if (fresh.length > 0 && this.#hooks.inline) await this.#hooks.inline(fresh, conn);
              raw.exec('release cairn_append');
              outcomes.push({ ok: true, results });
            } catch (error) {
              raw.exec('rollback to cairn_append');
              raw.exec('release cairn_append');
              outcomes.push({ ok: false, error });
            }
          }
          raw.exec('commit');
        } catch (error) {
          if (raw.inTransaction) raw.exec('rollback');
          throw error;
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    this.#syncing++;
    this.#db.durable().then(
      () => this.#acknowledge(batch, outcomes),
      (error: unknown) => { for (const item of batch) item.reject(error); },
    ).finally(() => { this.#syncing--; });
  }

  /** Once the batch is on disk: answers its appenders, then tells the hooks, in commit order. */
  #acknowledge(batch: Pending[], outcomes: ({ ok: true; results: AppendResult[] } | { ok: false; error: unknown })[]): void {
    const committed: StoredEvent[] = [];
    const committedBlobs: string[] = [];
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) {
        for (const r of o.results) if (!r.duplicate) committed.push(...r.events);
        for (const p of item.parts) for (const e of p.serialized) committedBlobs.push(...e.blobs);
        item.resolve(o.results);
      } else item.reject(o.error);
    });
    if (committedBlobs.length > 0) this.#hooks.blobsCommitted?.(committedBlobs);
    if (committed.length > 0) {
      committed.sort((a, b) => a.position - b.position);
      this.#hooks.committed?.(committed);
    }
  }

  #applyOne(item: Pending, part: Part, now: number): AppendResult {
    const s = this.#stmts;
    if (item.idempotencyKey !== undefined) {
      const seen = s.idempotency.get(item.idempotencyKey);
      if (seen) {
        if (seen.stream !== part.stream) throw new ConflictError(`idempotency key reused for another stream (${seen.stream})`, 'idempotency_key_reused');
        return {
          stream: part.stream, firstPosition: seen.first_position, lastPosition: seen.last_position,
          nextExpectedVersion: seen.version, duplicate: true,
          events: s.range.all(seen.first_position, seen.last_position).filter((r) => r.stream === part.stream).map(rowToEvent),
        };
      }
    }
    const current = s.streamVersion.get(part.stream)?.version ?? 0;
    checkExpected(part.stream, part.expected, current);
    const events: StoredEvent[] = [];
    let version = current;
    for (let i = 0; i < part.serialized.length; i++) {
      const e = part.serialized[i]!;
      version += 1;
      const info = s.insertEvent.run(part.stream, version, e.type, e.data, item.metadata, now);
      const position = Number(info.lastInsertRowid);
      if (e.blobs.length > 0) this.#hooks.persistBlobs?.([...e.blobs]);
      for (const sha of e.blobs) s.insertBlobRef.run(position, sha);
      events.push({
        position, stream: part.stream, streamPosition: version, type: e.type,
        // The caller's object, not a re-parse: it was validated and is what was serialized.
        data: part.events[i]!.data, metadata: item.meta, recordedAt: now,
      });
    }
    const first = events[0]!.position;
    const last = events[events.length - 1]!.position;
    s.upsertStream.run(part.stream, version, last);
    if (item.idempotencyKey !== undefined) s.insertIdempotency.run(item.idempotencyKey, part.stream, first, last, version, now);
    return { stream: part.stream, firstPosition: first, lastPosition: last, nextExpectedVersion: version, duplicate: false, events };
  }

  /** Waits until everything queued so far is committed or failed; used at shutdown. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#flushing || this.#flushScheduled || this.#syncing > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  // ---- reading -------------------------------------------------------------------

  /** Runs fn while holding the connection, so it never sees a batch still in flight. */
  async #read<T>(fn: () => T): Promise<T> {
    return this.#db.kysely.connection().execute(async () => fn());
  }

  async streamVersion(stream: string): Promise<number> {
    return this.#read(() => this.#stmts.streamVersion.get(stream)?.version ?? 0);
  }

  async head(): Promise<number> {
    return this.#read(() => this.headSync());
  }

  /** For callers that already hold the connection (projection runner, restore). */
  headSync(): number {
    return this.#stmts.head.get()?.p ?? 0;
  }

  /** The last position recorded at or before `time` (0 if none). */
  async positionAt(time: number | Date): Promise<number> {
    const t = typeof time === 'number' ? time : time.getTime();
    return this.#read(() => this.#stmts.positionAt.get(t)?.p ?? 0);
  }

  async readStream(stream: string, opts: StreamRead = {}): Promise<StoredEvent[]> {
    return this.readStreams([stream], opts);
  }

  /** Events of several streams (or every stream with a prefix, `prefix*`), in position order. */
  async readStreams(streams: readonly string[], opts: StreamRead = {}): Promise<StoredEvent[]> {
    const upTo = await this.#resolveUpTo(opts);
    return this.#read(() => {
      const out: StoredEvent[] = [];
      for (const stream of streams) {
        const from = opts.fromStreamPosition ?? 1;
        const rows = stream.endsWith('*')
          ? this.#stmts.streamPrefix.all(stream.slice(0, -1), `${stream.slice(0, -1)}\uffff`, upTo, from)
          : this.#stmts.stream.all(stream, upTo, from);
        for (const r of rows) out.push(rowToEvent(r));
      }
      if (streams.length > 1) out.sort((a, b) => a.position - b.position);
      return out;
    });
  }

  /** Events after `after` (exclusive), up to `limit`, optionally only some types. */
  async readAll(opts: { after?: number; limit?: number; types?: readonly string[]; upToPosition?: number } = {}): Promise<StoredEvent[]> {
    const after = opts.after ?? 0;
    const limit = Math.min(opts.limit ?? READ_PAGE_SIZE, READ_PAGE_SIZE * 10);
    return this.#read(() => this.readAllSync(after, limit, opts.types, opts.upToPosition));
  }

  readAllSync(after: number, limit: number, types?: readonly string[], upToPosition = Number.MAX_SAFE_INTEGER): StoredEvent[] {
    if (!types) return this.#stmts.page.all(after, upToPosition, limit).map(rowToEvent);
    if (types.length === 0) return [];
    const key = types.join(',');
    let stmt = this.#typedPages.get(key);
    if (!stmt) {
      stmt = this.#db.raw.prepare<unknown[], Row>(
        `select * from core_events where position > ? and position <= ? and type in (${types.map(() => '?').join(',')}) order by position limit ?`,
      );
      this.#typedPages.set(key, stmt);
    }
    return stmt.all(after, upToPosition, ...types, limit).map(rowToEvent);
  }

  async #resolveUpTo(opts: StreamRead): Promise<number> {
    let upTo = opts.upToPosition ?? Number.MAX_SAFE_INTEGER;
    if (opts.upToTime !== undefined) upTo = Math.min(upTo, await this.positionAt(opts.upToTime));
    return upTo;
  }
}

function validateExpected(expected: ExpectedVersion): void {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) throw new ValidationError(`expected version must be a non-negative integer, got ${expected}`);
  } else if (expected !== 'no-stream' && expected !== 'stream-exists' && expected !== 'any') {
    throw new ValidationError(`unknown expected version ${String(expected)}`);
  }
}

const SOURCES = new Set(['ui', 'api', 'imap', 'smtp', 'dav', 'cli', 'system']);
function validateMetadata(m: EventMetadata): void {
  if (!m || typeof m.actor !== 'string' || m.actor.length === 0) throw new ValidationError('metadata.actor is required');
  if (!SOURCES.has(m.source)) throw new ValidationError(`metadata.source must be one of ${[...SOURCES].join(', ')}`);
  if (typeof m.time !== 'string' || Number.isNaN(Date.parse(m.time))) throw new ValidationError('metadata.time must be an ISO 8601 time');
}

export function checkExpected(stream: string, expected: ExpectedVersion, current: number): void {
  const ok = expected === 'any'
    || (expected === 'no-stream' && current === 0)
    || (expected === 'stream-exists' && current > 0)
    || expected === current;
  if (!ok) throw new ConcurrencyError(stream, expected, current);
}
