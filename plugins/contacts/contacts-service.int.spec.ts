import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../core/errors.ts';
import type { SessionUser } from '../../core/identity/auth-service.ts';
import { contactsFixture, vcard, type ContactsFixture } from './testing/contacts-fixture.ts';

let f: ContactsFixture;
let alice: SessionUser;
let bob: SessionUser;
let book: string;

beforeAll(async () => {
  f = await contactsFixture();
  alice = await f.addUser('alice');
  bob = await f.addUser('bob');
  book = (await f.service.books(alice, f.meta(alice))).own[0]!.id;
});
afterAll(() => f.a.close());

const contact = (given: string, family: string, email: string) => ({ given, family, emails: [{ value: email, type: 'work' }], phones: [], addresses: [] });

describe('contacts service', () => {
  it('creates, edits, deletes and undeletes contacts from form fields', async () => {
    const m = f.meta(alice);
    const id = await f.service.createContact(alice, book, { ...contact('Jane', 'Doe', 'jane@x.example'), org: 'ACME', phones: [{ value: '+1 555 0100', type: 'cell' }] }, m);
    let card = await f.service.getCard(alice, book, id);
    expect(card.vcard).toMatch(/^BEGIN:VCARD\r\nVERSION:4.0\r\n/);
    expect(card).toMatchObject({ fn: 'Jane Doe', org: 'ACME', emails: ['jane@x.example'], phones: ['+1 555 0100'] });
    await f.service.updateContact(alice, book, id, { ...contact('Jane', 'Roe', 'jane@y.example'), note: 'moved' }, m);
    card = await f.service.getCard(alice, book, id);
    expect(card).toMatchObject({ fn: 'Jane Roe', emails: ['jane@y.example'] });
    expect(card.fields.note).toBe('moved');
    await f.service.deleteCard(alice, book, id, m);
    await expect(f.service.getCard(alice, book, id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await f.service.recentlyDeleted(alice, book)).map((c) => c.fn)).toEqual(['Jane Roe']);
    await f.service.undeleteCard(alice, book, id, m);
    expect((await f.service.getCard(alice, book, id)).fn).toBe('Jane Roe');
    expect(await f.service.recentlyDeleted(alice, book)).toEqual([]);
    // Others cannot read or write it.
    await expect(f.service.getCard(bob, book, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.service.createContact(bob, book, contact('B', 'B', 'b@x.example'), f.meta(bob))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps groups: a contact in several groups, contacts without group, delete with or without members', async () => {
    const m = f.meta(alice);
    const g = await f.service.createBook(alice, { displayName: 'Groups test' }, m);
    const a = await f.service.createContact(alice, g, contact('Anna', 'A', 'anna@x.example'), m);
    const b = await f.service.createContact(alice, g, contact('Bert', 'B', 'bert@x.example'), m);
    const c = await f.service.createContact(alice, g, contact('Cleo', 'C', 'cleo@x.example'), m);
    const team = await f.service.createGroup(alice, g, 'Team', m, [a]);
    const friends = await f.service.createGroup(alice, g, 'Friends', m);
    await f.service.addToGroup(alice, g, friends, [a, b], m);
    expect(await f.service.groups(alice, g)).toEqual([{ cardId: friends, fn: 'Friends', members: 2 }, { cardId: team, fn: 'Team', members: 1 }]);
    expect((await f.service.getCard(alice, g, a)).groups.map((x) => x.fn)).toEqual(['Friends', 'Team']);
    expect((await f.service.listCards(alice, g, { group: 'none' })).map((x) => x.fn)).toEqual(['Cleo C']);
    expect((await f.service.listCards(alice, g, { group: friends })).map((x) => x.fn)).toEqual(['Anna A', 'Bert B']);
    await f.service.removeFromGroup(alice, g, friends, [b], m);
    expect((await f.service.listCards(alice, g, { group: 'none' })).map((x) => x.fn)).toEqual(['Bert B', 'Cleo C']);
    // The mail composer's view of groups.
    expect(await f.directory.expandGroup(alice.id, `${g}/${friends}`)).toEqual([{ name: 'Anna A', email: 'anna@x.example' }]);
    await expect(f.directory.expandGroup(bob.id, `${g}/${friends}`)).rejects.toBeInstanceOf(NotFoundError);
    const sugg = await f.directory.suggest(alice.id, 'fri', 10);
    expect(sugg).toContainEqual({ name: 'Friends', email: '', kind: 'group', groupRef: `${g}/${friends}` });
    expect(await f.service.deleteGroup(alice, g, team, { withContacts: false }, m)).toEqual({ deletedContacts: 0 });
    expect((await f.service.listCards(alice, g)).map((x) => x.fn)).toEqual(['Anna A', 'Bert B', 'Cleo C']);
    // Anna is in Friends and in a new group Club: deleting Friends with its contacts keeps her.
    const club = await f.service.createGroup(alice, g, 'Club', m, [a, c]);
    await f.service.addToGroup(alice, g, friends, [c], m);
    expect(await f.service.deleteGroup(alice, g, friends, { withContacts: true }, m)).toEqual({ deletedContacts: 0 });
    expect(await f.service.deleteGroup(alice, g, club, { withContacts: true }, m)).toEqual({ deletedContacts: 2 });
    expect((await f.service.listCards(alice, g)).map((x) => x.fn)).toEqual(['Bert B']);
  });

  it('searches all books and suggests addresses from contacts and the directory', async () => {
    const hits = await f.service.search(alice, 'bert', f.meta(alice));
    expect(hits.map((h) => [h.fn, h.bookName])).toEqual([['Bert B', 'Groups test']]);
    expect((await f.service.search(alice, 'bob@example', f.meta(alice))).map((h) => h.bookName)).toEqual(['Organization directory']);
    const s = await f.directory.suggest(alice.id, 'b', 5);
    expect(s).toEqual(expect.arrayContaining([{ name: 'Bert B', email: 'bert@x.example', kind: 'contact' }, { name: 'Bob', email: 'bob@example.test', kind: 'directory' }]));
    expect(await f.directory.suggest(bob.id, 'bert', 5)).toEqual([]);
    expect((await f.directory.suggest(alice.id, '%', 5))).toEqual([]);
  });

  it('exports a book or a selection, never the directory', async () => {
    const m = f.meta(alice);
    const x = await f.service.createBook(alice, { displayName: 'Export me' }, m);
    const one = await f.service.createContact(alice, x, contact('One', 'O', 'one@x.example'), m);
    await f.service.putCard(alice, x, 'two.vcf', 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:two\r\nFN:Two\r\nN:Two;;;;\r\nEND:VCARD\r\n', m);
    const all = await f.service.exportVcf(alice, x, undefined);
    expect(all.filename).toBe('export-me.vcf');
    expect(all.body.match(/BEGIN:VCARD/g)).toHaveLength(2);
    expect(all.body).toContain('VERSION:3.0');
    const sel = await f.service.exportVcf(alice, x, [one], '3.0');
    expect(sel.body.match(/BEGIN:VCARD/g)).toHaveLength(1);
    expect(sel.body).toContain('VERSION:3.0');
    await expect(f.service.exportVcf(alice, 'directory', undefined)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(f.service.exportVcf(bob, x, undefined)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('restores a book as it was, into itself, another book or a new one, with a preview', async () => {
    const m = f.meta(alice);
    const r = await f.service.createBook(alice, { displayName: 'Restore me' }, m);
    await f.service.putCard(alice, r, 'keep.vcf', vcard('keep', 'Keep v1'), m);
    await f.service.putCard(alice, r, 'gone.vcf', vcard('gone', 'Gone'), m);
    const at = { position: await f.a.log.head() };
    await f.service.putCard(alice, r, 'keep.vcf', vcard('keep', 'Keep v2 ruined'), m);
    await f.service.deleteCard(alice, r, (await f.service.listCards(alice, r, { q: 'gone' }))[0]!.cardId, m);
    await f.service.putCard(alice, r, 'later.vcf', vcard('later', 'Made later'), m);
    const preview = await f.service.previewRestore(alice, r, at, { kind: 'same' }, m);
    expect(preview).toMatchObject({ restored: ['Gone'], edited: ['Keep v1'], deleted: ['Made later'] });
    expect((await f.service.listCards(alice, r)).map((c) => c.fn)).toEqual(['Keep v2 ruined', 'Made later']);
    // Into a new book: the cards of then, the source untouched.
    const copy = await f.service.restore(alice, r, at, { kind: 'new', displayName: 'Copy of then' }, m);
    expect(copy.added.sort()).toEqual(['Gone', 'Keep v1']);
    expect((await f.service.listCards(alice, copy.targetBookId)).map((c) => c.fn)).toEqual(['Gone', 'Keep v1']);
    // Into another existing book: same UID replaced, others added, nothing deleted there.
    const other = await f.service.createBook(alice, { displayName: 'Other' }, m);
    await f.service.putCard(alice, other, 'mine.vcf', vcard('keep', 'Keep elsewhere'), m);
    await f.service.putCard(alice, other, 'extra.vcf', vcard('extra', 'Extra'), m);
    const into = await f.service.restore(alice, r, at, { kind: 'book', bookId: other }, m);
    expect(into).toMatchObject({ added: ['Gone'], updated: ['Keep v1'] });
    expect((await f.service.listCards(alice, other)).map((c) => [c.fn, c.name])).toEqual([['Extra', 'extra.vcf'], ['Gone', 'gone.vcf'], ['Keep v1', 'mine.vcf']]);
    // Into itself; then undone by restoring to just before.
    const before = { position: await f.a.log.head() };
    await f.service.restore(alice, r, at, { kind: 'same' }, m);
    expect((await f.service.listCards(alice, r)).map((c) => c.fn)).toEqual(['Gone', 'Keep v1']);
    expect((await f.service.recentlyDeleted(alice, r)).map((c) => c.fn)).toEqual(['Made later']);
    await f.service.restore(alice, r, before, { kind: 'same' }, m);
    expect((await f.service.listCards(alice, r)).map((c) => c.fn)).toEqual(['Keep v2 ruined', 'Made later']);
    await expect(f.service.restore(bob, r, at, { kind: 'same' }, f.meta(bob))).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.service.previewRestore(alice, r, { time: new Date('2020-01-01') }, { kind: 'same' }, m)).rejects.toThrow(/retention/);
  });

  it('imports 10,000 cards in under 5 s, syncs them, and restores the book in under 2 s', async () => {
    const m = f.meta(alice);
    const big = await f.service.createBook(alice, { displayName: 'Big' }, m);
    const cards: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      cards.push(`BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big-${i}\r\nFN:Person ${i}\r\nN:${i};Person;;;\r\nEMAIL;TYPE=INTERNET:p${i}@big.example\r\nTEL;TYPE=CELL:+1 555 ${String(i).padStart(6, '0')}\r\nORG:Company ${i % 97}\r\nNOTE:Some note about person ${i}\\, with a comma.\r\nEND:VCARD\r\n`);
    }
    let t = performance.now();
    const res = await f.service.importVcf(alice, big, cards.join(''), 'skip', m);
    const importMs = performance.now() - t;
    expect(res).toMatchObject({ total: 10_000, added: 10_000, invalid: [] });
    expect(importMs).toBeLessThan(5_000);
    const at = { position: await f.a.log.head() };
    const c = (await f.backend.listCollections(f.ctx(alice), alice)).find((x) => x.id === big)!;
    t = performance.now();
    const changes = await f.backend.changesSince(f.ctx(alice), c, 0);
    expect(changes !== 'expired' && changes.changed.length).toBe(10_000);
    expect(performance.now() - t).toBeLessThan(1_000);
    for (let i = 0; i < 50; i++) await f.service.deleteCard(alice, big, (await f.service.listCards(alice, big, { q: `p${i}@big.example` }))[0]!.cardId, m);
    t = performance.now();
    const restored = await f.service.restore(alice, big, at, { kind: 'same' }, m);
    const restoreMs = performance.now() - t;
    expect(restored.restored).toHaveLength(50);
    expect(restoreMs).toBeLessThan(2_000);
    expect((await f.service.listCards(alice, big, { q: 'p1@big.example' }))).toHaveLength(1);
    console.log(`import 10k: ${importMs.toFixed(0)} ms, restore 10k-card book: ${restoreMs.toFixed(0)} ms`);
  }, 60_000);
});
