import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/types.ts';
import { eventLogKit, meta } from '../testing/event-log-kit.ts';
import { tempDir } from '../testing/temp-dir.ts';

const ev = (n: number) => [{ type: 'test.Happened', data: { n } }];

describe('change feed', () => {
  it('delivers events committed through another connection (another process, e.g. the CLI) in order, without gaps or repeats', async () => {
    const dir = tempDir();
    const path = join(dir.path, 'cairn.db');
    const server = await eventLogKit({ path });
    const cli = await eventLogKit({ path });
    try {
      await server.feed.start();
      const seen: StoredEvent[] = [];
      server.feed.subscribe({ streams: ['test-x:*'] }, (events) => seen.push(...events));
      // Interleave: the "server" and the "CLI" both append.
      for (let i = 0; i < 10; i++) {
        await (i % 2 ? server : cli).log.append(`test-x:${i % 3}`, 'any', ev(i), { metadata: meta() });
      }
      await cli.log.append('test-y:1', 'any', ev(99), { metadata: meta() });
      const deadline = Date.now() + 2_000;
      while (seen.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(seen.map((e) => e.position)).toEqual([...seen.map((e) => e.position)].sort((a, b) => a - b));
      await server.feed.settle();
      expect(server.feed.position).toBe(11);
    } finally {
      await cli.close();
      await server.close();
      dir.remove();
    }
  });

  it('filters by stream prefix and type, and one throwing listener does not starve the others', async () => {
    const k = await eventLogKit();
    try {
      await k.feed.start();
      const a: number[] = [];
      const b: number[] = [];
      k.feed.subscribe({ streams: ['test-a:1'] }, () => { throw new Error('boom'); });
      k.feed.subscribe({ streams: ['test-a:1'], types: ['test.Happened'] }, (es) => a.push(...es.map((e) => e.position)));
      k.feed.subscribe({ types: ['test.Other'] }, (es) => b.push(...es.map((e) => e.position)));
      await k.log.append('test-a:1', 'any', ev(1), { metadata: meta() });
      await k.log.append('test-a:2', 'any', ev(2), { metadata: meta() });
      await k.feed.settle();
      expect(a).toEqual([1]);
      expect(b).toEqual([]);
    } finally { await k.close(); }
  });
});
