import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DavPreconditionError, DavPreconditionFailed } from '../../../core/dav/errors.ts';
import { parseXml } from '../../../core/dav/xml.ts';
import { ConflictError, ForbiddenError } from '../../../core/errors.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { contactsFixture, vcard, type ContactsFixture } from '../testing/contacts-fixture.ts';

const CARD = 'urn:ietf:params:xml:ns:carddav';
let f: ContactsFixture;
let alice: SessionUser;
let bob: SessionUser;
let carol: SessionUser;

beforeAll(async () => {
  f = await contactsFixture();
  alice = await f.addUser('alice');
  bob = await f.addUser('bob');
  carol = await f.addUser('carol');
});
afterAll(() => f.a.close());

describe('CardDAV backend', () => {
  it('makes the first book lazily and once, and lists the directory', async () => {
    const [first, again] = await Promise.all([f.backend.listCollections(f.ctx(alice), alice), f.backend.listCollections(f.ctx(alice), alice)]);
    expect(first.map((c) => c.slug)).toEqual(['contacts', 'directory']);
    expect(again.map((c) => c.slug)).toEqual(['contacts', 'directory']);
    expect((await f.service.books(alice, f.meta(alice))).own).toHaveLength(1);
    const book = first[0]!;
    expect(book.resourceTypes).toEqual([`{${CARD}}addressbook`]);
    expect(book.props['{DAV:}displayname']).toBe('Contacts');
    expect(book.props[`{${CARD}}max-resource-size`]).toBe(String(768 * 1024));
    expect(await f.backend.listCollections(f.ctx(bob), alice)).toEqual([]);
  });

  it('stores cards as sent, with ETags, If-Match/If-None-Match and 3.0/4.0 rendering', async () => {
    const c = await f.collection(alice, 'contacts');
    const v3 = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane-1\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nEMAIL;TYPE=INTERNET,pref:jane@x.example\r\nEND:VCARD\r\n';
    const put = await f.backend.putObject(f.ctx(alice), c, 'jane-1.vcf', v3, 'text/vcard; charset=utf-8', { ifNoneMatch: '*' });
    expect(put.created).toBe(true);
    expect(put.etag).toMatch(/^"\d+"$/);
    await expect(f.backend.putObject(f.ctx(alice), c, 'jane-1.vcf', v3, undefined, { ifNoneMatch: '*' })).rejects.toBeInstanceOf(DavPreconditionFailed);
    await expect(f.backend.putObject(f.ctx(alice), c, 'jane-1.vcf', v3.replace('Jane Doe', 'J'), undefined, { ifMatch: '"1"' })).rejects.toBeInstanceOf(DavPreconditionFailed);
    const again = await f.backend.putObject(f.ctx(alice), c, 'jane-1.vcf', v3.replace('FN:Jane Doe', 'FN:Jane D.'), undefined, { ifMatch: put.etag });
    expect(again.created).toBe(false);
    expect(again.etag).not.toBe(put.etag);
    const [obj] = await f.backend.getObjects(f.ctx(alice), c, ['jane-1.vcf', 'missing.vcf']);
    expect(obj!.body).toBe(v3.replace('FN:Jane Doe', 'FN:Jane D.'));
    expect(obj!.etag).toBe(again.etag);
    expect(f.backend.renderGet!(f.ctx(alice), obj!, 'text/vcard; version=4.0').body).toMatch(/VERSION:4.0[\s\S]*EMAIL;PREF=1:jane@x.example/);
    expect(f.backend.renderGet!(f.ctx(alice), obj!, undefined).body).toBe(obj!.body);
    const req = parseXml(`<C:address-data xmlns:C="${CARD}" content-type="text/vcard" version="4.0"/>`);
    expect(f.backend.renderData!(f.ctx(alice), obj!, req)).toContain('VERSION:4.0');
    await expect(f.backend.deleteObject(f.ctx(alice), c, 'jane-1.vcf', { ifMatch: put.etag })).rejects.toBeInstanceOf(DavPreconditionFailed);
  });

  it('refuses invalid vCards and UID conflicts, and stores nothing', async () => {
    const c = await f.collection(alice, 'contacts');
    const before = await f.backend.listObjects(f.ctx(alice), c);
    const invalid = f.backend.putObject(f.ctx(alice), c, 'bad.vcf', 'BEGIN:VCARD\r\nVERSION:4.0\r\nN:x;;;;\r\nEND:VCARD\r\n', undefined, {});
    await expect(invalid).rejects.toMatchObject({ condition: `{${CARD}}valid-address-data` });
    await expect(f.backend.putObject(f.ctx(alice), c, 'bad.vcf', 'not a vcard', undefined, {})).rejects.toBeInstanceOf(DavPreconditionError);
    await expect(f.backend.putObject(f.ctx(alice), c, 'bad.vcf', vcard('x', 'X'), 'text/calendar', {})).rejects.toMatchObject({ condition: `{${CARD}}supported-address-data` });
    const conflict = f.backend.putObject(f.ctx(alice), c, 'other.vcf', vcard('jane-1', 'Impostor'), undefined, {});
    await expect(conflict).rejects.toMatchObject({ condition: `{${CARD}}no-uid-conflict`, status: 409 });
    await expect(conflict).rejects.toMatchObject({ extraXml: expect.stringContaining('/dav/addressbooks/alice%40example.test/contacts/jane-1.vcf') });
    expect(await f.backend.listObjects(f.ctx(alice), c)).toEqual(before);
  });

  it('reports changes since a sync position, deletions included', async () => {
    const c0 = await f.collection(alice, 'contacts');
    const start = c0.position;
    await f.backend.putObject(f.ctx(alice), c0, 'a.vcf', vcard('a', 'A'), undefined, {});
    await f.backend.putObject(f.ctx(alice), c0, 'b.vcf', vcard('b', 'B'), undefined, {});
    const mid = (await f.collection(alice, 'contacts')).position;
    expect(mid).toBeGreaterThan(start);
    await f.backend.deleteObject(f.ctx(alice), c0, 'a.vcf', {});
    await f.backend.putObject(f.ctx(alice), c0, 'c.vcf', vcard('c', 'C'), undefined, {});
    const c1 = await f.collection(alice, 'contacts');
    const all = await f.backend.changesSince(f.ctx(alice), c1, start);
    if (all === 'expired') throw new Error('expired');
    expect(all.changed.map((o) => o.name).sort()).toEqual(['b.vcf', 'c.vcf']);
    expect(all.removed).toEqual(['a.vcf']);
    expect(all.position).toBe(c1.position);
    const since = await f.backend.changesSince(f.ctx(alice), c1, mid);
    if (since === 'expired') throw new Error('expired');
    expect(since.changed.map((o) => o.name)).toEqual(['c.vcf']);
    expect(since.removed).toEqual(['a.vcf']);
    const none = await f.backend.changesSince(f.ctx(alice), c1, c1.position);
    expect(none).toEqual({ changed: [], removed: [], position: c1.position });
    // A name used again continues its history: one row, reported as changed.
    await f.backend.putObject(f.ctx(alice), c1, 'a.vcf', vcard('a', 'A again'), undefined, { ifNoneMatch: '*' });
    const back = await f.backend.changesSince(f.ctx(alice), await f.collection(alice, 'contacts'), c1.position);
    expect(back).toMatchObject({ changed: [{ name: 'a.vcf' }], removed: [] });
  });

  it('answers addressbook-query with the matching names', async () => {
    const c = await f.collection(alice, 'contacts');
    const q = parseXml(`<C:addressbook-query xmlns:C="${CARD}"><C:filter><C:prop-filter name="FN"><C:text-match match-type="starts-with">a</C:text-match></C:prop-filter></C:filter></C:addressbook-query>`);
    expect(await f.backend.filterReports![`{${CARD}}addressbook-query`]!(f.ctx(alice), c, q)).toEqual(['a.vcf']);
  });

  it('creates books by extended MKCOL, patches all-or-nothing, deletes', async () => {
    const dn = parseXml('<D:displayname xmlns:D="DAV:">Work</D:displayname>');
    const color = parseXml('<A:color xmlns:A="http://apple.com/ns/ical/">#ff0000</A:color>');
    await f.backend.createCollection(f.ctx(alice), alice, 'work', { method: 'MKCOL', resourceTypes: ['{DAV:}collection', `{${CARD}}addressbook`], props: [dn, color] });
    await expect(f.backend.createCollection(f.ctx(alice), alice, 'work', { method: 'MKCOL', resourceTypes: [`{${CARD}}addressbook`], props: [] })).rejects.toBeInstanceOf(ConflictError);
    await expect(f.backend.createCollection(f.ctx(alice), alice, 'cal', { method: 'MKCALENDAR', resourceTypes: [], props: [] })).rejects.toBeInstanceOf(DavPreconditionError);
    await expect(f.backend.createCollection(f.ctx(bob), alice, 'x', { method: 'MKCOL', resourceTypes: [`{${CARD}}addressbook`], props: [] })).rejects.toBeInstanceOf(ForbiddenError);
    let work = await f.collection(alice, 'work');
    expect(work.props['{DAV:}displayname']).toBe('Work');
    expect(work.props['{http://apple.com/ns/ical/}color']).toEqual({ xml: '#ff0000' });
    const desc = parseXml(`<C:addressbook-description xmlns:C="${CARD}">Colleagues</C:addressbook-description>`);
    const etag = parseXml('<D:getetag xmlns:D="DAV:">"1"</D:getetag>');
    expect(await f.backend.patchCollection(f.ctx(alice), work, { set: [desc, etag], remove: [] })).toEqual({ [`{${CARD}}addressbook-description`]: 424, '{DAV:}getetag': 403 });
    expect((await f.collection(alice, 'work')).props[`{${CARD}}addressbook-description`]).toBe('');
    expect(await f.backend.patchCollection(f.ctx(alice), work, { set: [desc], remove: ['{http://apple.com/ns/ical/}color'] })).toEqual({ [`{${CARD}}addressbook-description`]: 200, '{http://apple.com/ns/ical/}color': 200 });
    work = await f.collection(alice, 'work');
    expect(work.props[`{${CARD}}addressbook-description`]).toBe('Colleagues');
    expect(work.props['{http://apple.com/ns/ical/}color']).toBeUndefined();
    await f.backend.deleteCollection(f.ctx(alice), work);
    expect((await f.backend.listCollections(f.ctx(alice), alice)).map((c) => c.slug)).toEqual(['contacts', 'directory']);
  });

  it('shares with rights: read-only sharee cannot write, read-write can, leave hides it', async () => {
    const c = await f.collection(alice, 'contacts');
    await f.service.share(alice, c.id, { kind: 'user', id: bob.id }, 'read', f.meta(alice));
    await f.service.share(alice, c.id, { kind: 'user', id: carol.id }, 'write', f.meta(alice));
    const bobs = await f.backend.listCollections(f.ctx(bob), bob);
    expect(bobs.map((x) => x.slug)).toEqual(['contacts', `shared-${c.id}`, 'directory']);
    const shared = bobs[1]!;
    expect(shared.right).toBe('read');
    expect((await f.backend.listObjects(f.ctx(bob), shared)).map((o) => o.name)).toContain('b.vcf');
    await expect(f.backend.putObject(f.ctx(bob), shared, 'x.vcf', vcard('x', 'X'), undefined, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(f.backend.deleteObject(f.ctx(bob), shared, 'b.vcf', {})).rejects.toBeInstanceOf(ForbiddenError);
    expect(await f.backend.patchCollection(f.ctx(bob), shared, { set: [parseXml('<D:displayname xmlns:D="DAV:">Mine</D:displayname>')], remove: [] })).toEqual({ '{DAV:}displayname': 403 });
    const carols = await f.collection(carol, `shared-${c.id}`);
    expect(carols.right).toBe('write');
    await f.backend.putObject(f.ctx(carol), carols, 'from-carol.vcf', vcard('from-carol', 'From Carol'), undefined, {});
    expect((await f.backend.listObjects(f.ctx(alice), c)).map((o) => o.name)).toContain('from-carol.vcf');
    // Another user's own URL works with a right, not without.
    expect((await f.backend.getCollection(f.ctx(bob), alice, 'contacts'))?.right).toBe('read');
    expect(await f.backend.getCollection(f.ctx(bob), carol, 'contacts')).toBeUndefined();
    // Leaving hides it from the home; deleting a shared collection is leaving it.
    await f.backend.deleteCollection(f.ctx(bob), shared);
    expect((await f.backend.listCollections(f.ctx(bob), bob)).map((x) => x.slug)).toEqual(['contacts', 'directory']);
    expect((await f.collection(alice, 'contacts')).id).toBe(c.id);
    await f.service.joinBook(bob, c.id, f.meta(bob));
    expect((await f.backend.listCollections(f.ctx(bob), bob)).map((x) => x.slug)).toContain(`shared-${c.id}`);
    await f.service.unshare(alice, c.id, { kind: 'user', id: bob.id }, f.meta(alice));
    expect(await f.backend.getCollection(f.ctx(bob), bob, `shared-${c.id}`)).toBeUndefined();
    await expect(f.service.share(carol, c.id, { kind: 'user', id: bob.id }, 'read', f.meta(carol))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('serves the organization directory read-only, with removals in the sync', async () => {
    const dir = await f.collection(alice, 'directory');
    const names = (await f.backend.listObjects(f.ctx(alice), dir)).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining([`${alice.id}.vcf`, `${bob.id}.vcf`, `${carol.id}.vcf`]));
    const [card] = await f.backend.getObjects(f.ctx(alice), dir, [`${bob.id}.vcf`]);
    expect(card!.body).toContain('EMAIL;TYPE=work:bob@example.test');
    expect(card!.body).toContain('FN:Bob');
    await expect(f.backend.putObject(f.ctx(alice), dir, 'x.vcf', vcard('x', 'X'), undefined, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(f.backend.deleteObject(f.ctx(alice), dir, `${bob.id}.vcf`, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(f.backend.deleteCollection(f.ctx(alice), dir)).rejects.toBeInstanceOf(ForbiddenError);
    const dave = await f.addUser('dave');
    await f.a.identity.removeUser(dave.id, { actor: 'system', source: 'system' });
    const changes = await f.backend.changesSince(f.ctx(alice), await f.collection(alice, 'directory'), dir.position);
    expect(changes).toMatchObject({ changed: [], removed: [`${dave.id}.vcf`] });
  });

  it('imports a multi-card file, merging or skipping duplicates', async () => {
    const meta = f.meta(carol);
    const book = (await f.service.books(carol, meta)).own[0]!.id;
    const fx = (n: string) => readFileSync(new URL(`../fixtures/${n}`, import.meta.url), 'utf8');
    const google = await f.service.importVcf(carol, book, fx('google-contacts.vcf'), 'merge', meta);
    expect(google).toEqual({ total: 3, added: 3, merged: 0, skipped: 0, invalid: [] });
    const tb = await f.service.importVcf(carol, book, fx('thunderbird-contacts.vcf'), 'skip', meta);
    // Linus, then Ada (same email as Google's Ada: skipped), Linus again (same UID: skipped), one invalid card.
    expect(tb).toMatchObject({ total: 4, added: 1, merged: 0, skipped: 2 });
    expect(tb.invalid).toEqual([{ index: 4, message: expect.stringMatching(/FN/) }]);
    const merged = await f.service.importVcf(carol, book, fx('thunderbird-contacts.vcf'), 'merge', meta);
    expect(merged).toMatchObject({ added: 0, merged: 2, skipped: 1 });
    const ada = (await f.service.listCards(carol, book, { q: 'ada@example.org' }));
    expect(ada).toHaveLength(1);
    expect(ada[0]!.phones).toEqual(['+44 20 7946 0018', '+44 20 7946 7777']);
    const apple = await f.service.importVcf(carol, book, fx('apple-contacts.vcf'), 'merge', meta);
    expect(apple).toMatchObject({ added: 3 });
    const groups = await f.service.groups(carol, book);
    expect(groups).toEqual([{ cardId: expect.any(String), fn: 'Pioneers', members: 2 }]);
    const outlook = await f.service.importVcf(carol, book, fx('outlook-contact.vcf'), 'merge', meta);
    expect(outlook).toMatchObject({ added: 1 });
    const alan = (await f.service.listCards(carol, book, { q: 'turing' }))[0]!;
    const detail = await f.service.getCard(carol, book, alan.cardId);
    expect(detail.vcard).toContain('VERSION:4.0');
    expect(detail.fields.note).toContain('Café regular');
  });
});
