// What the rclone and nextcloudcmd figures share: a drive appliance with one user and a
// local tree of small random files (4 KB in 20 folders), and the timing of one client run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTestUser, type TestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';

/** Folders the files are spread over, as a real tree would be. */
const FOLDERS = 20;
const FILE_BYTES = 4096;

export async function benchSmallFiles(
  name: string, files: number, upload: (target: { baseUrl: string; user: TestUser; dir: string }) => Promise<void>,
): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['drive'] });
  const dir = mkdtempSync(join(tmpdir(), `cairn-${name}-bench-`));
  try {
    const baseUrl = (await a.start()).find((l) => l.name === 'http')!.address;
    const user = await addTestUser(a, 'bench@example.test');
    for (let d = 0; d < FOLDERS; d++) mkdirSync(join(dir, `d${d}`));
    for (let i = 0; i < files; i++) writeFileSync(join(dir, `d${i % FOLDERS}`, `f${i}.bin`), randomBytes(FILE_BYTES));
    const t0 = performance.now();
    await upload({ baseUrl, user, dir });
    const seconds = (performance.now() - t0) / 1000;
    return { files, upload_seconds: seconds, files_per_s: files / seconds };
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
