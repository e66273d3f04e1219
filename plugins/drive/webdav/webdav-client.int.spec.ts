// The drive through the `webdav` client library (what many apps embed) on a real port:
// a streamed 64 MB round trip checked by sha256, folders, COPY/MOVE with and without
// overwrite, a lock that keeps others out, dead properties, and paths that try to escape.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type FileStat, type WebDAVClient } from 'webdav';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let ann: TestUser;
let bob: TestUser;
let base: string;
let client: WebDAVClient;
const SIZE = 64 * 1024 * 1024;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  ann = await addTestUser(a, 'ann@example.test');
  bob = await addTestUser(a, 'bob@example.test');
  client = createClient(`${base}/dav/files/${ann.email}/`, { username: ann.email, password: ann.appPassword });
});
afterAll(async () => { await a?.close(); });

describe('drive over the webdav client', () => {
  it('streams a 64 MB file up and down intact', async () => {
    const chunk = randomBytes(1024 * 1024);
    const up = createHash('sha256');
    let sent = 0;
    const source = Readable.from((function* () {
      while (sent < SIZE) { sent += chunk.length; up.update(chunk); yield chunk; }
    })());
    await client.createDirectory('/big');
    expect(await client.putFileContents('/big/blob.bin', source, { contentLength: SIZE })).toBe(true);
    const down = createHash('sha256');
    let received = 0;
    for await (const part of client.createReadStream('/big/blob.bin') as unknown as AsyncIterable<Buffer>) { received += part.length; down.update(part); }
    expect(received).toBe(SIZE);
    expect(down.digest('hex')).toBe(up.digest('hex'));
    const stat = (await client.stat('/big/blob.bin')) as FileStat;
    expect(stat.size).toBe(SIZE);
    expect(stat.etag).toBeTruthy();
  });

  it('copies and moves with Overwrite semantics', async () => {
    await client.createDirectory('/docs');
    await client.putFileContents('/docs/a.txt', 'alpha');
    await client.putFileContents('/docs/b.txt', 'beta');
    await client.copyFile('/docs/a.txt', '/docs/a-copy.txt');
    expect(await client.getFileContents('/docs/a-copy.txt', { format: 'text' })).toBe('alpha');
    await expect(client.moveFile('/docs/a.txt', '/docs/b.txt', { overwrite: false })).rejects.toMatchObject({ status: 412 });
    await client.moveFile('/docs/a.txt', '/docs/b.txt', { overwrite: true });
    expect(await client.getFileContents('/docs/b.txt', { format: 'text' })).toBe('alpha');
    expect(await client.exists('/docs/a.txt')).toBe(false);
    await client.copyFile('/docs', '/docs-backup');
    const listed = (await client.getDirectoryContents('/docs-backup')) as FileStat[];
    expect(listed.map((f) => f.basename).sort()).toEqual(['a-copy.txt', 'b.txt']);
  });

  it('keeps others out of a locked file until it is unlocked', async () => {
    await client.putFileContents('/docs/locked.txt', 'v1');
    const lock = await client.lock('/docs/locked.txt');
    expect(lock.token).toMatch(/^(opaquelocktoken|urn:uuid):/);
    await expect(client.putFileContents('/docs/locked.txt', 'v2')).rejects.toMatchObject({ status: 423 });
    await client.putFileContents('/docs/locked.txt', 'v2', { headers: { If: `(<${lock.token}>)` } });
    await client.unlock('/docs/locked.txt', lock.token);
    await client.putFileContents('/docs/locked.txt', 'v3');
    expect(await client.getFileContents('/docs/locked.txt', { format: 'text' })).toBe('v3');
  });

  it('keeps dead properties', async () => {
    const patch = '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:tags"><d:set><d:prop><x:label>red</x:label></d:prop></d:set></d:propertyupdate>';
    const r = await client.customRequest('/docs/b.txt', { method: 'PROPPATCH', headers: { 'Content-Type': 'application/xml' }, data: patch });
    expect(r.status).toBe(207);
    const stat = (await client.stat('/docs/b.txt', { details: true, data: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x="urn:example:tags"><d:prop><x:label/></d:prop></d:propfind>' })) as { data: FileStat };
    expect(JSON.stringify(stat.data.props)).toContain('red');
  });

  it("refuses escapes and another user's drive", async () => {
    for (const path of ['/dav/files/ann@example.test/%2e%2e%2fbob@example.test/', '/dav/files/ann@example.test/a%2Fb', `/dav/files/${bob.email}/`]) {
      const res = await fetch(`${base}${path}`, { method: 'PROPFIND', headers: { Authorization: `Basic ${Buffer.from(`${ann.email}:${ann.appPassword}`).toString('base64')}`, Depth: '1' } });
      expect([400, 403, 404]).toContain(res.status);
    }
  });
});
