import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAppliance } from '../../core/appliance.ts';
import { silentLogger } from '../../core/logger.ts';
import { restoreInstance } from '../../core/restore/instance-restore.ts';
import { dumpReadModels } from '../../core/testing/dump-read-models.ts';
import { prng, randomOperations } from '../../core/testing/random-workload.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { tempDir } from '../../core/testing/temp-dir.ts';

describe('read models are a pure function of the log', () => {
  it('rebuilding every projection by replay gives byte-identical read models', async () => {
    const a = await createTestAppliance();
    try {
      await randomOperations(a, prng(7), 150);
      const before = dumpReadModels(a.db.raw);
      expect(before).toContain('note ');
      const rebuilt = await a.projections.rebuild();
      expect(rebuilt.map((r) => r.name)).toEqual(expect.arrayContaining(['notes.list']));
      expect(dumpReadModels(a.db.raw)).toBe(before);
    } finally { await a.close(); }
  });

  // Property: for random histories and a random moment T, restoring the instance to T
  // gives exactly the read models that were there at T.
  it.each([1, 2, 3, 4])('instance restore to a random moment reproduces the read models noted then (seed %i)', async (seed) => {
    const rnd = prng(seed);
    const a = await createTestAppliance();
    const out = tempDir('cairn-restored-');
    try {
      await randomOperations(a, rnd, 30 + Math.floor(rnd() * 40));
      const position = await a.log.head();
      const noted = dumpReadModels(a.db.raw);
      await randomOperations(a, rnd, 30 + Math.floor(rnd() * 40));
      expect(dumpReadModels(a.db.raw)).not.toBe(noted);
      const r = await restoreInstance({ config: a.config, at: { position }, outDir: join(out.path, 'r'), logger: silentLogger() });
      expect(r.position).toBe(position);
      const restored = await openAppliance({ ...a.config, dataDir: r.outDir }, { logger: silentLogger() });
      try {
        expect(restored.createdOwner).toBeUndefined();
        expect(dumpReadModels(restored.db.raw)).toBe(noted);
      } finally { await restored.close(); }
    } finally { await a.close(); out.remove(); }
  });
});
