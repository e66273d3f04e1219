import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from 'kysely';
import { ConcurrencyError, ValidationError } from '../errors.ts';
import { eventLogKit, meta } from '../testing/event-log-kit.ts';

describe('event log', () => {
  it('appends with every kind of expected version and rejects conflicts with a typed error', async () => {
    const k = await eventLogKit();
    try {
      const a = await k.log.append('test-thing:1', 'no-stream', [{ type: 'test.Happened', data: { n: 1 } }], { metadata: meta() });
      expect(a.nextExpectedVersion).toBe(1);
      await expect(k.log.append('test-thing:1', 'no-stream', [{ type: 'test.Happened', data: { n: 2 } }], { metadata: meta() })).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(k.log.append('test-thing:1', 0, [{ type: 'test.Happened', data: { n: 2 } }], { metadata: meta() })).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(k.log.append('test-thing:2', 'stream-exists', [{ type: 'test.Happened', data: { n: 2 } }], { metadata: meta() })).rejects.toBeInstanceOf(ConcurrencyError);
      const b = await k.log.append('test-thing:1', 1, [{ type: 'test.Happened', data: { n: 2 } }, { type: 'test.Happened', data: { n: 3 } }], { metadata: meta() });
      expect(b.nextExpectedVersion).toBe(3);
      await k.log.append('test-thing:1', 'stream-exists', [{ type: 'test.Happened', data: { n: 4 } }], { metadata: meta() });
      await k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 5 } }], { metadata: meta() });
      const events = await k.log.readStream('test-thing:1');
      expect(events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
      expect(events.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4, 5]);
      expect(events.every((e, i) => i === 0 || e.position > events[i - 1]!.position)).toBe(true);
    } finally { await k.close(); }
  });

  it('lets only one of many concurrent writers at the same version win; the batch still commits the others', async () => {
    const k = await eventLogKit();
    try {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
        k.log.append('test-race:1', 0, [{ type: 'test.Happened', data: { n: i } }], { metadata: meta() })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(19);
      const others = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        k.log.append(`test-many:${i}`, 'no-stream', [{ type: 'test.Happened', data: { n: i } }], { metadata: meta() })));
      expect(new Set(others.map((o) => o.firstPosition)).size).toBe(20);
      expect(await k.log.head()).toBe(21);
    } finally { await k.close(); }
  });

  it('refuses unknown types, invalid payloads, bad stream names and bad metadata before writing', async () => {
    const k = await eventLogKit();
    try {
      await expect(k.log.append('test-thing:1', 'any', [{ type: 'test.Unknown', data: {} }], { metadata: meta() })).rejects.toBeInstanceOf(ValidationError);
      await expect(k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 'x' } }], { metadata: meta() })).rejects.toThrow(/invalid payload for test.Happened: n/);
      await expect(k.log.append('no spaces allowed', 'any', [{ type: 'test.Happened', data: { n: 1 } }], { metadata: meta() })).rejects.toBeInstanceOf(ValidationError);
      await expect(k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 1 } }], { metadata: { ...meta(), time: 'yesterday' } })).rejects.toBeInstanceOf(ValidationError);
      expect(await k.log.head()).toBe(0);
    } finally { await k.close(); }
  });

  it('appends a retried command with the same idempotency key only once', async () => {
    const k = await eventLogKit();
    try {
      const first = await k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 1 } }], { metadata: meta(), idempotencyKey: 'msg-123' });
      const again = await k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 1 } }], { metadata: meta(), idempotencyKey: 'msg-123' });
      expect(again.duplicate).toBe(true);
      expect(again.firstPosition).toBe(first.firstPosition);
      expect(again.events.map((e) => e.data)).toEqual([{ n: 1 }]);
      expect(await k.log.head()).toBe(1);
      // Two retries racing in one batch: still one append.
      const [x, y] = await Promise.all([1, 2].map(() => k.log.append('test-thing:2', 'any', [{ type: 'test.Happened', data: { n: 2 } }], { metadata: meta(), idempotencyKey: 'k2' })));
      expect([x!.duplicate, y!.duplicate].sort()).toEqual([false, true]);
      expect(await k.log.head()).toBe(2);
    } finally { await k.close(); }
  });

  it('reads a stream up to a position or a time, and all events after a position', async () => {
    const k = await eventLogKit();
    try {
      await k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 1 } }], { metadata: meta() });
      await new Promise((r) => setTimeout(r, 15));
      const t = Date.now();
      await new Promise((r) => setTimeout(r, 15));
      await k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 2 } }], { metadata: meta() });
      await k.log.append('test-other:1', 'any', [{ type: 'test.Happened', data: { n: 3 } }], { metadata: meta() });
      expect((await k.log.readStream('test-thing:1', { upToTime: t })).map((e) => e.data)).toEqual([{ n: 1 }]);
      expect((await k.log.readStream('test-thing:1', { upToPosition: 2 })).length).toBe(2);
      expect(await k.log.positionAt(t)).toBe(1);
      expect((await k.log.readAll({ after: 1 })).map((e) => e.position)).toEqual([2, 3]);
      expect((await k.log.readStreams(['test-*'])).length).toBe(3);
    } finally { await k.close(); }
  });

  it('runs inline projections in the append transaction and rolls back the append if one throws', async () => {
    const k = await eventLogKit({ types: { 'test.Happened': z.object({ n: z.number() }) } });
    try {
      await sql`create table test_sum (id integer primary key, total integer not null)`.execute(k.db.kysely);
      k.projections.add('test', {
        name: 'test.sum', version: 1, handles: ['test.Happened'],
        async handle(e, db) {
          const n = (e.data as { n: number }).n;
          if (n < 0) throw new Error('negative');
          await sql`insert into test_sum (id, total) values (1, ${n}) on conflict(id) do update set total = total + ${n}`.execute(db);
        },
        async truncate(db) { await sql`delete from test_sum`.execute(db); },
      });
      await k.projections.prepare();
      await k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: 5 } }], { metadata: meta() });
      const bad = k.log.append('test-thing:1', 'any', [{ type: 'test.Happened', data: { n: -1 } }], { metadata: meta() });
      const good = k.log.append('test-thing:2', 'any', [{ type: 'test.Happened', data: { n: 7 } }], { metadata: meta() });
      await expect(bad).rejects.toThrow('negative');
      await good;
      const row = await sql<{ total: number }>`select total from test_sum`.execute(k.db.kysely);
      expect(row.rows[0]!.total).toBe(12);
      expect(await k.log.head()).toBe(2);
      const rebuilt = await k.projections.rebuild(['test.sum']);
      expect(rebuilt).toEqual([{ name: 'test.sum', events: 2 }]);
      expect((await sql<{ total: number }>`select total from test_sum`.execute(k.db.kysely)).rows[0]!.total).toBe(12);
    } finally { await k.close(); }
  });

  it('feeds async projections from a checkpoint and delivers the change feed in order', async () => {
    const k = await eventLogKit();
    try {
      await sql`create table test_seen (position integer primary key)`.execute(k.db.kysely);
      k.projections.add('test', {
        name: 'test.seen', version: 1, mode: 'async', handles: ['test.Happened'],
        async handle(e, db) { await sql`insert into test_seen (position) values (${e.position})`.execute(db); },
        async truncate(db) { await sql`delete from test_seen`.execute(db); },
      });
      await k.projections.prepare();
      await k.feed.start();
      const seen: number[] = [];
      k.feed.subscribe({ streams: ['test-a:*'] }, (events) => seen.push(...events.map((e) => e.position)));
      await Promise.all(Array.from({ length: 50 }, (_, i) => k.log.append(`test-${i % 2 ? 'a' : 'b'}:${i}`, 'any', [{ type: 'test.Happened', data: { n: i } }], { metadata: meta() })));
      await k.projections.settle();
      await k.feed.settle();
      const rows = await sql<{ c: number }>`select count(*) as c from test_seen`.execute(k.db.kysely);
      expect(rows.rows[0]!.c).toBe(50);
      expect(seen).toHaveLength(25);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    } finally { await k.close(); }
  });
});
