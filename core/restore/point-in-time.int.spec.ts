import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConcurrencyError, ValidationError } from '../errors.ts';
import type { StoredEvent } from '../events/types.ts';
import { eventLogKit, meta } from '../testing/event-log-kit.ts';
import { foldAt, planRestore, restoreCollection, type CollectionSpec } from './point-in-time.ts';

// A tiny collection: items with a value, one stream per item under a collection prefix.
const types = {
  'test.Set': z.object({ id: z.string(), value: z.string() }),
  'test.Removed': z.object({ id: z.string() }),
};
type Coll = Map<string, string>;
const spec: CollectionSpec<Coll> = {
  streams: ['test-item:c1/*'],
  initialState: () => new Map(),
  evolve(s: Coll, e: StoredEvent) {
    const d = e.data as { id: string; value?: string };
    if (e.type === 'test.Set') s.set(d.id, d.value!); else s.delete(d.id);
    return s;
  },
  diff(current, target) {
    const out: { stream: string; events: { type: string; data: unknown }[] }[] = [];
    for (const [id, v] of target) if (current.get(id) !== v) out.push({ stream: `test-item:c1/${id}`, events: [{ type: 'test.Set', data: { id, value: v } }] });
    for (const id of current.keys()) if (!target.has(id)) out.push({ stream: `test-item:c1/${id}`, events: [{ type: 'test.Removed', data: { id } }] });
    return out;
  },
};
const set = (id: string, value: string) => ({ type: 'test.Set', data: { id, value } });

describe('point in time', () => {
  it('folds a collection as of a position, restores it atomically, and the restore can be undone', async () => {
    const k = await eventLogKit({ types });
    try {
      await k.log.append('test-item:c1/a', 'any', [set('a', '1')], { metadata: meta() });
      await k.log.append('test-item:c1/b', 'any', [set('b', '1')], { metadata: meta() });
      await k.log.append('test-item:c2/x', 'any', [set('x', 'other collection')], { metadata: meta() });
      const t = await k.log.head();
      await k.log.append('test-item:c1/a', 'any', [set('a', '2')], { metadata: meta() });
      await k.log.append('test-item:c1/b', 'any', [{ type: 'test.Removed', data: { id: 'b' } }], { metadata: meta() });
      await k.log.append('test-item:c1/c', 'any', [set('c', 'new')], { metadata: meta() });
      const beforeRestore = await k.log.head();

      expect([...(await foldAt(k.log, spec, { position: t })).state]).toEqual([['a', '1'], ['b', '1']]);
      const plan = await planRestore(k.log, spec, { position: t }, meta(), 30);
      expect(plan.appends.map((a) => a.stream).sort()).toEqual(['test-item:c1/a', 'test-item:c1/b', 'test-item:c1/c']);

      await restoreCollection(k.log, spec, { position: t }, meta(), 30);
      expect([...(await foldAt(k.log, spec, { position: await k.log.head() })).state].sort()).toEqual([['a', '1'], ['b', '1']]);
      // History is kept: restoring to just before the restore brings the later state back.
      await restoreCollection(k.log, spec, { position: beforeRestore }, meta(), 30);
      expect([...(await foldAt(k.log, spec, { position: await k.log.head() })).state].sort()).toEqual([['a', '2'], ['c', 'new']]);
      // The other collection was never touched.
      expect((await k.log.readStream('test-item:c2/x')).length).toBe(1);
    } finally { await k.close(); }
  });

  it('appends nothing when one stream of a multi-stream append conflicts', async () => {
    const k = await eventLogKit({ types });
    try {
      await k.log.append('test-item:c1/a', 'any', [set('a', '1')], { metadata: meta() });
      const head = await k.log.head();
      await expect(k.log.appendMulti([
        { stream: 'test-item:c1/b', expected: 'no-stream', events: [set('b', '1')] },
        { stream: 'test-item:c1/a', expected: 0, events: [set('a', '2')] },
      ], { metadata: meta() })).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await k.log.head()).toBe(head);
      expect(await k.log.streamVersion('test-item:c1/b')).toBe(0);
    } finally { await k.close(); }
  });

  it('refuses moments outside the retention window, in the future, or with restore turned off', async () => {
    const k = await eventLogKit({ types });
    try {
      const now = new Date();
      const m = { ...meta(), time: now.toISOString() };
      await expect(planRestore(k.log, spec, { time: new Date(now.getTime() - 31 * 86400_000) }, m, 30)).rejects.toThrow(/outside the 30-day retention window/);
      await expect(planRestore(k.log, spec, { time: new Date(now.getTime() + 60_000) }, m, 30)).rejects.toThrow(/future/);
      await expect(planRestore(k.log, spec, { position: 0 }, m, 0)).rejects.toBeInstanceOf(ValidationError);
    } finally { await k.close(); }
  });
});
