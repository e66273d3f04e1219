import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin } from '../plugins/define-plugin.ts';
import { createTestAppliance } from '../testing/test-appliance.ts';
import { collectBlobGarbage } from './blob-gc.ts';

// A plugin whose read model keeps blobs: the GC must ask it.
const keeper = definePlugin({
  id: 'keeper',
  version: '1.0.0',
  needs: [],
  register(r) {
    r.events({ 'keeper.Stored': z.object({ sha: z.string() }) });
    r.blobRefs(() => kept);
  },
});
const kept = new Set<string>();
const meta = () => ({ actor: 'system', source: 'system' as const, time: new Date().toISOString() });

describe('blob garbage collection', () => {
  it('keeps blobs referenced by events inside the retention window or by read models, deletes the rest', async () => {
    const a = await createTestAppliance({ pluginDefs: [keeper] });
    try {
      const byEvent = await a.blobs.write('referenced by an event');
      const byReadModel = await a.blobs.write('referenced by a read model');
      const orphan = await a.blobs.write('referenced by nothing');
      kept.add(byReadModel.sha256);
      await a.log.append('keeper-item:1', 'any', [{ type: 'keeper.Stored', data: { sha: byEvent.sha256 }, blobs: [byEvent.sha256] }], { metadata: meta() });
      await expect(a.log.append('keeper-item:2', 'any', [{ type: 'keeper.Stored', data: { sha: 'x' }, blobs: ['f'.repeat(64)] }], { metadata: meta() })).rejects.toThrow(/not stored/);

      const r = await collectBlobGarbage(a, { graceMs: 0 });
      expect(r.deleted).toBe(1);
      expect(await a.blobs.has(orphan.sha256)).toBe(false);
      expect(await a.blobs.has(byEvent.sha256)).toBe(true);
      expect(await a.blobs.has(byReadModel.sha256)).toBe(true);

      // Once the event is older than the retention window, only read models keep blobs.
      const later = Date.now() + 31 * 86400_000;
      await collectBlobGarbage(a, { graceMs: 0, now: later });
      expect(await a.blobs.has(byEvent.sha256)).toBe(false);
      expect(await a.blobs.has(byReadModel.sha256)).toBe(true);
    } finally { await a.close(); }
  });
});
