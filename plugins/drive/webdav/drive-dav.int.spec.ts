// The drive's WebDAV over real sockets with raw fetch requests (the `webdav` client
// library is not installed yet): semantics of each method, locks, quota, path safety,
// and a large streamed upload and download checked by sha256.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../service/drive-service.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let alice: TestUser;
let bob: TestUser;
let drive: DriveService;
const auth = (u: TestUser) => `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
const home = (u: TestUser) => `/dav/files/${u.email}`;
const dav = (u: TestUser, method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method, headers: { Authorization: auth(u), ...headers }, ...(body !== undefined ? { body } : {}) });
const A = (path: string) => `${home(alice)}${path}`;
const propfindBody = (props: string) => `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>${props}</d:prop></d:propfind>`;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  alice = await addTestUser(a, 'alice@example.test');
  bob = await addTestUser(a, 'bob@example.test');
  drive = a.services.services.require<DriveService>('drive.service');
});
afterAll(async () => { await a?.close(); });

describe('WebDAV files: basics', () => {
  it('creates folders, writes and reads files, and answers 409/405 where RFC 4918 says', async () => {
    expect((await dav(alice, 'MKCOL', A('/docs/'))).status).toBe(201);
    expect((await dav(alice, 'MKCOL', A('/docs/'))).status).toBe(405);
    expect((await dav(alice, 'MKCOL', A('/missing/child/'))).status).toBe(409);
    expect((await dav(alice, 'PUT', A('/missing/file.txt'), 'x')).status).toBe(409);
    const put = await dav(alice, 'PUT', A('/docs/hello.txt'), 'hello world', { 'Content-Type': 'text/plain' });
    expect(put.status).toBe(201);
    const etag = put.headers.get('ETag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const get = await dav(alice, 'GET', A('/docs/hello.txt'));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('hello world');
    expect(get.headers.get('ETag')).toBe(etag);
    expect(get.headers.get('Content-Type')).toBe('text/plain');
    expect(get.headers.get('Last-Modified')).toBeTruthy();
    const again = await dav(alice, 'PUT', A('/docs/hello.txt'), 'hello again');
    expect(again.status).toBe(204);
    expect(again.headers.get('ETag')).not.toBe(etag);
    const head = await dav(alice, 'HEAD', A('/docs/hello.txt'));
    expect(head.headers.get('Content-Length')).toBe('11');
    expect((await dav(alice, 'GET', A('/docs/nope.txt'))).status).toBe(404);
    expect((await dav(alice, 'PUT', A('/docs/'), 'x')).status).toBe(405);
  });

  it('serves byte ranges and conditional requests', async () => {
    await dav(alice, 'PUT', A('/range.bin'), '0123456789');
    const r = await dav(alice, 'GET', A('/range.bin'), undefined, { Range: 'bytes=2-5' });
    expect(r.status).toBe(206);
    expect(r.headers.get('Content-Range')).toBe('bytes 2-5/10');
    expect(await r.text()).toBe('2345');
    expect(await (await dav(alice, 'GET', A('/range.bin'), undefined, { Range: 'bytes=-3' })).text()).toBe('789');
    expect(await (await dav(alice, 'GET', A('/range.bin'), undefined, { Range: 'bytes=7-' })).text()).toBe('789');
    const bad = await dav(alice, 'GET', A('/range.bin'), undefined, { Range: 'bytes=50-60' });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('Content-Range')).toBe('bytes */10');
    const full = await dav(alice, 'GET', A('/range.bin'));
    const etag = full.headers.get('ETag')!;
    expect((await dav(alice, 'GET', A('/range.bin'), undefined, { 'If-None-Match': etag })).status).toBe(304);
    expect((await dav(alice, 'GET', A('/range.bin'), undefined, { 'If-Match': '"1"' })).status).toBe(412);
    expect((await dav(alice, 'GET', A('/range.bin'), undefined, { 'If-Modified-Since': full.headers.get('Last-Modified')! })).status).toBe(304);
    expect((await dav(alice, 'GET', A('/range.bin'), undefined, { Range: 'bytes=0-1', 'If-Range': '"1"' })).status).toBe(200);
    expect((await dav(alice, 'PUT', A('/range.bin'), 'x', { 'If-Match': '"1"' })).status).toBe(412);
    expect((await dav(alice, 'PUT', A('/range.bin'), 'x', { 'If-None-Match': '*' })).status).toBe(412);
    expect((await dav(alice, 'PUT', A('/range.bin'), 'abc', { 'If-Match': etag })).status).toBe(204);
  });

  it('lists with PROPFIND depth 0 and 1, reports quota, refuses depth infinity', async () => {
    await dav(alice, 'MKCOL', A('/list/'));
    await dav(alice, 'PUT', A('/list/b.txt'), 'bb');
    await dav(alice, 'PUT', A('/list/a.txt'), 'a');
    await dav(alice, 'MKCOL', A('/list/sub/'));
    const r = await dav(alice, 'PROPFIND', A('/list/'), propfindBody('<d:getcontentlength/><d:resourcetype/><d:quota-used-bytes/><d:quota-available-bytes/><d:getetag/>'), { Depth: '1' });
    expect(r.status).toBe(207);
    const xml = await r.text();
    const hrefs = [...xml.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]);
    expect(hrefs[0]).toBe(A('/list/'));
    expect(hrefs.slice(1).sort()).toEqual([A('/list/a.txt'), A('/list/b.txt'), A('/list/sub/')]);
    expect(xml).toMatch(/<d:quota-available-bytes>\d+<\/d:quota-available-bytes>/);
    expect(xml).toContain('<d:getcontentlength>2</d:getcontentlength>');
    const zero = await (await dav(alice, 'PROPFIND', A('/list/'), propfindBody('<d:displayname/>'), { Depth: '0' })).text();
    expect([...zero.matchAll(/<d:href>/g)]).toHaveLength(1);
    const inf = await dav(alice, 'PROPFIND', A('/list/'), propfindBody('<d:displayname/>'), { Depth: 'infinity' });
    expect(inf.status).toBe(403);
    expect(await inf.text()).toContain('propfind-finite-depth');
    const allprop = await (await dav(alice, 'PROPFIND', A('/list/a.txt'), undefined, { Depth: '0' })).text();
    expect(allprop).toContain('<d:supportedlock>');
    expect((await dav(alice, 'PROPFIND', A('/list/none/'), undefined, { Depth: '0' })).status).toBe(404);
  });

  it('keeps dead properties with PROPPATCH and protects live ones', async () => {
    await dav(alice, 'PUT', A('/props.txt'), 'p');
    const set = '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:example:z"><d:set><d:prop><z:color>blue &amp; green</z:color><z:tags><z:tag>a</z:tag></z:tags></d:prop></d:set></d:propertyupdate>';
    const r = await dav(alice, 'PROPPATCH', A('/props.txt'), set);
    expect(r.status).toBe(207);
    expect(await r.text()).toContain('200 OK');
    const got = await (await dav(alice, 'PROPFIND', A('/props.txt'), '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:z="urn:example:z"><d:prop><z:color/><z:tags/></d:prop></d:propfind>', { Depth: '0' })).text();
    expect(got).toContain('<color xmlns="urn:example:z">blue &amp; green</color>');
    expect(got).toMatch(/<tags xmlns="urn:example:z"><tag xmlns="urn:example:z">a<\/tag><\/tags>/);
    // The same through a depth-1 listing of the parent (the listing renders its items another way).
    const listed = await (await dav(alice, 'PROPFIND', A('/'), '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:z="urn:example:z"><d:prop><z:color/><d:getcontentlength/><z:none/></d:prop></d:propfind>', { Depth: '1' })).text();
    expect(listed).toContain(`<d:response><d:href>${A('/props.txt')}</d:href><d:propstat><d:prop><color xmlns="urn:example:z">blue &amp; green</color><d:getcontentlength>1</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop><none xmlns="urn:example:z"/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>`);
    const all = await (await dav(alice, 'PROPFIND', A('/'), undefined, { Depth: '1' })).text();
    expect(all).toMatch(new RegExp(`<d:href>${A('/props.txt')}</d:href><d:propstat><d:prop><d:resourcetype/><d:displayname>props.txt</d:displayname>.*<tags xmlns="urn:example:z">`));
    const mixed = '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:example:z"><d:set><d:prop><d:getetag>"x"</d:getetag><z:other>1</z:other></d:prop></d:set></d:propertyupdate>';
    const m = await (await dav(alice, 'PROPPATCH', A('/props.txt'), mixed)).text();
    expect(m).toMatch(/getetag\/><\/d:prop><d:status>HTTP\/1.1 403/);
    expect(m).toMatch(/other xmlns="urn:example:z"\/><\/d:prop><d:status>HTTP\/1.1 424/);
    const remove = '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:example:z"><d:remove><d:prop><z:color/></d:prop></d:remove></d:propertyupdate>';
    expect((await dav(alice, 'PROPPATCH', A('/props.txt'), remove)).status).toBe(207);
    const after = await (await dav(alice, 'PROPFIND', A('/props.txt'), '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:z="urn:example:z"><d:prop><z:color/><z:other/></d:prop></d:propfind>', { Depth: '0' })).text();
    expect(after).toMatch(/<color xmlns="urn:example:z"\/><other xmlns="urn:example:z"\/><\/d:prop><d:status>HTTP\/1.1 404/);
  });

  it('copies and moves files and folders with Destination, Overwrite and Depth', async () => {
    await dav(alice, 'MKCOL', A('/src/'));
    await dav(alice, 'MKCOL', A('/src/inner/'));
    await dav(alice, 'PUT', A('/src/inner/f.txt'), 'deep');
    const dest = (p: string) => ({ Destination: `${base}${A(p)}` });
    expect((await dav(alice, 'COPY', A('/src/'), undefined, dest('/copy/'))).status).toBe(201);
    expect(await (await dav(alice, 'GET', A('/copy/inner/f.txt'))).text()).toBe('deep');
    expect((await dav(alice, 'COPY', A('/src/'), undefined, { ...dest('/copy/'), Overwrite: 'F' })).status).toBe(412);
    expect((await dav(alice, 'COPY', A('/src/'), undefined, { ...dest('/shallow/'), Depth: '0' })).status).toBe(201);
    expect((await dav(alice, 'GET', A('/shallow/inner/f.txt'))).status).toBe(404);
    expect((await dav(alice, 'COPY', A('/src/'), undefined, dest('/nowhere/x/'))).status).toBe(409);
    expect((await dav(alice, 'COPY', A('/src/'), undefined, dest('/src/inner/loop/'))).status).toBe(409);
    // Rename, then move over an existing file (Overwrite T → 204, the old one goes to the trash).
    await dav(alice, 'PUT', A('/m1.txt'), 'one');
    await dav(alice, 'PUT', A('/m2.txt'), 'two');
    expect((await dav(alice, 'MOVE', A('/m1.txt'), undefined, { ...dest('/m2.txt'), Overwrite: 'F' })).status).toBe(412);
    expect((await dav(alice, 'MOVE', A('/m1.txt'), undefined, dest('/m2.txt'))).status).toBe(204);
    expect((await dav(alice, 'GET', A('/m1.txt'))).status).toBe(404);
    expect(await (await dav(alice, 'GET', A('/m2.txt'))).text()).toBe('one');
    expect((await dav(alice, 'MOVE', A('/copy/'), undefined, dest('/src/moved/'))).status).toBe(201);
    expect(await (await dav(alice, 'GET', A('/src/moved/inner/f.txt'))).text()).toBe('deep');
    expect((await dav(alice, 'MOVE', A('/src/'), undefined, dest('/src/moved/again/'))).status).toBe(409);
    expect((await dav(alice, 'MOVE', A('/src/moved/'), undefined, { Destination: `${base}${home(bob)}/stolen/` })).status).toBe(403);
  });

  it('deletes to the trash, from where the item can be restored', async () => {
    await dav(alice, 'MKCOL', A('/bin/'));
    await dav(alice, 'PUT', A('/bin/keep.txt'), 'keep me');
    expect((await dav(alice, 'DELETE', A('/bin/'))).status).toBe(204);
    expect((await dav(alice, 'GET', A('/bin/keep.txt'))).status).toBe(404);
    expect((await dav(alice, 'DELETE', A('/bin/'))).status).toBe(404);
    const trashed = await drive.queries.trash(alice.userId);
    const folder = trashed.find((n) => n.name === 'bin')!;
    expect(folder).toBeDefined();
    await drive.untrash(alice.userId, folder.node_id, { actor: alice.userId, source: 'ui', time: new Date().toISOString() });
    expect(await (await dav(alice, 'GET', A('/bin/keep.txt'))).text()).toBe('keep me');
  });

  it('normalizes names to NFC', async () => {
    const nfd = 'Cafe\u0301.txt';
    expect((await dav(alice, 'PUT', A(`/${encodeURIComponent(nfd)}`), 'crème')).status).toBe(201);
    const r = await dav(alice, 'GET', A(`/${encodeURIComponent(nfd.normalize('NFC'))}`));
    expect(r.status).toBe(200);
    expect((await dav(alice, 'PUT', A(`/${encodeURIComponent(nfd.normalize('NFC'))}`), 'x')).status).toBe(204);
  });
});

describe('WebDAV files: folders shared with the user', () => {
  it('lists them under Shared/ and honours the right each grant gives', async () => {
    const sys = { actor: 'system', source: 'system' } as const;
    const B = (p: string) => `${home(bob)}${p}`;
    await dav(alice, 'MKCOL', A('/Team/'));
    await dav(alice, 'PUT', A('/Team/plan.txt'), 'team plan');
    await dav(alice, 'MKCOL', A('/Docs/'));
    await dav(alice, 'PUT', A('/Docs/read-me.txt'), 'read only');
    const team = (await drive.queries.resolve(alice.userId, ['Team'])) as { node_id: string };
    const docs = (await drive.queries.resolve(alice.userId, ['Docs'])) as { node_id: string };
    const listBefore = await (await dav(bob, 'PROPFIND', B('/'), undefined, { Depth: '1' })).text();
    expect(listBefore).not.toContain('/Shared/');
    await a.identity.grant(`drive-folder:${team.node_id}`, { kind: 'user', id: bob.userId }, 'write', sys);
    await a.identity.grant(`drive-folder:${docs.node_id}`, { kind: 'user', id: bob.userId }, 'read', sys);
    expect(await (await dav(bob, 'PROPFIND', B('/'), undefined, { Depth: '1' })).text()).toContain(`<d:href>${B('/Shared/')}</d:href>`);
    const shared = await (await dav(bob, 'PROPFIND', B('/Shared/'), undefined, { Depth: '1' })).text();
    expect([...shared.matchAll(/<d:href>([^<]+)<\/d:href>/g)].map((m) => m[1]).sort()).toEqual([B('/Shared/'), B('/Shared/Docs/'), B('/Shared/Team/')]);
    expect(await (await dav(bob, 'GET', B('/Shared/Team/plan.txt'))).text()).toBe('team plan');
    const inner = await (await dav(bob, 'PROPFIND', B('/Shared/Team/'), undefined, { Depth: '1' })).text();
    expect(inner).toContain(`<d:href>${B('/Shared/Team/plan.txt')}</d:href>`);
    expect((await dav(bob, 'PUT', B('/Shared/Team/from-bob.txt'), 'hi alice')).status).toBe(201);
    expect(await (await dav(alice, 'GET', A('/Team/from-bob.txt'))).text()).toBe('hi alice');
    expect((await dav(bob, 'MOVE', B('/Shared/Team/from-bob.txt'), undefined, { Destination: `${base}${B('/Shared/Team/renamed.txt')}` })).status).toBe(201);
    expect((await dav(bob, 'MOVE', B('/Shared/Team/renamed.txt'), undefined, { Destination: `${base}${B('/mine.txt')}` })).status).toBe(403);
    expect((await dav(bob, 'DELETE', B('/Shared/Team/'))).status).toBe(403);
    expect((await dav(bob, 'MKCOL', B('/Shared/New/'))).status).toBe(403);
    expect((await dav(bob, 'PUT', B('/Shared/Docs/x.txt'), 'x')).status).toBe(403);
    expect((await dav(bob, 'DELETE', B('/Shared/Docs/read-me.txt'))).status).toBe(403);
    expect(await (await dav(bob, 'GET', B('/Shared/Docs/read-me.txt'))).text()).toBe('read only');
    expect((await dav(bob, 'GET', B('/Shared/Nope/x.txt'))).status).toBe(404);
    await a.identity.revokeGrant(`drive-folder:${team.node_id}`, { kind: 'user', id: bob.userId }, sys);
    expect((await dav(bob, 'GET', B('/Shared/Team/plan.txt'))).status).toBe(404);
  });
});

describe('WebDAV files: locks', () => {
  const lockBody = '<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner><d:href>alice</d:href></d:owner></d:lockinfo>';

  it('refuses writes without the lock token (423) and accepts them with it', async () => {
    await dav(alice, 'PUT', A('/locked.txt'), 'v1');
    const l = await dav(alice, 'LOCK', A('/locked.txt'), lockBody, { Timeout: 'Second-600', Depth: '0' });
    expect(l.status).toBe(200);
    const token = l.headers.get('Lock-Token')!.replace(/[<>]/g, '');
    expect(token).toMatch(/^urn:uuid:/);
    const xml = await l.text();
    expect(xml).toContain('<d:exclusive/>');
    expect(xml).toMatch(/<d:timeout>Second-(600|599)<\/d:timeout>/);
    const refused = await dav(alice, 'PUT', A('/locked.txt'), 'v2');
    expect(refused.status).toBe(423);
    expect(await refused.text()).toContain('lock-token-submitted');
    expect((await dav(alice, 'DELETE', A('/locked.txt'))).status).toBe(423);
    expect((await dav(alice, 'MOVE', A('/locked.txt'), undefined, { Destination: `${base}${A('/elsewhere.txt')}` })).status).toBe(423);
    expect((await dav(alice, 'PROPPATCH', A('/locked.txt'), '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:a>1</z:a></d:prop></d:set></d:propertyupdate>')).status).toBe(423);
    expect((await dav(alice, 'LOCK', A('/locked.txt'), lockBody)).status).toBe(423);
    expect((await dav(alice, 'PUT', A('/locked.txt'), 'v2', { If: `(<${token}>)` })).status).toBe(204);
    expect((await dav(alice, 'PUT', A('/locked.txt'), 'v3', { If: '(<urn:uuid:00000000-0000-0000-0000-000000000000>)' })).status).toBe(412);
    const discovery = await (await dav(alice, 'PROPFIND', A('/locked.txt'), propfindBody('<d:lockdiscovery/>'), { Depth: '0' })).text();
    expect(discovery).toContain(token);
    const refresh = await dav(alice, 'LOCK', A('/locked.txt'), undefined, { If: `(<${token}>)`, Timeout: 'Second-100' });
    expect(refresh.status).toBe(200);
    expect((await dav(alice, 'UNLOCK', A('/locked.txt'), undefined, { 'Lock-Token': '<urn:uuid:nope>' })).status).toBe(409);
    expect((await dav(alice, 'UNLOCK', A('/locked.txt'), undefined, { 'Lock-Token': `<${token}>` })).status).toBe(204);
    expect((await dav(alice, 'PUT', A('/locked.txt'), 'v4')).status).toBe(204);
  });

  it('locks a folder in depth and an unmapped URL as an empty file', async () => {
    await dav(alice, 'MKCOL', A('/lockdir/'));
    const l = await dav(alice, 'LOCK', A('/lockdir/'), lockBody);
    expect(l.status).toBe(200);
    const token = l.headers.get('Lock-Token')!.replace(/[<>]/g, '');
    expect((await dav(alice, 'PUT', A('/lockdir/new.txt'), 'x')).status).toBe(423);
    expect((await dav(alice, 'MKCOL', A('/lockdir/sub/'))).status).toBe(423);
    expect((await dav(alice, 'PUT', A('/lockdir/new.txt'), 'x', { If: `<${base}${A('/lockdir/')}> (<${token}>)` })).status).toBe(201);
    expect((await dav(alice, 'UNLOCK', A('/lockdir/new.txt'), undefined, { 'Lock-Token': `<${token}>` })).status).toBe(204);
    const fresh = await dav(alice, 'LOCK', A('/lock-null.txt'), lockBody);
    expect(fresh.status).toBe(201);
    const head = await dav(alice, 'HEAD', A('/lock-null.txt'));
    expect(head.headers.get('Content-Length')).toBe('0');
  });
});

describe('WebDAV files: limits and safety', () => {
  it('refuses traversal, encoded slashes and other users\u2019 drives', async () => {
    await dav(bob, 'PUT', `${home(bob)}/secret.txt`, 'bob only');
    for (const p of [`${home(alice)}/%2e%2e/bob@example.test/secret.txt`, `${home(alice)}/a%2Fb`, `${home(alice)}/..%2Fbob@example.test`, `${home(alice)}/%00x`]) {
      const r = await dav(alice, 'GET', p);
      // fetch folds %2e%2e into `..` and then away, so that one lands on bob's drive: refused as foreign.
      expect([400, 403, 404], p).toContain(r.status);
      expect(await r.text()).not.toContain('bob only');
    }
    // fetch normalizes a literal `..` away, so send it as the raw path over a socket the way a hostile client would.
    for (const p of [`${home(alice)}/../bob@example.test/secret.txt`, `${home(alice)}/%2e%2e/bob@example.test/secret.txt`, `${home(alice)}/%2E%2E%2Fbob@example.test%2Fsecret.txt`]) {
      const raw = await rawRequest(`GET ${p} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth(alice)}\r\nConnection: close\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1.1 (400|403|404)/);
      expect(raw).not.toContain('bob only');
    }
    expect((await dav(alice, 'GET', `${home(bob)}/secret.txt`)).status).toBe(403);
    expect((await dav(alice, 'PROPFIND', `${home(bob)}/`, undefined, { Depth: '1' })).status).toBe(403);
    expect((await dav(alice, 'PUT', `${home(bob)}/evil.txt`, 'x')).status).toBe(403);
    expect((await fetch(`${base}${home(alice)}/`, { method: 'PROPFIND' })).status).toBe(401);
  });

  it('answers 507 for an upload larger than the space left, before or while writing', async () => {
    const carol = await addTestUser(a, 'carol@example.test');
    await dav(carol, 'PROPFIND', `${home(carol)}/`, undefined, { Depth: '0' }); // creates the drive
    await drive.setQuota(carol.userId, 1000, { actor: 'system', source: 'system', time: new Date().toISOString() });
    const C = (p: string) => `${home(carol)}${p}`;
    expect((await dav(carol, 'PUT', C('/small.txt'), 'x'.repeat(600))).status).toBe(201);
    expect((await dav(carol, 'PUT', C('/big.txt'), 'x'.repeat(600))).status).toBe(507);
    // Without Content-Length: the stream is cut off once it passes the space left.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) { for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(100)); c.close(); },
    });
    const streamed = await fetch(`${base}${C('/streamed.bin')}`, { method: 'PUT', body: chunks, duplex: 'half', headers: { Authorization: auth(carol) } } as RequestInit);
    expect(streamed.status).toBe(507);
    expect((await dav(carol, 'GET', C('/streamed.bin'))).status).toBe(404);
    const quota = await (await dav(carol, 'PROPFIND', `${home(carol)}/`, propfindBody('<d:quota-used-bytes/><d:quota-available-bytes/>'), { Depth: '0' })).text();
    expect(quota).toContain('<d:quota-used-bytes>600</d:quota-used-bytes>');
    expect(quota).toContain('<d:quota-available-bytes>400</d:quota-available-bytes>');
    // Overwriting counts only the difference.
    expect((await dav(carol, 'PUT', C('/small.txt'), 'x'.repeat(900))).status).toBe(204);
  });

  it('streams a 50 MB upload and download intact', async () => {
    const size = 50 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    const sent = createHash('sha256');
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i++ >= size / chunk.length) { c.close(); return; }
        const part = Buffer.from(chunk);
        part.writeUInt32BE(i, 0);
        sent.update(part);
        c.enqueue(part);
      },
    });
    const put = await fetch(`${base}${A('/big.bin')}`, { method: 'PUT', body, duplex: 'half', headers: { Authorization: auth(alice), 'Content-Type': 'application/octet-stream' } } as RequestInit);
    expect(put.status).toBe(201);
    const get = await dav(alice, 'GET', A('/big.bin'));
    expect(get.headers.get('Content-Length')).toBe(String(size));
    const got = createHash('sha256');
    let n = 0;
    for await (const c of get.body as unknown as AsyncIterable<Uint8Array>) { got.update(c); n += c.byteLength; }
    expect(n).toBe(size);
    expect(got.digest('hex')).toBe(sent.digest('hex'));
  }, 60_000);
});

async function rawRequest(text: string): Promise<string> {
  const { connect } = await import('node:net');
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(text));
    let out = '';
    s.on('data', (d) => { out += d.toString('utf8'); });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}
