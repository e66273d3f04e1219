import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openAppliance } from '../appliance.ts';
import { silentLogger } from '../logger.ts';
import { definePlugin } from '../plugins/define-plugin.ts';
import { collectBlobGarbage } from '../restore/blob-gc.ts';
import { restoreInstance } from '../restore/instance-restore.ts';
import { createTestAppliance } from '../testing/test-appliance.ts';
import { tempDir } from '../testing/temp-dir.ts';
import { INLINE_MAX_BYTES } from './inline-blobs.ts';

const holder = definePlugin({
  id: 'holder', version: '1.0.0', needs: [],
  register(r) { r.events({ 'holder.Kept': z.object({ sha: z.string() }) }); },
});
const meta = () => ({ actor: 'system', source: 'system' as const, time: new Date().toISOString() });

describe('inline blobs', () => {
  it('become durable with the event that refers to them, survive a restart, and are collected when unreferenced', async () => {
    const dir = tempDir();
    const a = await createTestAppliance({ pluginDefs: [holder], dataDir: dir.path });
    const config = a.config;
    let kept: string;
    let orphan: string;
    try {
      const small = await a.blobs.stage(Buffer.from('a small message'));
      const big = await a.blobs.stage(Buffer.alloc(INLINE_MAX_BYTES + 1, 7));
      orphan = (await a.blobs.stage(Buffer.from('staged but never referenced'))).sha256;
      kept = small.sha256;
      // Readable while staged, before any event.
      expect((await a.blobs.readAll(kept)).toString()).toBe('a small message');
      expect(a.db.raw.prepare('select count(*) as c from core_blob_data').get()).toEqual({ c: 0 });
      await a.log.append('holder-item:1', 'any', [{ type: 'holder.Kept', data: { sha: kept }, blobs: [kept] }], { metadata: meta() });
      await a.log.append('holder-item:2', 'any', [{ type: 'holder.Kept', data: { sha: big.sha256 }, blobs: [big.sha256] }], { metadata: meta() });
      expect(a.db.raw.prepare('select sha256 from core_blob_data').all()).toEqual([{ sha256: kept }]);
      // The large one went to a file at once.
      expect((await a.blobs.stat(big.sha256))!.size).toBe(INLINE_MAX_BYTES + 1);
    } finally { await a.close(); }

    const reopened = await openAppliance(config, { logger: silentLogger(), plugins: [{ def: holder, source: 'test' }] });
    try {
      expect((await reopened.blobs.readAll(kept)).toString()).toBe('a small message');
      const range = await reopened.blobs.read(kept, { start: 2, end: 6 });
      let text = '';
      for await (const c of range as AsyncIterable<Buffer>) text += c.toString();
      expect(text).toBe('small');
      expect(await reopened.blobs.has(orphan)).toBe(false); // staged bytes without an event were never written

      const out = tempDir();
      try {
        const r = await restoreInstance({ config, at: { position: await reopened.log.head() }, outDir: join(out.path, 'r'), logger: silentLogger() });
        const restored = await openAppliance({ ...config, dataDir: r.outDir }, { logger: silentLogger(), plugins: [{ def: holder, source: 'test' }] });
        try { expect((await restored.blobs.readAll(kept)).toString()).toBe('a small message'); } finally { await restored.close(); }
      } finally { out.remove(); }

      // Past the retention window nothing refers to it any more.
      const gc = await collectBlobGarbage(reopened, { graceMs: 0, now: Date.now() + 31 * 86400_000 });
      expect(gc.deleted).toBe(2);
      expect(await reopened.blobs.has(kept)).toBe(false);
    } finally { await reopened.close(); dir.remove(); }
  });
});
