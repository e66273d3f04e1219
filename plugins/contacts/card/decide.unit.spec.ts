import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { DavPreconditionFailed } from '../../../core/dav/errors.ts';
import type { ContactsEvent } from '../events.ts';
import { prepareCard } from '../vcard/prepare-card.ts';
import { decideCard, type CardCommand } from './decide.ts';
import { evolveCard, type CardState } from './state.ts';
import { decideBook } from '../addressbook/decide.ts';
import { evolveBook, type BookState } from '../addressbook/state.ts';
import { addressBookSpec, copyInto } from '../addressbook/addressbook-restore.ts';

let pos = 100;
const stored = (e: ContactsEvent, stream = 'contacts-card:b1:c1'): StoredEvent => ({
  ...e, position: ++pos, stream, streamPosition: 1, recordedAt: 0, metadata: { actor: 'u1', source: 'dav', time: '2026-01-01T00:00:00.000Z' },
});
const vcard = (fn: string, uid = 'u-1') => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${uid}\r\nFN:${fn}\r\nEND:VCARD\r\n`;
const prepared = (fn: string, uid?: string) => prepareCard(vcard(fn, uid), 'x');
const given = (...events: ContactsEvent[]): CardState => events.map((e) => stored(e)).reduce(evolveCard, undefined as CardState);
const put = (fn: string, cond?: { ifMatch?: string; ifNoneMatch?: string }): CardCommand => ({ type: 'put', bookId: 'b1', cardId: 'c1', name: 'c1.vcf', card: prepared(fn), ...(cond ? { cond } : {}) });
const putEvent = (fn: string): ContactsEvent => ({ type: 'contacts.CardPut', data: { bookId: 'b1', cardId: 'c1', name: 'c1.vcf', uid: 'u-1', kind: 'individual', fn, vcard: vcard(fn) } });

describe('card decide', () => {
  it('puts a card, and appends nothing when the same text is put again', () => {
    expect(decideCard(put('Jane'), undefined)).toEqual([putEvent('Jane')]);
    expect(decideCard(put('Jane'), given(putEvent('Jane')))).toEqual([]);
    expect(decideCard(put('Janet'), given(putEvent('Jane')))).toEqual([putEvent('Janet')]);
  });

  it('checks If-Match and If-None-Match against the ETag (the position of the last change)', () => {
    const s = given(putEvent('Jane'));
    const etag = `"${s!.position}"`;
    expect(() => decideCard(put('X', { ifNoneMatch: '*' }), s)).toThrow(DavPreconditionFailed);
    expect(() => decideCard(put('X', { ifMatch: '"1"' }), s)).toThrow(DavPreconditionFailed);
    expect(() => decideCard(put('X', { ifMatch: '*' }), undefined)).toThrow(DavPreconditionFailed);
    expect(decideCard(put('X', { ifMatch: etag }), s)).toEqual([putEvent('X')]);
    expect(decideCard(put('X', { ifNoneMatch: '*' }), undefined)).toEqual([putEvent('X')]);
    const deleted = given(putEvent('Jane'), { type: 'contacts.CardDeleted', data: { bookId: 'b1', cardId: 'c1', name: 'c1.vcf' } });
    expect(decideCard(put('X', { ifNoneMatch: '*' }), deleted)).toEqual([putEvent('X')]);
  });

  it('deletes once (404 after), and undeletes with the content it had', () => {
    const deleted = given(putEvent('Jane'), { type: 'contacts.CardDeleted', data: { bookId: 'b1', cardId: 'c1', name: 'c1.vcf' } });
    expect(() => decideCard({ type: 'delete' }, deleted)).toThrow(NotFoundError);
    expect(() => decideCard({ type: 'delete' }, undefined)).toThrow(NotFoundError);
    expect(decideCard({ type: 'undelete' }, deleted)).toEqual([putEvent('Jane')]);
    expect(decideCard({ type: 'undelete' }, given(putEvent('Jane')))).toEqual([]);
  });
});

describe('address book decide', () => {
  const created: ContactsEvent = { type: 'contacts.AddressBookCreated', data: { bookId: 'b1', owner: 'u1', slug: 'work', displayName: 'Work', description: '', props: {} } };
  const book = (...events: ContactsEvent[]): BookState => events.map((e) => stored(e, 'contacts-addressbook:b1')).reduce(evolveBook, undefined as BookState);
  it('creates once, ensure is idempotent, reserved slugs are refused', () => {
    expect(decideBook({ type: 'create', bookId: 'b1', owner: 'u1', slug: 'work', displayName: ' Work ', description: '' }, undefined)).toEqual([created]);
    expect(() => decideBook({ type: 'create', bookId: 'b1', owner: 'u1', slug: 'work', displayName: 'W', description: '' }, book(created))).toThrow(ConflictError);
    expect(decideBook({ type: 'ensure', bookId: 'b1', owner: 'u1', slug: 'work', displayName: 'W', description: '' }, book(created))).toEqual([]);
    expect(() => decideBook({ type: 'create', bookId: 'b2', owner: 'u1', slug: 'directory', displayName: 'x', description: '' }, undefined)).toThrow(ValidationError);
    expect(() => decideBook({ type: 'create', bookId: 'b2', owner: 'u1', slug: 'a/b', displayName: 'x', description: '' }, undefined)).toThrow(ValidationError);
  });
  it('updates only what changed and restores a deleted book', () => {
    expect(decideBook({ type: 'update', displayName: 'Work' }, book(created))).toEqual([]);
    expect(decideBook({ type: 'update', props: { '{x:}color': '#f00' } }, book(created))).toEqual([{ type: 'contacts.AddressBookUpdated', data: { bookId: 'b1', displayName: 'Work', description: '', props: { '{x:}color': '#f00' } } }]);
    const gone = book(created, { type: 'contacts.AddressBookDeleted', data: { bookId: 'b1' } });
    expect(() => decideBook({ type: 'update', displayName: 'x' }, gone)).toThrow(NotFoundError);
    expect(decideBook({ type: 'undelete' }, gone)).toEqual([{ type: 'contacts.AddressBookRestored', data: created.data }]);
  });
});

describe('address book restore diff', () => {
  const spec = addressBookSpec('b1');
  const cardPut = (id: string, fn: string, uid = id): ContactsEvent => ({ type: 'contacts.CardPut', data: { bookId: 'b1', cardId: id, name: `${id}.vcf`, uid, kind: 'individual', fn, vcard: vcard(fn, uid) } });
  const fold = (...events: ContactsEvent[]) => events.map((e) => stored(e, e.type.startsWith('contacts.Card') ? `contacts-card:b1:${(e.data as { cardId: string }).cardId}` : 'contacts-addressbook:b1')).reduce(spec.evolve, spec.initialState());
  const meta = { actor: 'u1', source: 'ui' as const, time: '' };

  it('brings back deleted cards, reverts edits and removes cards made later', () => {
    const then = fold(cardPut('a', 'A'), cardPut('b', 'B'));
    const now = fold(cardPut('a', 'A'), cardPut('a', 'A2'), cardPut('b', 'B'), { type: 'contacts.CardDeleted', data: { bookId: 'b1', cardId: 'b', name: 'b.vcf' } }, cardPut('c', 'C'));
    expect(spec.diff(now, then, meta)).toEqual([
      { stream: 'contacts-card:b1:a', events: [cardPut('a', 'A')] },
      { stream: 'contacts-card:b1:b', events: [cardPut('b', 'B')] },
      { stream: 'contacts-card:b1:c', events: [{ type: 'contacts.CardDeleted', data: { bookId: 'b1', cardId: 'c', name: 'c.vcf' } }] },
    ]);
    expect(spec.diff(then, then, meta)).toEqual([]);
  });

  it('copies into another book: replaces same-UID cards, adds the rest, deletes nothing', () => {
    const source = fold(cardPut('a', 'A', 'uid-a'), cardPut('b', 'B', 'uid-b'));
    const destSpec = addressBookSpec('b2');
    const dest = [{ ...cardPut('x', 'Old A', 'uid-a'), data: { ...cardPut('x', 'Old A', 'uid-a').data, bookId: 'b2' } } as ContactsEvent, { ...cardPut('b', 'Other', 'uid-z'), data: { ...cardPut('b', 'Other', 'uid-z').data, bookId: 'b2' } } as ContactsEvent]
      .map((e) => stored(e, `contacts-card:b2:${(e.data as { cardId: string }).cardId}`)).reduce(destSpec.evolve, destSpec.initialState());
    const plans = copyInto(source, dest, 'b2', new Map([['contacts-card:b2:x', 1]]), () => 'fresh.vcf');
    expect(plans.map((p) => [p.action, p.fn, p.stream, p.expected])).toEqual([
      ['updated', 'A', 'contacts-card:b2:x', 1],
      ['added', 'B', expect.stringMatching(/^contacts-card:b2:/), 0],
    ]);
    expect((plans[1]!.events[0]!.data as { name: string }).name).toBe('fresh.vcf');
  });
});
