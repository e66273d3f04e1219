// Implementation notes — projections.
// - core_projections holds (name, version, position) per projection. Inline
//   projections' position is advanced inside every append, so a projection that was
//   not loaded while others appended (plugin disabled, CLI with another config) is
//   caught up at the next start instead of silently missing events.
// - A version different from the stored one ⇒ truncate + replay from the first event,
//   in one transaction: readers see the old read model or the new one, never half.
// - Async projections commit their rows and their checkpoint in one transaction, so a
//   crash replays at most the page that was in flight and never skips one.
import type { Kysely } from 'kysely';
import type { Db } from '../db/open-database.ts';
import type { EventLog } from '../events/event-log.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Logger } from '../logger.ts';
import type { Projection } from './types.ts';

/** Events handed to async projections per transaction: bounds how long appends wait behind one. */
export const ASYNC_PAGE_SIZE = 1_000;
/**
 * Pause before the next page when events arrived during the last one. A lone change is
 * projected at once; under a burst (a mail flood) this trades that much search-index
 * lag for pages of hundreds of events instead of a transaction per few.
 */
export const ASYNC_BURST_PAUSE_MS = 25;
/** Pause between two slices of a projection's idle housekeeping: appends get the connection in between. */
export const IDLE_SLICE_PAUSE_MS = 5;
/** Events read per page while replaying; large enough that the read cost is amortized. */
export const REPLAY_PAGE_SIZE = 5_000;

interface Entry { owner: string; projection: Projection }

export class ProjectionRunner {
  readonly #entries = new Map<string, Entry>();
  readonly #inlineByType = new Map<string, Projection[]>();
  readonly #db: Db;
  readonly #log: EventLog;
  readonly #logger: Logger;
  #asyncRunning = new Map<string, Promise<void>>();
  #asyncDirty = new Set<string>();
  #stopped = false;
  #setInlinePositions: ((position: number) => void) | undefined;
  #checkpointStmts: { get: import('better-sqlite3').Statement<[string], { position: number }>; set: import('better-sqlite3').Statement<[number, number, string]> } | undefined;

