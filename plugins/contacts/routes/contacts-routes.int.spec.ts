import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';

const sys = { actor: 'system', source: 'system' } as const;
const ORIGIN = 'http://example.test';
let a: TestAppliance & { close(): Promise<void> };
let alice: TestClient;
let bob: TestClient;
let aliceBook: string;
let bobId: string;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A multipart post as a browser sends it (fields, files, the CSRF token, cookies). */
async function postForm(client: TestClient, path: string, fields: [string, string | Blob, string?][]) {
  const fd = new FormData();
  fd.set('_csrf', client.csrfToken);
  for (const [k, v, name] of fields) {
    if (typeof v === 'string') fd.append(k, v);
    else fd.append(k, v, name);
  }
  return a.app.request(new URL(path, ORIGIN).href, { method: 'POST', body: fd, headers: { ...client.headers({}), Origin: ORIGIN } });
}
const cardIds = (html: string) => [...html.matchAll(/<li data-card-id="([^"]+)"/g)].map((m) => m[1]!);
const location = (res: Response) => res.headers.get('location') ?? '';

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['contacts'] });
  await a.identity.addUser({ email: 'alice@example.test', password: 'alice password 123', displayName: 'Alice' }, sys);
  bobId = (await a.identity.addUser({ email: 'bob@example.test', password: 'bob password 1234', displayName: 'Bob' }, sys)).user.id;
  alice = new TestClient(a.app, ORIGIN);
  bob = new TestClient(a.app, ORIGIN);
  expect((await alice.login('alice@example.test', 'alice password 123')).status).toBe(303);
  expect((await bob.login('bob@example.test', 'bob password 1234')).status).toBe(303);
  const res = await alice.get('/contacts');
  expect(res.status).toBe(302);
  aliceBook = location(res).replace('/contacts/b/', '');
});
afterAll(() => a.close());

