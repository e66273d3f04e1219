// Async projections' idle housekeeping: called once the projection has caught up, slice
// by slice while it says there is more, in its own transactions, and set aside for new
// events (which are projected first).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { eventLogKit, meta } from '../testing/event-log-kit.ts';

describe('async projection idle work', () => {
  it('runs after the projection caught up, until it says it is done, and never before pending events', async () => {
    const k = await eventLogKit();
    try {
      await sql`create table test_seen (position integer primary key)`.execute(k.db.kysely);
      const calls: { seen: number; head: number }[] = [];
      let slices = 3;
      k.projections.add('test', {
        name: 'test.tidy', version: 1, mode: 'async', handles: ['test.Happened'],
        async handle(e, db) { await sql`insert into test_seen (position) values (${e.position})`.execute(db); },
        async idle(db) {
          const seen = (await sql<{ n: number }>`select count(*) as n from test_seen`.execute(db)).rows[0]!.n;
          calls.push({ seen, head: k.log.headSync() });
          slices -= 1;
          return slices > 0;
        },
        async truncate(db) { await sql`delete from test_seen`.execute(db); },
      });
      await k.projections.prepare();
      await Promise.all(Array.from({ length: 20 }, (_, i) => k.log.append(`test-a:${i}`, 'any', [{ type: 'test.Happened', data: { n: i } }], { metadata: meta() })));
      await k.projections.settle();
      // At least the three slices it asked for (settle's own wake-up may add a call that
      // finds nothing left), each only once every event was projected.
      expect(calls.length).toBeGreaterThanOrEqual(3);
      for (const c of calls) expect(c.seen).toBe(c.head);
      // A later change: projected first, then idle again.
      const before = calls.length;
      await k.log.append('test-a:x', 'any', [{ type: 'test.Happened', data: { n: 99 } }], { metadata: meta() });
      await k.projections.settle();
      expect(calls.length).toBeGreaterThan(before);
      expect(calls.at(-1)).toEqual({ seen: 21, head: 21 });
    } finally { await k.close(); }
  });
});
