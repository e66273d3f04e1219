// Durable append throughput (group commit) against raw better-sqlite3 with the same
// durability, and projection replay speed.
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { join } from 'node:path';
import { z } from 'zod';
import { eventLogKit, meta } from '../../core/testing/event-log-kit.ts';
import { tempDir } from '../../core/testing/temp-dir.ts';

const TYPES = { 'bench.Happened': z.object({ n: z.number(), text: z.string() }) };
const PAYLOAD = 'lorem ipsum dolor sit amet '.repeat(4);

export async function benchAppends(writers: number, seconds: number): Promise<number> {
  const dir = tempDir('cairn-bench-');
  const k = await eventLogKit({ path: join(dir.path, 'cairn.db'), types: TYPES });
  try {
    const m = meta('bench');
    let count = 0;
    const deadline = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      let n = 0;
      while (performance.now() < deadline) {
        await k.log.append(`bench-writer:${w}`, 'any', [{ type: 'bench.Happened', data: { n: n++, text: PAYLOAD } }], { metadata: m });
        count++;
      }
    }));
    return count / ((performance.now() - t0) / 1000);
  } finally { await k.close(); dir.remove(); }
}

/** One INSERT per durable transaction, WAL + synchronous=FULL: what an append costs without group commit. */
export function benchRawInserts(seconds: number): number {
  const dir = tempDir('cairn-bench-');
  const db = new Database(join(dir.path, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table t (position integer primary key autoincrement, stream text, type text, data text, metadata text, recorded_at integer)');
    const ins = db.prepare('insert into t (stream, type, data, metadata, recorded_at) values (?, ?, ?, ?, ?)');
    const m = JSON.stringify(meta('bench'));
    let count = 0;
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    while (performance.now() < deadline) {
      ins.run('bench-writer:0', 'bench.Happened', JSON.stringify({ n: count, text: PAYLOAD }), m, Date.now());
      count++;
    }
    return count / ((performance.now() - t0) / 1000);
  } finally { db.close(); dir.remove(); }
}

/**
 * Rebuild of a simple projection (a per-stream counter) over `events` events, written
 * either one upsert per event (handle) or one multi-row upsert per page (handleBatch).
 */
export async function benchReplay(events: number, mode: 'handle' | 'batch'): Promise<number> {
  const dir = tempDir('cairn-bench-');
  const k = await eventLogKit({ path: join(dir.path, 'cairn.db'), types: TYPES });
  try {
    fillLog(k.db.raw, events, 1000);
    await sql`create table bench_counts (stream text primary key, n integer not null, last text not null)`.execute(k.db.kysely);
    k.projections.add('bench', {
      name: 'bench.counts', version: 1, handles: ['bench.Happened'],
      ...(mode === 'handle' ? {
        async handle(e, db) {
          await db.insertInto('bench_counts').values({ stream: e.stream, n: 1, last: (e.data as { text: string }).text })
            .onConflict((oc) => oc.column('stream').doUpdateSet({ n: sql`n + 1`, last: sql`excluded.last` })).execute();
        },
      } : {
        async handleBatch(list, db) {
          // Fold the page per stream first, then one statement for the page.
          const per = new Map<string, { n: number; last: string }>();
          for (const e of list) {
            const cur = per.get(e.stream);
            const text = (e.data as { text: string }).text;
            if (cur) { cur.n++; cur.last = text; } else per.set(e.stream, { n: 1, last: text });
          }
          const rows = [...per].map(([stream, v]) => ({ stream, n: v.n, last: v.last }));
          for (let i = 0; i < rows.length; i += 300) {
            await db.insertInto('bench_counts').values(rows.slice(i, i + 300))
              .onConflict((oc) => oc.column('stream').doUpdateSet({ n: sql`n + excluded.n`, last: sql`excluded.last` })).execute();
          }
        },
      }),
      async truncate(db) { await db.deleteFrom('bench_counts').execute(); },
    });
    const t0 = performance.now();
    await k.projections.prepare(); // new projection ⇒ full replay
    return events / ((performance.now() - t0) / 1000);
  } finally { await k.close(); dir.remove(); }
}

/** Writes events straight into the log tables (setup only; not what is measured). */
export function fillLog(raw: Database.Database, events: number, streams: number, type = 'bench.Happened', data: (i: number) => unknown = (i) => ({ n: i, text: PAYLOAD })): void {
  const ins = raw.prepare('insert into core_events (stream, stream_position, type, data, metadata, recorded_at) values (?, ?, ?, ?, ?, ?)');
  const m = JSON.stringify(meta('bench'));
  const versions = new Array<number>(streams).fill(0);
  const start = Date.now() - events;
  raw.transaction(() => {
    for (let i = 0; i < events; i++) {
      const s = i % streams;
      ins.run(`bench-stream:${s}`, ++versions[s]!, type, JSON.stringify(data(i)), m, start + i);
    }
    raw.prepare('insert or replace into core_streams (stream, version, last_position) select stream, max(stream_position), max(position) from core_events group by stream').run();
  })();
}
