// CardDAV over a real socket through core's DAV engine: tsdav for what clients do,
// raw fetch for preconditions and REPORTs tsdav does not expose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDAVClient } from 'tsdav';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import type { ContactsService } from '../contacts-service.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let alice: TestUser;
let bob: TestUser;
const auth = (u: TestUser) => `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
const dav = (u: TestUser, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method, headers: { Authorization: auth(u), 'Content-Type': 'application/xml; charset=utf-8', ...headers }, ...(body !== undefined ? { body } : {}) });
const client = (u: TestUser) => createDAVClient({ serverUrl: `${base}/.well-known/carddav`, credentials: { username: u.email, password: u.appPassword }, authMethod: 'Basic', defaultAccountType: 'carddav' });
const V3 = (uid: string, fn: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${fn}\r\nN:${fn};;;;\r\nEMAIL;TYPE=INTERNET:${uid}@x.example\r\nEND:VCARD\r\n`;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['contacts'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  alice = await addTestUser(a, 'alice@example.test');
  bob = await addTestUser(a, 'bob@example.test');
});
afterAll(async () => { await a?.close(); });

describe('CardDAV with tsdav', () => {
  it('discovers the home, creates, reads, syncs and deletes cards', async () => {
    const c = await client(alice);
    const books = await c.fetchAddressBooks();
    expect(books.map((b) => b.url.replace(base, ''))).toEqual(['/dav/addressbooks/alice@example.test/contacts/', '/dav/addressbooks/alice@example.test/directory/']);
    const book = books[0]!;
    expect((await c.createVCard({ addressBook: book, filename: 'one.vcf', vCardString: V3('one', 'One') })).status).toBe(201);
    await c.createVCard({ addressBook: book, filename: 'two.vcf', vCardString: V3('two', 'Two') });
    const cards = await c.fetchVCards({ addressBook: book });
    expect(cards.map((x) => x.url.split('/').pop()).sort()).toEqual(['one.vcf', 'two.vcf']);
    expect(cards.find((x) => x.url.endsWith('one.vcf'))!.data).toContain('FN:One');
    const token = (await c.fetchAddressBooks())[0]!.syncToken!;
    await c.deleteVCard({ vCard: cards.find((x) => x.url.endsWith('one.vcf'))! });
    await c.createVCard({ addressBook: book, filename: 'three.vcf', vCardString: V3('three', 'Three') });
    const changes = await c.syncCollection({ url: book.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token });
    const byName = Object.fromEntries(changes.map((r) => [decodeURIComponent(r.href!).split('/').pop(), r.status]));
    expect(byName).toEqual({ 'one.vcf': 404, 'three.vcf': 207 });
    const dir = await c.fetchVCards({ addressBook: books[1]! });
    expect(dir.map((x) => x.data).join('')).toContain('bob@example.test');
  });

  it('answers PUT preconditions and converts versions on GET and multiget', async () => {
    const path = '/dav/addressbooks/alice@example.test/contacts/v.vcf';
    const put = await dav(alice, 'PUT', path, V3('v', 'Vee'), { 'Content-Type': 'text/vcard', 'If-None-Match': '*' });
    expect(put.status).toBe(201);
    const etag = put.headers.get('ETag')!;
    expect((await dav(alice, 'PUT', path, V3('v', 'Vee'), { 'Content-Type': 'text/vcard', 'If-None-Match': '*' })).status).toBe(412);
    const conflict = await dav(alice, 'PUT', '/dav/addressbooks/alice@example.test/contacts/w.vcf', V3('v', 'Dup'), { 'Content-Type': 'text/vcard' });
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain('no-uid-conflict');
    const invalid = await dav(alice, 'PUT', '/dav/addressbooks/alice@example.test/contacts/bad.vcf', 'BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n', { 'Content-Type': 'text/vcard' });
    expect(invalid.status).toBe(403);
    expect(await invalid.text()).toContain('valid-address-data');
    expect((await dav(alice, 'GET', '/dav/addressbooks/alice@example.test/contacts/bad.vcf')).status).toBe(404);
    const get4 = await dav(alice, 'GET', path, undefined, { Accept: 'text/vcard; version=4.0' });
    expect(await get4.text()).toMatch(/^BEGIN:VCARD\r\nVERSION:4.0\r\n/);
    expect(get4.headers.get('ETag')).toBe(etag);
    const multiget = await dav(alice, 'REPORT', '/dav/addressbooks/alice@example.test/contacts/',
      `<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data content-type="text/vcard" version="4.0"/></D:prop><D:href>${path}</D:href></C:addressbook-multiget>`, { Depth: '1' });
    expect(multiget.status).toBe(207);
    expect(await multiget.text()).toContain('VERSION:4.0');
    const query = await dav(alice, 'REPORT', '/dav/addressbooks/alice@example.test/contacts/',
      '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter><C:prop-filter name="FN"><C:text-match match-type="equals">vee</C:text-match></C:prop-filter></C:filter></C:addressbook-query>', { Depth: '1' });
    const body = await query.text();
    expect(body).toContain('v.vcf');
    expect(body).not.toContain('two.vcf');
  });

  it('shows a shared book in the sharee home and refuses writes to a read-only share', async () => {
    const service = a.services.services.require<ContactsService>('contacts.service');
    const owner = (await a.auth.userById(alice.userId))!;
    const bookId = (await service.books(owner, { actor: owner.id, source: 'ui', time: new Date().toISOString() })).own[0]!.id;
    await service.share(owner, bookId, { kind: 'user', id: bob.userId }, 'read', { actor: owner.id, source: 'ui', time: new Date().toISOString() });
    const books = await (await client(bob)).fetchAddressBooks();
    expect(books.map((b) => b.url.replace(base, ''))).toContain(`/dav/addressbooks/bob@example.test/shared-${bookId}/`);
    const put = await dav(bob, 'PUT', `/dav/addressbooks/bob@example.test/shared-${bookId}/x.vcf`, V3('x', 'X'), { 'Content-Type': 'text/vcard' });
    expect(put.status).toBe(403);
    const get = await dav(bob, 'GET', `/dav/addressbooks/bob@example.test/shared-${bookId}/two.vcf`);
    expect(get.status).toBe(200);
  });

  it('creates a book by extended MKCOL, renames it by PROPPATCH, deletes it', async () => {
    const mk = await dav(alice, 'MKCOL', '/dav/addressbooks/alice@example.test/work/',
      '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>Work</D:displayname><C:addressbook-description>Colleagues</C:addressbook-description></D:prop></D:set></D:mkcol>');
    expect(mk.status).toBe(201);
    const pp = await dav(alice, 'PROPPATCH', '/dav/addressbooks/alice@example.test/work/',
      '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Office</D:displayname></D:prop></D:set></D:propertyupdate>');
    expect(pp.status).toBe(207);
    const books = await (await client(alice)).fetchAddressBooks();
    expect(books.map((b) => b.displayName)).toContain('Office');
    const props = await dav(alice, 'PROPFIND', '/dav/addressbooks/alice@example.test/work/',
      '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:addressbook-description/><C:supported-address-data/><C:max-resource-size/></D:prop></D:propfind>', { Depth: '0' });
    const xml = await props.text();
    expect(xml).toContain('Colleagues');
    expect(xml).toMatch(/address-data-type[^>]*version="4.0"/);
    expect((await dav(alice, 'DELETE', '/dav/addressbooks/alice@example.test/work/')).status).toBe(204);
    expect((await dav(alice, 'PROPFIND', '/dav/addressbooks/alice@example.test/work/', undefined, { Depth: '0' })).status).toBe(404);
    expect((await dav(alice, 'DELETE', '/dav/addressbooks/alice@example.test/directory/')).status).toBe(403);
  });
});
