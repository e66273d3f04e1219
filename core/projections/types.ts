import type { Kysely } from 'kysely';
import type { StoredEvent } from '../events/types.ts';

/**
 * A read model fed by events. Inline projections run inside the append transaction
 * (read-your-writes); async ones follow a checkpoint and are woken by the change feed
 * (search indexes and other work that may lag).
 *
 * Rules: handle must be deterministic (same events ⇒ same rows), must not read the
 * event log, other plugins' tables, blobs or the clock — only the event and its own
 * tables — so that a rebuild by replay gives byte-identical read models.
 */
export interface Projection {
  name: string;
  version: number;
  handles: readonly string[];
  mode?: 'inline' | 'async';
  /** Extra setup after truncate (tables come from migrations). */
  init?(db: Kysely<any>): Promise<void>;
  /** One event at a time. Give this or handleBatch (or both: handleBatch wins). */
  handle?(event: StoredEvent, db: Kysely<any>): Promise<void> | void;
  /**
   * Several events at once, in position order (a replay page, an append's events):
   * lets a projection write one multi-row statement instead of one per event, which is
   * what makes rebuilds of large logs fast. Must give the same rows as handling the
   * events one by one.
   */
  handleBatch?(events: readonly StoredEvent[], db: Kysely<any>, prepared?: unknown): Promise<void> | void;
  /**
   * Async projections only: slow work for a batch (reading blobs, parsing) done outside
   * the write transaction; its result reaches handleBatch. Appends never wait on it.
   */
  prepareBatch?(events: readonly StoredEvent[]): Promise<unknown>;
  /** Async projections only: events per transaction (default ASYNC_PAGE_SIZE). */
  pageSize?: number;
  /**
   * Async projections only: housekeeping once caught up with the log, a slice per call,
   * each in its own write transaction; true when there is more to do. Called again after
   * a short pause, and set aside as soon as new events arrive — so work that would slow
   * a burst if done per page (merging an index's segments) waits for a quiet moment.
   * It must not change what the read model answers, only how fast.
   */
  idle?(db: Kysely<any>): Promise<boolean>;
  /** Empties every table the projection writes. */
  truncate(db: Kysely<any>): Promise<void>;
}

export function defineProjection(p: Projection): Projection {
  return p;
}
