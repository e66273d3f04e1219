// The Nextcloud paths (core/dav/nextcloud-compat.ts) over HTTP: discovery answers, the
// user endpoint behind Basic authentication, /remote.php/dav/ and /remote.php/webdav/
// mapped onto /dav/ both ways (request path, Destination, hrefs in the answer), and
// Nextcloud's oc: properties on drive items.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, type TestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let user: TestUser;
const ORIGIN = 'http://example.test';
const basic = (login: string, secret: string) => `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`;
const req = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}, auth = true) => a.app.request(`${ORIGIN}${path}`, {
  ...init, headers: { ...(auth ? { Authorization: basic(user.email, user.appPassword) } : {}), ...(init.headers ?? {}) },
});

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  user = await addTestUser(a, 'nc@example.test');
});
afterAll(async () => { await a?.close(); });

describe('Nextcloud paths', () => {
  it('answers discovery: status.php anonymously, capabilities with chunking, the user behind Basic credentials', async () => {
    const status = await (await req('/status.php', {}, false)).json() as { installed: boolean; versionstring: string };
    expect(status).toMatchObject({ installed: true, maintenance: false });
    const caps = await (await req('/ocs/v2.php/cloud/capabilities?format=json', {}, false)).json() as { ocs: { meta: { statuscode: number }; data: { capabilities: { dav: { chunking: string } } } } };
    expect(caps.ocs.meta.statuscode).toBe(200);
    expect(caps.ocs.data.capabilities.dav.chunking).toBe('1.0');
    const me = await (await req('/ocs/v1.php/cloud/user?format=json')).json() as { ocs: { meta: { statuscode: number }; data: { id: string } } };
    expect(me.ocs).toMatchObject({ meta: { statuscode: 100 }, data: { id: user.email } });
    const wrong = await a.app.request(`${ORIGIN}/ocs/v1.php/cloud/user?format=json`, { headers: { Authorization: basic(user.email, 'not the password') } });
    expect(wrong.status).toBe(401);
    expect((await req('/ocs/v2.php/apps/notifications/api/v2/notifications?format=json')).status).toBe(404);
  });

  it('serves /remote.php/dav/files/<login>/ as /dav/files/<login>/, hrefs and Destination mapped', async () => {
    const home = `/remote.php/dav/files/${user.email}`;
    expect((await req(`${home}/a.txt`, { method: 'PUT', body: 'alpha' })).status).toBe(201);
    // X-OC-Mtime: the file keeps the time the client says it was last edited.
    const put = await req(`${home}/b.txt`, { method: 'PUT', body: 'beta', headers: { 'X-OC-Mtime': '1600000000' } });
    expect(put.headers.get('OC-FileId')).toBeTruthy();
    expect(put.headers.get('X-OC-MTime')).toBe('accepted');
    expect(put.headers.get('Last-Modified')).toBe(new Date(1_600_000_000_000).toUTCString());
    expect((await req(`${home}/c.txt`, { method: 'PUT', body: 'x', headers: { 'X-OC-Mtime': 'yesterday' } })).status).toBe(400);
    const list = await req(`${home}/`, {
      method: 'PROPFIND', headers: { Depth: '1', 'Content-Type': 'application/xml' },
      body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><d:getetag/><oc:fileid/><oc:permissions/><oc:size/></d:prop></d:propfind>',
    });
    expect(list.status).toBe(207);
    const xml = await list.text();
    expect(xml).toContain(`<d:href>${home}/a.txt</d:href>`);
    expect(xml).not.toContain('<d:href>/dav/');
    expect(xml).toMatch(/permissions[^>]*>RGDNVW</);
    expect(xml).toMatch(/size[^>]*>5</);
    // MOVE with a Destination in the Nextcloud space lands in the same place.
    const moved = await req(`${home}/a.txt`, { method: 'MOVE', headers: { Destination: `${ORIGIN}${home}/renamed.txt` } });
    expect(moved.status).toBe(201);
    expect(await (await req(`/dav/files/${user.email}/renamed.txt`)).text()).toBe('alpha');
    // The old single-user root maps to the same files.
    expect(await (await req('/remote.php/webdav/renamed.txt')).text()).toBe('alpha');
    const legacy = await (await req('/remote.php/webdav/', { method: 'PROPFIND', headers: { Depth: '1' } })).text();
    expect(legacy).toContain('<d:href>/remote.php/webdav/renamed.txt</d:href>');
    // Without credentials: the DAV challenge, as on /dav/.
    const anonymous = await req(`${home}/`, { method: 'PROPFIND' }, false);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toMatch(/^Basic/);
  });
});
