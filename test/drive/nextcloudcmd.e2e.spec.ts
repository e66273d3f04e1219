// Nextcloud's own sync client (Debian's nextcloudcmd, the command-line build of the
// desktop client) against the drive, through the Nextcloud paths Cairn answers
// (/status.php, /ocs/…, /remote.php/dav/…): a folder with a large file goes up (the large
// file through chunking v2, /remote.php/dav/uploads/), changes made on the server come
// down, and a local deletion goes up to the drive's trash. A small proxy in front of the
// appliance records what the client asked, so the test can say which protocol it used.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, type TestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import type { DriveService } from '../../plugins/drive/service/drive-service.ts';

const NEXTCLOUDCMD = '/usr/bin/nextcloudcmd';
/** Above the client's first chunk size (10 MB), so it must upload in chunks. */
const BIG_BYTES = 24 * 1024 * 1024;
/** When hello.txt was "last edited" on the desktop: the drive should say so too (X-OC-Mtime). */
const EDITED_AT = Date.UTC(2024, 4, 17, 9, 30, 0);

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let user: TestUser;
let dir: string;
let proxy: http.Server;
let url: string;
const seen: string[] = [];
let big: Buffer;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One nextcloudcmd run (a full two-way sync); rejects with its log when it fails. */
function sync(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(NEXTCLOUDCMD, ['--non-interactive', '--max-sync-retries', '1', '-u', user.email, '-p', user.appPassword, dir, url], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, _out, log) => {
      if (err) reject(new Error(`nextcloudcmd failed (${err.code}):\n${log.split('\n').slice(-40).join('\n')}`));
      else resolve();
    });
  });
}

async function driveOf(): Promise<{ drive: DriveService; driveId: string }> {
  const drive = a.services.services.require<DriveService>('drive.service');
  const me = (await a.auth.userById(user.userId))!;
  const d = await drive.personalDrive(me, { actor: me.id, source: 'ui', time: new Date().toISOString() });
  return { drive, driveId: d.drive_id };
}

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  const base = new URL((await a.start()).find((l) => l.name === 'http')!.address);
  user = await addTestUser(a, 'desktop@example.test');
  // A pass-through proxy that notes "METHOD path" of every request.
  proxy = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const up = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  dir = mkdtempSync(join(tmpdir(), 'cairn-nextcloudcmd-'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'hello.txt'), 'hello from the desktop');
  utimesSync(join(dir, 'hello.txt'), EDITED_AT / 1000, EDITED_AT / 1000);
  writeFileSync(join(dir, 'docs', 'notes.md'), '# Notes\n');
  big = randomBytes(BIG_BYTES);
  writeFileSync(join(dir, 'big.bin'), big);
});
afterAll(async () => {
  proxy?.close();
  await a?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(NEXTCLOUDCMD))('nextcloudcmd against the drive', () => {
  it('uploads a folder, the large file in chunks, byte-exact', async () => {
    await sync();
    expect(seen).toContain('GET /status.php');
    expect(seen.some((s) => s.startsWith('PUT /remote.php/dav/uploads/'))).toBe(true);
    expect(seen.some((s) => s.startsWith('MOVE /remote.php/dav/uploads/') && s.endsWith('/.file'))).toBe(true);
    const { drive, driveId } = await driveOf();
    const root = await drive.queries.children(driveId, '');
    expect(root.map((n) => n.name).sort()).toEqual(['big.bin', 'docs', 'hello.txt']);
    const bigNode = root.find((n) => n.name === 'big.bin')!;
    expect(Number(bigNode.size)).toBe(BIG_BYTES);
    expect(bigNode.sha256).toBe(sha(big));
    const docs = root.find((n) => n.name === 'docs')!;
    expect((await drive.queries.children(driveId, docs.node_id)).map((n) => n.name)).toEqual(['notes.md']);
    expect(root.find((n) => n.name === 'hello.txt')!.modified).toBe(new Date(EDITED_AT).toISOString());
  });

  it('brings down what changed on the server, and sends a local deletion to the trash', async () => {
    const { drive, driveId } = await driveOf();
    const meta = { actor: user.userId, source: 'ui' as const, time: new Date().toISOString() };
    await drive.writeFile(driveId, '', 'from-the-web.txt', { source: Buffer.from('written in the browser') }, meta);
    await drive.writeFile(driveId, '', 'hello.txt', { source: Buffer.from('hello, edited on the server') }, meta);
    unlinkSync(join(dir, 'docs', 'notes.md'));
    await sync();
    expect(readFileSync(join(dir, 'from-the-web.txt'), 'utf8')).toBe('written in the browser');
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hello, edited on the server');
    const docs = (await drive.queries.children(driveId, '')).find((n) => n.name === 'docs')!;
    expect(await drive.queries.children(driveId, docs.node_id)).toEqual([]);
    expect((await drive.queries.trash(driveId)).map((n) => n.name)).toContain('notes.md');
    // A sync with nothing new changes nothing (the client found every ETag unchanged).
    const before = seen.length;
    await sync();
    expect(seen.slice(before).filter((s) => /^(PUT|MOVE|DELETE|MKCOL) /.test(s))).toEqual([]);
  });
});
