// Drive figure beside rclone's (issue 6): 10,000 small files (4 KB) in 20 folders
// uploaded by Nextcloud's sync client (nextcloudcmd, Debian's build of the desktop
// client) through /remote.php/dav/ on loopback; files per second of a first sync.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';

export async function benchNextcloudcmd(files = 10_000): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['drive'] });
  const dir = mkdtempSync(join(tmpdir(), 'cairn-nextcloudcmd-bench-'));
  try {
    const base = (await a.start()).find((l) => l.name === 'http')!.address;
    const u = await addTestUser(a, 'bench@example.test');
    for (let d = 0; d < 20; d++) mkdirSync(join(dir, `d${d}`));
    for (let i = 0; i < files; i++) writeFileSync(join(dir, `d${i % 20}`, `f${i}.bin`), randomBytes(4096));
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => execFile('/usr/bin/nextcloudcmd', ['--non-interactive', '-s', '-u', u.email, '-p', u.appPassword, dir, base],
      { timeout: 30 * 60_000, maxBuffer: 256 * 1024 * 1024 }, (err) => (err ? reject(err) : resolve())));
    const seconds = (performance.now() - t0) / 1000;
    return { files, upload_seconds: seconds, files_per_s: files / seconds };
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
