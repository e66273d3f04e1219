// Nextcloud chunking v2 at /dav/uploads/ over a real socket with plain fetch: a 20 MB
// file in three chunks assembled byte-exact, resuming after listing the chunks, the
// announced length, quota (507, nothing written), locks and Overwrite on the
// destination, other users, abort, and chunk paths that try to escape.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../service/drive-service.ts';
import { UPLOAD_TTL_MS } from '../upload/upload-limits.ts';
import { createUploadStore } from '../upload/upload-store.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let ann: TestUser;
let bob: TestUser;
let drive: DriveService;
const MB = 1024 * 1024;
const auth = (u: TestUser) => `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
const dav = (u: TestUser, method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method, headers: { Authorization: auth(u), ...headers }, ...(body !== undefined ? { body } : {}) });
const up = (u: TestUser, p = '') => `/dav/uploads/${u.email}${p}`;
const files = (u: TestUser, p = '') => `/dav/files/${u.email}${p}`;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const uploadsDir = () => join(a.dataDir, 'uploads');
const system = () => ({ actor: 'system', source: 'system' as const, time: new Date().toISOString() });

/** Chunk numbers and sizes from a Depth 1 PROPFIND of an upload. */
async function listChunks(u: TestUser, id: string): Promise<Map<string, number>> {
  const r = await dav(u, 'PROPFIND', up(u, `/${id}/`), '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getcontentlength/></d:prop></d:propfind>', { Depth: '1' });
  expect(r.status).toBe(207);
  const out = new Map<string, number>();
  for (const m of (await r.text()).matchAll(/<d:href>[^<]*\/(\d+)<\/d:href>.*?<d:getcontentlength>(\d+)<\/d:getcontentlength>/g)) out.set(m[1]!, Number(m[2]));
  return out;
}

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  ann = await addTestUser(a, 'ann@example.test');
  bob = await addTestUser(a, 'bob@example.test');
  drive = a.services.services.require<DriveService>('drive.service');
});
afterAll(async () => { await a?.close(); });

describe('Nextcloud chunking v2 at /dav/uploads/', () => {
  it('assembles a 20 MB file from chunks sent out of order, byte-exact', async () => {
    const file = randomBytes(20 * MB);
    const dest = `${base}${files(ann, '/big.bin')}`;
    expect((await dav(ann, 'MKCOL', up(ann, '/web-file-upload-1'), undefined, { Destination: dest, 'OC-Total-Length': String(file.length) })).status).toBe(201);
    expect((await dav(ann, 'MKCOL', up(ann, '/web-file-upload-1'))).status).toBe(405);
    const parts = [file.subarray(0, 8 * MB), file.subarray(8 * MB, 16 * MB), file.subarray(16 * MB)];
    for (const i of [2, 0, 1]) {
      const r = await dav(ann, 'PUT', up(ann, `/web-file-upload-1/${i + 1}`), parts[i]!, { Destination: dest, 'OC-Total-Length': String(file.length) });
      expect(r.status).toBe(201);
    }
    expect(Object.fromEntries(await listChunks(ann, 'web-file-upload-1'))).toEqual({ 1: 8 * MB, 2: 8 * MB, 3: 4 * MB });
    const moved = await dav(ann, 'MOVE', up(ann, '/web-file-upload-1/.file'), undefined, { Destination: dest, 'OC-Total-Length': String(file.length) });
    expect(moved.status).toBe(201);
    expect(moved.headers.get('ETag')).toMatch(/^"\d+"$/);
    expect(moved.headers.get('OC-ETag')).toBe(moved.headers.get('ETag'));
    expect(moved.headers.get('OC-FileId')).toBeTruthy();
    const got = Buffer.from(await (await dav(ann, 'GET', files(ann, '/big.bin'))).arrayBuffer());
    expect(got.length).toBe(file.length);
    expect(sha(got)).toBe(sha(file));
    expect((await dav(ann, 'PROPFIND', up(ann, '/web-file-upload-1/'), undefined, { Depth: '1' })).status).toBe(404);
    expect(readdirSync(join(uploadsDir(), ann.userId))).toEqual([]);
  });

  it('resumes after listing the chunks received, and adds a version over an existing file', async () => {
    await dav(ann, 'PUT', files(ann, '/resume.bin'), 'old content');
    const file = randomBytes(3 * MB + 17);
    const part = (n: number) => file.subarray((n - 1) * MB, Math.min(n * MB, file.length));
    expect((await dav(ann, 'MKCOL', up(ann, '/resume-1'))).status).toBe(201);
    for (const n of [1, 2]) expect((await dav(ann, 'PUT', up(ann, `/resume-1/${n}`), part(n))).status).toBe(201);
    // The connection dropped here; the client asks what arrived and sends the rest.
    const have = await listChunks(ann, 'resume-1');
    expect(Object.fromEntries(have)).toEqual({ 1: MB, 2: MB });
    for (const n of [1, 2, 3, 4]) if (have.get(String(n)) !== part(n).length) expect((await dav(ann, 'PUT', up(ann, `/resume-1/${n}`), part(n))).status).toBe(201);
    // Sending a chunk again replaces it.
    expect((await dav(ann, 'PUT', up(ann, '/resume-1/4'), part(4))).status).toBe(204);
    const dest = `${base}${files(ann, '/resume.bin')}`;
    expect((await dav(ann, 'MOVE', up(ann, '/resume-1/.file'), undefined, { Destination: dest, Overwrite: 'F' })).status).toBe(412);
    const moved = await dav(ann, 'MOVE', up(ann, '/resume-1/.file'), undefined, { Destination: dest, 'OC-Total-Length': String(file.length) });
    expect(moved.status).toBe(204);
    expect(sha(Buffer.from(await (await dav(ann, 'GET', files(ann, '/resume.bin'))).arrayBuffer()))).toBe(sha(file));
    const node = (await drive.queries.resolve(ann.userId, ['resume.bin']))!;
    expect(await drive.queries.versions((node as { node_id: string }).node_id)).toHaveLength(2);
  });

  it('refuses a total length that the chunks do not add up to (400), and keeps the upload', async () => {
    expect((await dav(ann, 'MKCOL', up(ann, '/short'), undefined, { 'OC-Total-Length': '10' })).status).toBe(201);
    expect((await dav(ann, 'PUT', up(ann, '/short/1'), '12345')).status).toBe(201);
    const dest = `${base}${files(ann, '/short.txt')}`;
    expect((await dav(ann, 'MOVE', up(ann, '/short/.file'), undefined, { Destination: dest })).status).toBe(400);
    expect((await dav(ann, 'MOVE', up(ann, '/short/.file'), undefined, { Destination: dest, 'OC-Total-Length': '6' })).status).toBe(400);
    expect((await dav(ann, 'GET', files(ann, '/short.txt'))).status).toBe(404);
    expect((await dav(ann, 'PUT', up(ann, '/short/2'), '67890')).status).toBe(201);
    expect((await dav(ann, 'MOVE', up(ann, '/short/.file'), undefined, { Destination: dest })).status).toBe(201);
    expect(await (await dav(ann, 'GET', files(ann, '/short.txt'))).text()).toBe('1234567890');
  });

  it('answers 507 past the quota, before assembling, and writes nothing', async () => {
    const carol = await addTestUser(a, 'carol@example.test');
    await dav(carol, 'PROPFIND', files(carol, '/'), undefined, { Depth: '0' }); // creates the drive
    await drive.setQuota(carol.userId, 1000, system());
    expect((await dav(carol, 'PUT', files(carol, '/kept.txt'), 'x'.repeat(600))).status).toBe(201);
    // Announced too large: refused before a byte is sent.
    expect((await dav(carol, 'MKCOL', up(carol, '/u1'), undefined, { 'OC-Total-Length': '2000' })).status).toBe(507);
    // Chunks never hold more than the quota.
    expect((await dav(carol, 'MKCOL', up(carol, '/u2'))).status).toBe(201);
    expect((await dav(carol, 'PUT', up(carol, '/u2/1'), 'a'.repeat(600))).status).toBe(201);
    expect((await dav(carol, 'PUT', up(carol, '/u2/2'), 'b'.repeat(600))).status).toBe(507);
    // Within the quota as chunks, but more than the space left: 507 at MOVE.
    expect((await dav(carol, 'PUT', up(carol, '/u2/2'), 'b'.repeat(100))).status).toBe(201);
    const moved = await dav(carol, 'MOVE', up(carol, '/u2/.file'), undefined, { Destination: `${base}${files(carol, '/big.txt')}` });
    expect(moved.status).toBe(507);
    expect((await dav(carol, 'GET', files(carol, '/big.txt'))).status).toBe(404);
    expect(await drive.usage(carol.userId)).toMatchObject({ used: 600 });
    expect(Object.fromEntries(await listChunks(carol, 'u2'))).toEqual({ 1: 600, 2: 100 });
  });

  it('honours locks on the destination as PUT does', async () => {
    await dav(ann, 'PUT', files(ann, '/locked.txt'), 'v1');
    const lock = await dav(ann, 'LOCK', files(ann, '/locked.txt'), '<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>');
    const token = lock.headers.get('Lock-Token')!.replace(/[<>]/g, '');
    await dav(ann, 'MKCOL', up(ann, '/to-locked'));
    await dav(ann, 'PUT', up(ann, '/to-locked/1'), 'v2');
    const dest = `${base}${files(ann, '/locked.txt')}`;
    expect((await dav(ann, 'MOVE', up(ann, '/to-locked/.file'), undefined, { Destination: dest })).status).toBe(423);
    expect((await dav(ann, 'MOVE', up(ann, '/to-locked/.file'), undefined, { Destination: dest, 'If-Match': '"1"' })).status).toBe(412);
    expect((await dav(ann, 'MOVE', up(ann, '/to-locked/.file'), undefined, { Destination: dest, If: `(<${token}>)` })).status).toBe(204);
    expect(await (await dav(ann, 'GET', files(ann, '/locked.txt'))).text()).toBe('v2');
  });

  it("keeps other users out of someone's uploads, and uploads out of someone's files", async () => {
    await dav(ann, 'MKCOL', up(ann, '/private'));
    await dav(ann, 'PUT', up(ann, '/private/1'), 'secret');
    for (const [method, path] of [['PROPFIND', up(ann, '/private/')], ['PUT', up(ann, '/private/2')], ['MKCOL', up(ann, '/mine')], ['DELETE', up(ann, '/private/')], ['MOVE', up(ann, '/private/.file')], ['PROPFIND', up(ann)]] as const) {
      const r = await dav(bob, method, path, method === 'PUT' ? 'x' : undefined, { Depth: '1', Destination: `${base}${files(bob, '/stolen.txt')}` });
      expect([403, 404]).toContain(r.status);
    }
    expect((await dav(bob, 'GET', files(bob, '/stolen.txt'))).status).toBe(404);
    // Bob's own upload cannot land in Ann's drive.
    await dav(bob, 'MKCOL', up(bob, '/b1'));
    await dav(bob, 'PUT', up(bob, '/b1/1'), 'from bob');
    for (const dest of [files(ann, '/from-bob.txt'), `/dav/files/${bob.email}/../${ann.email}/from-bob.txt`, up(bob, '/b2/x'), 'http://elsewhere.test/dav/files/x']) {
      const r = await dav(bob, 'MOVE', up(bob, '/b1/.file'), undefined, { Destination: dest.startsWith('http') ? dest : `${base}${dest}` });
      expect([400, 403]).toContain(r.status);
    }
    expect((await dav(ann, 'GET', files(ann, '/from-bob.txt'))).status).toBe(404);
    expect(Object.fromEntries(await listChunks(ann, 'private'))).toEqual({ 1: 6 });
    expect((await fetch(`${base}${up(ann, '/private/')}`, { method: 'PROPFIND' })).status).toBe(401);
  });

  it('aborts with DELETE', async () => {
    await dav(ann, 'MKCOL', up(ann, '/aborted'));
    await dav(ann, 'PUT', up(ann, '/aborted/1'), 'partial');
    expect((await dav(ann, 'DELETE', up(ann, '/aborted/'))).status).toBe(204);
    expect((await dav(ann, 'PROPFIND', up(ann, '/aborted/'), undefined, { Depth: '1' })).status).toBe(404);
    expect((await dav(ann, 'PUT', up(ann, '/aborted/2'), 'more')).status).toBe(404);
    expect((await dav(ann, 'DELETE', up(ann, '/aborted/'))).status).toBe(404);
    expect(existsSync(join(uploadsDir(), ann.userId, 'aborted'))).toBe(false);
  });

  it('refuses chunk and upload names that try to escape', async () => {
    await dav(ann, 'MKCOL', up(ann, '/safe'));
    const bad = ['/safe/12345678901234567', '/safe/-1', '/safe/abc', '/safe/1.part', '/safe/manifest.json', '/safe/..%2F..%2Fescape', '/safe/%2e%2e', '/safe/..', '/safe/1/2',
      '/..%2Fsafe/1', '/.hidden', '/%2e%2e%2f%2e%2e%2fetc/1', '/safe%00/1', '/-/../../x'];
    for (const p of bad) {
      const r = await dav(ann, 'PUT', `${up(ann)}${p}`, 'x');
      expect([400, 403, 404, 405]).toContain(r.status);
    }
    expect(await listChunks(ann, 'safe')).toEqual(new Map());
    for (const name of readdirSync(uploadsDir())) expect(name).toMatch(/^[0-9A-Z]{26}$/); // user ids, nothing else
    expect(readdirSync(join(uploadsDir(), ann.userId)).sort()).toEqual(['private', 'safe']);
  });

  it('purges uploads untouched for a day', async () => {
    await dav(ann, 'MKCOL', up(ann, '/stale'));
    const store = createUploadStore(uploadsDir());
    expect(await store.purgeStale(Date.now() + 60_000)).toBe(0);
    expect(await store.purgeStale(Date.now() + UPLOAD_TTL_MS + 60_000)).toBeGreaterThanOrEqual(1);
    expect((await dav(ann, 'PROPFIND', up(ann, '/stale/'), undefined, { Depth: '1' })).status).toBe(404);
  });
});
