import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { createTestAppliance } from '../testing/test-appliance.ts';
import { tempDir } from '../testing/temp-dir.ts';
import { backupInstance } from './backup.ts';
import { restoreInstance } from './instance-restore.ts';
import { countEvents } from './instance-restore.ts';

describe('backup and instance restore', () => {
  it('copy the log, the blobs and the keys beside them (TLS pair, DKIM keys)', async () => {
    const a = await createTestAppliance();
    const out = tempDir();
    try {
      mkdirSync(join(a.dataDir, 'dkim'), { recursive: true });
      writeFileSync(join(a.dataDir, 'dkim', 'example.test.pem'), 'the published key');
      const file = await a.blobs.write(Buffer.alloc(600_000, 1));
      await a.log.append('notes-note:x/1', 'any', [{ type: 'notes.NoteCreated', data: { noteId: '1', owner: 'x', title: 't', body: '' }, blobs: [file.sha256] }], { metadata: { actor: 'x', source: 'system', time: new Date().toISOString() } });
      const b = await backupInstance({ dataDir: a.dataDir, outDir: join(out.path, 'backup') });
      expect(b.events).toBe(countEvents(a.dataDir));
      expect(readFileSync(join(out.path, 'backup', 'dkim', 'example.test.pem'), 'utf8')).toBe('the published key');
      expect(existsSync(join(out.path, 'backup', 'tls', 'cert.pem'))).toBe(true);
      const r = await restoreInstance({ config: a.config, at: { position: await a.log.head() }, outDir: join(out.path, 'restored'), logger: silentLogger() });
      expect(readFileSync(join(r.outDir, 'dkim', 'example.test.pem'), 'utf8')).toBe('the published key');
      expect(existsSync(join(r.outDir, 'blobs', file.sha256.slice(0, 2), file.sha256.slice(2, 4), file.sha256))).toBe(true);
    } finally { await a.close(); out.remove(); }
  });
});
