// The browser's resumable uploads (/drive/uploads) in process: start, chunks, resume
// listing, completion through the drive's write path, CSRF, another user's upload,
// quota, folder reuse for folder uploads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../service/drive-service.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let aliceUser: TestUser;
let bobUser: TestUser;
let alice: TestClient;
let bob: TestClient;
let drive: DriveService;
const ORIGIN = 'http://example.test';

/** A request as drive.js sends it: the CSRF token in the header, JSON answers. */
function call(client: TestClient, method: string, path: string, body?: unknown, opts: { csrf?: string; raw?: boolean } = {}) {
  const headers: Record<string, string> = { ...client.headers({}), 'X-CSRF-Token': opts.csrf ?? client.csrfToken, Accept: 'application/json' };
  if (body !== undefined && !opts.raw) headers['Content-Type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = opts.raw ? (body as string) : JSON.stringify(body);
  return client.app.request(new URL(path, ORIGIN).href, init);
}

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  aliceUser = await addTestUser(a, 'alice@example.test');
  bobUser = await addTestUser(a, 'bob@example.test');
  alice = new TestClient(a.app, ORIGIN);
  bob = new TestClient(a.app, ORIGIN);
  expect((await alice.login(aliceUser.email, aliceUser.password)).status).toBe(303);
  expect((await bob.login(bobUser.email, bobUser.password)).status).toBe(303);
  drive = a.services.services.require<DriveService>('drive.service');
  await alice.page('/drive'); // the pages carry the CSRF token drive.js sends
  await bob.page('/drive');
});
afterAll(() => a.close());

describe('browser uploads in chunks', () => {
  it('starts, resumes from the chunk list, and completes into the folder', async () => {
    const folder = await call(alice, 'POST', '/drive/uploads/folders', { drive: '', parent: '', name: 'Videos' });
    expect(folder.status).toBe(201);
    const folderId = ((await folder.json()) as { id: string }).id;
    const again = await call(alice, 'POST', '/drive/uploads/folders', { drive: '', parent: '', name: 'Videos' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(folderId);

    expect((await call(alice, 'POST', '/drive/uploads', { drive: '', parent: folderId, name: 'clip.txt', size: 11 }, { csrf: 'forged' })).status).toBe(403);
    const lastModified = Date.UTC(2025, 0, 2, 3, 4, 5);
    const start = await call(alice, 'POST', '/drive/uploads', { drive: '', parent: folderId, name: 'clip.txt', size: 11, type: 'text/plain', mtime: lastModified });
    expect(start.status).toBe(201);
    const { id } = (await start.json()) as { id: string };
    expect((await call(alice, 'PUT', `/drive/uploads/${id}/1`, 'hello ', { raw: true })).status).toBe(201);
    expect((await call(alice, 'PUT', `/drive/uploads/${id}/2`, 'x', { raw: true, csrf: 'forged' })).status).toBe(403);
    expect((await (await call(alice, 'GET', `/drive/uploads/${id}`)).json())).toEqual({ id, totalLength: 11, chunks: [{ n: 1, size: 6 }] });
    // Incomplete: the announced size is not reached yet.
    expect((await call(alice, 'POST', `/drive/uploads/${id}/complete`)).status).toBe(400);
    expect((await call(alice, 'PUT', `/drive/uploads/${id}/2`, 'world', { raw: true })).status).toBe(201);
    const done = await call(alice, 'POST', `/drive/uploads/${id}/complete`);
    expect(done.status).toBe(201);
    expect(await done.json()).toMatchObject({ name: 'clip.txt', size: 11, created: true });
    const file = await drive.queries.child(aliceUser.userId, folderId, 'clip.txt');
    // The file keeps the "last modified" the browser reported for it.
    expect(file).toMatchObject({ size: 11, content_type: 'text/plain', modified: new Date(lastModified).toISOString() });
    expect((await call(alice, 'GET', `/drive/uploads/${id}`)).status).toBe(404);
  });

  it("keeps another user's upload to its owner", async () => {
    const { id } = (await (await call(alice, 'POST', '/drive/uploads', { drive: '', parent: '', name: 'mine.bin', size: 3 })).json()) as { id: string };
    expect((await call(bob, 'GET', `/drive/uploads/${id}`)).status).toBe(404);
    expect((await call(bob, 'PUT', `/drive/uploads/${id}/1`, 'abc', { raw: true })).status).toBe(404);
    expect((await call(bob, 'POST', `/drive/uploads/${id}/complete`)).status).toBe(404);
    expect((await call(bob, 'DELETE', `/drive/uploads/${id}`)).status).toBe(404);
    // Nor may Bob aim an upload at Alice's drive.
    expect((await call(bob, 'POST', '/drive/uploads', { drive: aliceUser.userId, parent: '', name: 'x', size: 1 })).status).toBe(404);
    expect((await call(alice, 'DELETE', `/drive/uploads/${id}`)).status).toBe(204);
    expect((await call(alice, 'GET', `/drive/uploads/${id}`)).status).toBe(404);
  });

  it('refuses what does not fit (507) and bad chunk numbers (400)', async () => {
    await drive.setQuota(bobUser.userId, 100, { actor: 'system', source: 'system', time: new Date().toISOString() });
    const tooBig = await call(bob, 'POST', '/drive/uploads', { drive: '', parent: '', name: 'big.bin', size: 101 });
    expect(tooBig.status).toBe(507);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe('quota_exceeded');
    const { id } = (await (await call(bob, 'POST', '/drive/uploads', { drive: '', parent: '', name: 'ok.bin', size: 50 })).json()) as { id: string };
    expect((await call(bob, 'PUT', `/drive/uploads/${id}/1`, 'x'.repeat(101), { raw: true })).status).toBe(507);
    for (const n of ['12345678901234567', '1e3', '..', '-1', '0x10']) expect([400, 404]).toContain((await call(bob, 'PUT', `/drive/uploads/${id}/${n}`, 'x', { raw: true })).status);
    expect((await call(bob, 'GET', '/drive/uploads/..%2F..%2Fetc')).status).toBeGreaterThanOrEqual(400);
  });
});