describe('contacts pages', () => {
  it('sends signed-out visitors to the login page, serves its stylesheet', async () => {
    const res = await new TestClient(a.app, ORIGIN).get('/contacts');
    expect(res.status).toBe(302);
    expect(location(res)).toBe('/login?next=%2Fcontacts');
    expect((await new TestClient(a.app, ORIGIN).get('/contacts/contacts.css')).headers.get('content-type')).toContain('text/css');
  });

  it('lists books, directory and groups in the sidebar', async () => {
    const html = await alice.page(`/contacts/b/${aliceBook}`);
    expect(html).toContain('/contacts/contacts.css');
    expect(html).toMatch(/My address books[\s\S]*Contacts[\s\S]*Directory[\s\S]*Without group/);
    const dir = await alice.page('/contacts/b/directory');
    expect(dir).toContain('bob@example.test');
    expect(dir).not.toContain('name="card"');
  });

  it('creates, shows, edits and deletes a contact, then undeletes it', async () => {
    await alice.page(`/contacts/b/${aliceBook}/new`);
    expect((await alice.post(`/contacts/b/${aliceBook}/new`, { given: 'Jane', family: 'Doe', email: 'jane@x.example' }, { noCsrf: true })).status).toBe(403);
    const bad = await alice.post(`/contacts/b/${aliceBook}/new`, { given: '', family: '', email: '' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('a contact needs a name');
    const res = await alice.post(`/contacts/b/${aliceBook}/new`, { given: 'Jane', family: 'Doe', email: 'jane@x.example', email_type: 'work', phone: '+1 555 0100', phone_type: 'cell', org: 'ACME', note: 'Met at <b>the</b> fair', bday: '1990-04-12' });
    expect(res.status).toBe(303);
    const view = location(res).split('?')[0]!;
    let html = await alice.page(view);
    expect(html).toContain('Jane Doe');
    expect(html).toContain('mailto:jane@x.example');
    expect(html).toContain('Met at &lt;b&gt;the&lt;/b&gt; fair');
    expect(html).toContain('1990-04-12');
    const edit = await alice.page(`${view}/edit`);
    const etag = /name="etag" value="([^"]+)"/.exec(edit)![1]!.replace(/&quot;/g, '"');
    expect((await alice.post(view, { given: 'Jane', family: 'Roe', email: 'jane@y.example', etag })).status).toBe(303);
    html = await alice.page(view);
    expect(html).toContain('Jane Roe');
    // A stale form (ETag of an older version) is refused with the current version shown.
    const stale = await alice.post(view, { given: 'Old', family: 'Tab', email: 'x@y.example', etag });
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('Someone changed this contact meanwhile');
    expect((await alice.post(`${view}/delete`)).status).toBe(303);
    expect((await alice.get(view)).status).toBe(404);
    const restore = await alice.page(`/contacts/b/${aliceBook}/restore`);
    expect(restore).toMatch(/Recently deleted[\s\S]*Jane Roe/);
    expect((await alice.post(`${view}/undelete`)).status).toBe(303);
    expect(await alice.page(view)).toContain('Jane Roe');
  });

  it('uploads a photo (checked by its bytes, size-limited) and serves it', async () => {
    await alice.page(`/contacts/b/${aliceBook}/new`);
    const res = await postForm(alice, `/contacts/b/${aliceBook}/new`, [['given', 'Pic'], ['family', 'Ture'], ['photo', new Blob([PNG], { type: 'image/png' }), 'me.png']]);
    expect(res.status).toBe(303);
    const view = location(res).split('?')[0]!;
    expect(await alice.page(view)).toContain(`${view}/photo`);
    const photo = await alice.get(`${view}/photo`);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await bob.get(`${view}/photo`)).status).toBe(404);
    const fake = await postForm(alice, `/contacts/b/${aliceBook}/new`, [['given', 'Fake'], ['photo', new Blob(['<svg onload=alert(1)>'], { type: 'image/png' }), 'x.png']]);
    expect(fake.status).toBe(400);
    expect(await fake.text()).toContain('must be a JPEG, PNG, GIF or WebP');
    const huge = await postForm(alice, `/contacts/b/${aliceBook}/new`, [['given', 'Huge'], ['photo', new Blob([Buffer.concat([PNG, Buffer.alloc(600 * 1024)])], { type: 'image/png' }), 'x.png']]);
    expect(huge.status).toBe(413);
  });

  it('keeps groups: create, add the selection, filter, contacts without group, delete', async () => {
    await alice.page(`/contacts/b/${aliceBook}`);
    const g = await alice.post(`/contacts/b/${aliceBook}/groups`, { name: 'Family' });
    expect(g.status).toBe(303);
    const groupId = decodeURIComponent(/group=([^&]+)/.exec(location(g))![1]!);
    const all = cardIds(await alice.page(`/contacts/b/${aliceBook}`));
    expect(all.length).toBeGreaterThanOrEqual(2);
    const body = new URLSearchParams([['_csrf', alice.csrfToken], ['card', all[0]!], ['action', 'add-to-group'], ['group', groupId]]);
    const add = await a.app.request(`${ORIGIN}/contacts/b/${aliceBook}/selection`, { method: 'POST', body, headers: { ...alice.headers({}), 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN } });
    expect(add.status).toBe(303);
    expect(cardIds(await alice.page(`/contacts/b/${aliceBook}?group=${groupId}`))).toEqual([all[0]]);
    const without = cardIds(await alice.page(`/contacts/b/${aliceBook}?group=none`));
    expect(without).not.toContain(all[0]);
    expect(without.length).toBe(all.length - 1);
    expect(await alice.page(`/contacts/b/${aliceBook}/c/${all[0]}`)).toMatch(/Groups[\s\S]*Family/);
    expect((await alice.post(`/contacts/b/${aliceBook}/groups/${groupId}/delete`, {})).status).toBe(303);
    expect(cardIds(await alice.page(`/contacts/b/${aliceBook}?group=none`))).toEqual(all);
  });

  it('imports a .vcf with a summary and exports the book or a selection', async () => {
    await alice.page(`/contacts/b/${aliceBook}/import`);
    const file = readFileSync(new URL('../fixtures/google-contacts.vcf', import.meta.url));
    const res = await postForm(alice, `/contacts/b/${aliceBook}/import`, [['mode', 'skip'], ['file', new Blob([file], { type: 'text/vcard' }), 'contacts.vcf']]);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<strong>3<\/strong> added/);
    const again = await postForm(alice, `/contacts/b/${aliceBook}/import`, [['mode', 'skip'], ['file', new Blob([file], { type: 'text/vcard' }), 'contacts.vcf']]);
    expect(await again.text()).toMatch(/<strong>3<\/strong> skipped/);
    const exp = await alice.get(`/contacts/b/${aliceBook}/export`);
    expect(exp.headers.get('content-type')).toContain('text/vcard');
    expect(exp.headers.get('content-disposition')).toBe('attachment; filename="contacts.vcf"');
    const text = await exp.text();
    expect(text).toContain('FN:Ada Lovelace');
    expect(text).toContain('Jane Roe');
    const ada = cardIds(await alice.page(`/contacts/b/${aliceBook}?q=ada`));
    expect(ada).toHaveLength(1);
    const one = await (await alice.get(`/contacts/b/${aliceBook}/export?card=${ada[0]}`)).text();
    expect(one.match(/BEGIN:VCARD/g)).toHaveLength(1);
    expect((await alice.get('/contacts/b/directory/export')).status).toBe(403);
  });

  it('searches across books', async () => {
    const html = await alice.page('/contacts/search?q=babbage');
    expect(html).toContain('Charles Babbage');
    expect(await alice.page('/contacts/search?q=bob')).toContain('bob@example.test');
  });

  it("keeps a book private unless shared, with the rights of the share", async () => {
    const someCard = cardIds(await alice.page(`/contacts/b/${aliceBook}`))[0]!;
    expect((await bob.get(`/contacts/b/${aliceBook}`)).status).toBe(404);
    expect((await bob.get(`/contacts/b/${aliceBook}/c/${someCard}`)).status).toBe(404);
    expect((await bob.get(`/contacts/b/${aliceBook}/export`)).status).toBe(404);
    await bob.page('/contacts');
    expect((await bob.post(`/contacts/b/${aliceBook}/c/${someCard}/delete`)).status).toBe(404);
    // Alice shares read-only with Bob.
    const manage = await alice.page(`/contacts/b/${aliceBook}/manage`);
    expect(manage).toContain('bob@example.test');
    expect((await alice.post(`/contacts/b/${aliceBook}/share`, { principal: `user:${bobId}`, right: 'read' })).status).toBe(303);
    expect(await alice.page(`/contacts/b/${aliceBook}/manage`)).toMatch(/data-share="user:[^"]+"[\s\S]*bob@example.test/);
    const bobHome = location(await bob.get('/contacts'));
    const side = await bob.page(bobHome);
    expect(side).toContain('Shared with me');
    expect(await bob.page(`/contacts/b/${aliceBook}/c/${someCard}`)).not.toContain('/edit"');
    expect((await bob.post(`/contacts/b/${aliceBook}/c/${someCard}/delete`)).status).toBe(403);
    expect((await bob.post(`/contacts/b/${aliceBook}/new`, { given: 'X' })).status).toBe(403);
    expect((await bob.post(`/contacts/b/${aliceBook}/share`, { principal: 'org', right: 'read' })).status).toBe(403);
    // Bob leaves and accepts again; Alice upgrades then revokes.
    expect((await bob.post(`/contacts/b/${aliceBook}/leave`)).status).toBe(303);
    expect(await bob.page(bobHome)).toMatch(/Left shared books \(1\)/);
    expect((await bob.post(`/contacts/b/${aliceBook}/join`)).status).toBe(303);
    expect((await alice.post(`/contacts/b/${aliceBook}/share`, { principal: `user:${bobId}`, right: 'write' })).status).toBe(303);
    await bob.page(`/contacts/b/${aliceBook}/new`);
    expect((await bob.post(`/contacts/b/${aliceBook}/new`, { given: 'Added', family: 'By Bob' })).status).toBe(303);
    expect((await alice.post(`/contacts/b/${aliceBook}/share/revoke`, { principal: `user:${bobId}` })).status).toBe(303);
    expect((await bob.get(`/contacts/b/${aliceBook}`)).status).toBe(404);
  });

  it('previews and restores the book as it was, and into a new book', async () => {
    const b = await alice.post('/contacts/books', { displayName: 'Restore test' });
    const book = location(b).split('?')[0]!.replace('/contacts/b/', '');
    await alice.page(`/contacts/b/${book}/new`);
    await alice.post(`/contacts/b/${book}/new`, { given: 'Keep', family: 'Me' });
    await new Promise((r) => setTimeout(r, 1100));
    const at = new Date().toISOString().slice(0, 19);
    await new Promise((r) => setTimeout(r, 1100));
    const keep = cardIds(await alice.page(`/contacts/b/${book}`))[0]!;
    await alice.post(`/contacts/b/${book}/c/${keep}/delete`);
    await alice.post(`/contacts/b/${book}/new`, { given: 'Made', family: 'Later' });
    const preview = await alice.page(`/contacts/b/${book}/restore?at=${encodeURIComponent(at)}&target=same`);
    expect(preview).toMatch(/bring back 1 contact: <strong>Keep Me<\/strong>/);
    expect(preview).toMatch(/remove \(made later\) 1 contact: <strong>Made Later<\/strong>/);
    const intoNew = await alice.page(`/contacts/b/${book}/restore?at=${encodeURIComponent(at)}&target=new&newName=Snapshot`);
    expect(intoNew).toMatch(/add 1 contact: <strong>Keep Me<\/strong>/);
    const r = await alice.post(`/contacts/b/${book}/restore`, { at: `${at}.000Z`, target: 'same' });
    expect(r.status).toBe(303);
    const after = await alice.page(`/contacts/b/${book}`);
    expect(after).toContain('Keep Me');
    expect(after).not.toContain('Made Later');
    const n = await alice.post(`/contacts/b/${book}/restore`, { at: `${at}.000Z`, target: 'new', newName: 'Snapshot' });
    expect(await alice.page(location(n).split('?')[0]!)).toMatch(/<h1>Snapshot[\s\S]*Keep Me/);
    // Deleting the whole book offers it back in the sidebar.
    expect((await alice.post(`/contacts/b/${book}/delete`)).status).toBe(303);
    expect((await alice.get(`/contacts/b/${book}`)).status).toBe(404);
    expect(await alice.page(`/contacts/b/${aliceBook}`)).toMatch(/Deleted address books \(1\)[\s\S]*Restore test/);
    expect((await alice.post(`/contacts/b/${book}/undelete`)).status).toBe(303);
    expect(await alice.page(`/contacts/b/${book}`)).toContain('Keep Me');
    const old = await alice.get(`/contacts/b/${book}/restore?at=2020-01-01T00:00:00`);
    expect(old.status).toBe(400);
    expect(await old.text()).toContain('outside the 30-day retention window');
  });
});
