// Drive figure (issue 6): 10,000 small files (4 KB) uploaded by rclone with 8 transfers
// over WebDAV on loopback; files per second.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { addTestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { rclone } from '../../test/drive/rclone-sync.ts';

export async function benchRclone(files = 10_000): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['drive'] });
  const dir = mkdtempSync(join(tmpdir(), 'cairn-rclone-bench-'));
  try {
    const base = (await a.start()).find((l) => l.name === 'http')!.address;
    const u = await addTestUser(a, 'bench@example.test');
    for (let d = 0; d < 20; d++) mkdirSync(join(dir, `d${d}`));
    for (let i = 0; i < files; i++) writeFileSync(join(dir, `d${i % 20}`, `f${i}.bin`), randomBytes(4096));
    const t0 = performance.now();
    await rclone({ baseUrl: base, email: u.email, password: u.appPassword }, ['copy', dir, 'cairn:bench', '--transfers', '8', '--checkers', '8']);
    const seconds = (performance.now() - t0) / 1000;
    return { files, upload_seconds: seconds, files_per_s: files / seconds };
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