  /** An async projection's checkpoint, read and written every page: prepared once. */
  get #checkpoint() {
    return (this.#checkpointStmts ??= {
      get: this.#db.raw.prepare<[string], { position: number }>('select position from core_projections where name = ?'),
      set: this.#db.raw.prepare<[number, number, string]>('update core_projections set position = ?, updated_at = ? where name = ?'),
    });
  }

  constructor(db: Db, log: EventLog, logger: Logger) {
    this.#db = db;
    this.#log = log;
    this.#logger = logger;
  }

  add(owner: string, projection: Projection): void {
    const existing = this.#entries.get(projection.name);
    if (existing) throw new Error(`duplicate projection "${projection.name}": declared by ${existing.owner} and ${owner}`);
    if (!Number.isInteger(projection.version) || projection.version < 1) throw new Error(`projection "${projection.name}" needs a positive integer version`);
    if (!projection.handle && !projection.handleBatch) throw new Error(`projection "${projection.name}" needs handle or handleBatch`);
    if ((projection.mode ?? 'inline') === 'inline' && (projection.prepareBatch || projection.pageSize)) {
      throw new Error(`projection "${projection.name}": prepareBatch and pageSize are for async projections (inline ones run inside the append)`);
    }
    if (projection.prepareBatch && !projection.handleBatch) throw new Error(`projection "${projection.name}": prepareBatch needs handleBatch`);
    this.#entries.set(projection.name, { owner, projection });
    if ((projection.mode ?? 'inline') === 'inline') {
      for (const t of projection.handles) {
        const list = this.#inlineByType.get(t) ?? [];
        list.push(projection);
        this.#inlineByType.set(t, list);
      }
    }
  }

  names(): string[] { return [...this.#entries.keys()]; }
  get(name: string): Projection | undefined { return this.#entries.get(name)?.projection; }
  #inline(): Projection[] { return [...this.#entries.values()].map((e) => e.projection).filter((p) => (p.mode ?? 'inline') === 'inline'); }
  #async(): Projection[] { return [...this.#entries.values()].map((e) => e.projection).filter((p) => p.mode === 'async'); }

  /** The hook the event log runs inside each append's savepoint. */
  readonly inlineHook = async (events: StoredEvent[], db: Kysely<any>): Promise<void> => {
    const perProjection = new Map<Projection, StoredEvent[]>();
    for (const e of events) {
      for (const p of this.#inlineByType.get(e.type) ?? []) {
        const list = perProjection.get(p);
        if (list) list.push(e); else perProjection.set(p, [e]);
      }
    }
    for (const [p, list] of perProjection) await dispatch(p, list, db);
    this.#setInlinePositions?.(events[events.length - 1]!.position);
  };

  /**
   * At start: rebuild projections whose version changed or that are new, catch up the
   * inline ones that fell behind; async ones are caught up in the background by start().
   */
  async prepare(): Promise<{ rebuilt: string[]; caughtUp: string[] }> {
    const stored = new Map((await this.#db.kysely.selectFrom('core_projections').selectAll().execute()).map((r) => [r.name as string, r as { version: number; position: number }]));
    const head = await this.#log.head();
    const toRebuild: Projection[] = [];
    const caughtUp: string[] = [];
    for (const { projection: p } of this.#entries.values()) {
      const row = stored.get(p.name);
      if (!row || row.version !== p.version) toRebuild.push(p);
    }
    if (toRebuild.length > 0) await this.rebuild(toRebuild.map((p) => p.name));
    for (const p of this.#inline()) {
      if (toRebuild.includes(p)) continue;
      const row = stored.get(p.name)!;
      if (row.position < head) {
        await this.#replayInTransaction([p], row.position, false);
        caughtUp.push(p.name);
      }
    }
    const inlineNames = this.#inline().map((p) => p.name);
    if (inlineNames.length > 0) {
      const stmt = this.#db.raw.prepare(`update core_projections set position = ? where name in (${inlineNames.map(() => '?').join(',')})`);
      this.#setInlinePositions = (position) => { stmt.run(position, ...inlineNames); };
    }
    return { rebuilt: toRebuild.map((p) => p.name), caughtUp };
  }

  /** Truncate and replay the named projections (all when none named) from the first event. */
  async rebuild(names?: readonly string[]): Promise<{ name: string; events: number }[]> {
    const list = (names && names.length > 0 ? names : this.names()).map((n) => {
      const p = this.get(n);
      if (!p) throw new Error(`unknown projection "${n}" (known: ${this.names().join(', ') || 'none'})`);
      return p;
    });
    const counts = await this.#replayInTransaction(list, 0, true);
    return list.map((p) => ({ name: p.name, events: counts.get(p.name) ?? 0 }));
  }

  async #replayInTransaction(list: Projection[], after: number, truncate: boolean): Promise<Map<string, number>> {
    const raw = this.#db.raw;
    const counts = new Map<string, number>();
    await this.#db.kysely.connection().execute(async (conn) => {
      raw.exec('begin immediate');
      try {
        if (truncate) {
          for (const p of list) {
            await p.truncate(conn);
            if (p.init) await p.init(conn);
          }
        }
        const head = this.#log.headSync();
        await replayInto(this.#log, conn, list, after, head, counts);
        const upsert = raw.prepare('insert into core_projections (name, version, position, updated_at) values (?, ?, ?, ?) on conflict(name) do update set version = excluded.version, position = excluded.position, updated_at = excluded.updated_at');
        for (const p of list) upsert.run(p.name, p.version, head, Date.now());
        raw.exec('commit');
      } catch (e) {
        if (raw.inTransaction) raw.exec('rollback');
        throw e;
      }
    });
    return counts;
  }

  // ---- async projections ---------------------------------------------------------

  /** Wake async projections that handle any of these types (called from the change feed). */
  notify(events: readonly StoredEvent[]): void {
    if (this.#stopped) return;
    for (const p of this.#async()) {
      if (events.some((e) => p.handles.includes(e.type))) this.#kick(p);
    }
  }

  startAsync(): void {
    for (const p of this.#async()) this.#kick(p);
  }

  #kick(p: Projection): void {
    if (this.#asyncRunning.has(p.name)) { this.#asyncDirty.add(p.name); return; }
    const run = (async () => {
      try {
        for (;;) {
          this.#asyncDirty.delete(p.name);
          while (!this.#stopped && (await this.#asyncStep(p))) { /* next page */ }
          if (this.#stopped) break;
          if (this.#asyncDirty.has(p.name)) {
            // Changes came in while this page ran: a burst. Let it gather so the next
            // page carries many events in one transaction instead of a few in each.
            await new Promise((r) => setTimeout(r, ASYNC_BURST_PAUSE_MS));
            continue;
          }
          // Caught up: housekeeping, slice by slice, until done or new events arrive.
          let more = p.idle ? await this.#idleStep(p) : false;
          while (more && !this.#stopped && !this.#asyncDirty.has(p.name)) {
            await new Promise((r) => setTimeout(r, IDLE_SLICE_PAUSE_MS));
            more = await this.#idleStep(p);
          }
          if (!this.#asyncDirty.has(p.name) || this.#stopped) break;
        }
      } catch (e) {
        this.#logger.error({ err: e, projection: p.name }, 'async projection failed; it will retry on the next change');
      } finally {
        this.#asyncRunning.delete(p.name);
      }
    })();
    this.#asyncRunning.set(p.name, run);
  }

  /**
   * One page for one async projection; true when there may be more. The page is read
   * and prepared (blob reads, parsing) outside any write transaction; the write
   * transaction only applies it, after checking nobody else moved the checkpoint.
   */
  async #asyncStep(p: Projection): Promise<boolean> {
    const raw = this.#db.raw;
    const pageSize = p.pageSize ?? ASYNC_PAGE_SIZE;
    const { from, head, events } = await this.#db.kysely.connection().execute(async () => {
      const from = this.#checkpoint.get.get(p.name)?.position ?? 0;
      const head = this.#log.headSync();
      return { from, head, events: this.#log.readAllSync(from, pageSize, p.handles, head) };
    });
    const prepared = events.length > 0 && p.prepareBatch ? await p.prepareBatch(events) : undefined;
    return this.#db.kysely.connection().execute(async (conn) => {
      raw.exec('begin immediate');
      try {
        const now = this.#checkpoint.get.get(p.name)?.position ?? 0;
        if (now !== from) { raw.exec('rollback'); return true; } // another process advanced it: read again
        if (events.length > 0) await dispatch(p, events, conn, prepared);
        const full = events.length === pageSize;
        const reached = full ? events[events.length - 1]!.position : head;
        this.#checkpoint.set.run(reached, Date.now(), p.name);
        raw.exec('commit');
        return full;
      } catch (e) {
        if (raw.inTransaction) raw.exec('rollback');
        throw e;
      }
    });
  }

  /** One slice of an async projection's idle work, in its own write transaction. */
  async #idleStep(p: Projection): Promise<boolean> {
    const raw = this.#db.raw;
    return this.#db.kysely.connection().execute(async (conn) => {
      raw.exec('begin immediate');
      try {
        const more = await p.idle!(conn);
        raw.exec('commit');
        return more;
      } catch (e) {
        if (raw.inTransaction) raw.exec('rollback');
        throw e;
      }
    });
  }

  /** Resolves once every async projection has reached the head (tests, CLI, shutdown). */
  async settle(): Promise<void> {
    for (;;) {
      for (const p of this.#async()) this.#kick(p);
      await Promise.all([...this.#asyncRunning.values()]);
      const head = await this.#log.head();
      const rows = await this.#db.kysely.selectFrom('core_projections').select(['name', 'position']).execute();
      const behind = this.#async().filter((p) => (rows.find((r) => r.name === p.name)?.position ?? 0) < head);
      if (behind.length === 0 || this.#stopped) return;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#asyncRunning.values()]);
  }
}

/**
 * Feeds events (after, upTo] of the projections' types to them, page by page. The
 * caller holds the connection and a transaction.
 */
export async function replayInto(log: EventLog, db: Kysely<any>, list: readonly Projection[], after: number, upTo: number, counts?: Map<string, number>): Promise<void> {
  const byType = new Map<string, Projection[]>();
  for (const p of list) for (const t of p.handles) byType.set(t, [...(byType.get(t) ?? []), p]);
  const types = [...byType.keys()];
  let from = after;
  for (;;) {
    const page = log.readAllSync(from, REPLAY_PAGE_SIZE, types, upTo);
    const perProjection = new Map<Projection, StoredEvent[]>();
    for (const e of page) {
      for (const p of byType.get(e.type)!) {
        const list = perProjection.get(p);
        if (list) list.push(e); else perProjection.set(p, [e]);
      }
    }
    for (const [p, list] of perProjection) {
      // A rebuild holds the write lock anyway; prepared work is done in line here.
      await dispatch(p, list, db, p.prepareBatch ? await p.prepareBatch(list) : undefined);
      if (counts) counts.set(p.name, (counts.get(p.name) ?? 0) + list.length);
    }
    if (page.length < REPLAY_PAGE_SIZE) return;
    from = page[page.length - 1]!.position;
  }
}

/** Hands events to a projection: in one batch when it can take one, else one by one. */
async function dispatch(p: Projection, events: readonly StoredEvent[], db: Kysely<any>, prepared?: unknown): Promise<void> {
  if (p.handleBatch) {
    await p.handleBatch(events, db, prepared);
    return;
  }
  for (const e of events) {
    const r = p.handle!(e, db);
    if (r) await r;
  }
}
