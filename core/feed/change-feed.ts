// Implementation notes — the change feed.
// - Delivers committed events to subscribers in position order, each exactly once per
//   process, after commit (never an event that could still be rolled back).
// - Events committed in this process arrive through publish(); events committed by
//   another process on the same data directory (the CLI while the server runs) are
//   found by polling PRAGMA data_version, which changes only when another connection
//   commits. Both paths advance one cursor; a gap (the other process committed in
//   between) is filled from the log before anything later is delivered.
import type { Db } from '../db/open-database.ts';
import type { EventLog } from '../events/event-log.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Logger } from '../logger.ts';

/** How often another process's commits are looked for; the CLI's changes show up within this. */
export const CROSS_PROCESS_POLL_MS = 100;
/** Events read per catch-up query. */
const CATCH_UP_PAGE = 1_000;

export interface FeedFilter {
  /** Exact stream names, or prefixes ending in '*' ('mail-mailbox:u1*'). */
  streams?: readonly string[];
  types?: readonly string[];
}

export type FeedListener = (events: StoredEvent[]) => void;

interface Subscription { filter: FeedFilter; listener: FeedListener }

export class ChangeFeed {
  readonly #log: EventLog;
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #subs = new Set<Subscription>();
  #delivered = 0;
  #catchingUp: Promise<void> | undefined;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #dataVersion = 0;

  constructor(log: EventLog, db: Db, logger: Logger) {
    this.#log = log;
    this.#db = db;
    this.#logger = logger;
  }

  /** The last position delivered to subscribers. */
  get position(): number { return this.#delivered; }

  async start(): Promise<void> {
    this.#delivered = await this.#log.head();
    this.#dataVersion = this.#readDataVersion();
    this.#timer = setInterval(() => this.#poll(), CROSS_PROCESS_POLL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#catchingUp;
  }

  subscribe(filter: FeedFilter, listener: FeedListener): () => void {
    const sub = { filter, listener };
    this.#subs.add(sub);
    return () => { this.#subs.delete(sub); };
  }

  /** Called by the event log after each commit in this process. */
  publish(events: StoredEvent[]): void {
    if (events.length === 0) return;
    if (this.#catchingUp || events[0]!.position !== this.#delivered + 1) {
      // Something committed elsewhere sits before these; read it all from the log in order.
      this.#dirty = true;
      this.#startCatchUp();
      return;
    }
    this.#deliver(events);
  }

  #readDataVersion(): number {
    return this.#db.raw.pragma('data_version', { simple: true }) as number;
  }

  #poll(): void {
    const v = this.#readDataVersion();
    if (v === this.#dataVersion) return;
    this.#dataVersion = v;
    this.#dirty = true;
    this.#startCatchUp();
  }

  #startCatchUp(): void {
    if (this.#catchingUp) return;
    this.#catchingUp = (async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          for (;;) {
            const page = await this.#log.readAll({ after: this.#delivered, limit: CATCH_UP_PAGE });
            if (page.length === 0) break;
            this.#deliver(page);
            if (page.length < CATCH_UP_PAGE) break;
          }
        }
      } catch (e) {
        this.#logger.error({ err: e }, 'change feed catch-up failed');
      } finally {
        this.#catchingUp = undefined;
      }
    })();
  }

  #deliver(events: StoredEvent[]): void {
    this.#delivered = events[events.length - 1]!.position;
    for (const sub of this.#subs) {
      const mine = events.filter((e) => matches(sub.filter, e));
      if (mine.length === 0) continue;
      try {
        sub.listener(mine);
      } catch (e) {
        this.#logger.error({ err: e }, 'change feed listener threw');
      }
    }
  }

  /** Resolves when everything committed so far (by any process) has been delivered. */
  async settle(): Promise<void> {
    const head = await this.#log.head();
    while (this.#delivered < head) {
      this.#dirty = true;
      this.#startCatchUp();
      await this.#catchingUp;
    }
  }
}

export function matches(filter: FeedFilter, e: StoredEvent): boolean {
  if (filter.types && !filter.types.includes(e.type)) return false;
  if (filter.streams) {
    return filter.streams.some((s) => (s.endsWith('*') ? e.stream.startsWith(s.slice(0, -1)) : e.stream === s));
  }
  return true;
}
