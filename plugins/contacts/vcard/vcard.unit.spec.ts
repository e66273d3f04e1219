import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cardFields } from './card-fields.ts';
import { convertVCard, toVersion3, toVersion4 } from './convert-vcard.ts';
import { mergeVCards } from './merge-vcard.ts';
import { parseVCard, parseVCards, splitVCardTexts, validateVCard } from './parse-vcard.ts';
import { prepareCard } from './prepare-card.ts';
import { fold, serializeVCard } from './serialize-vcard.ts';
import { buildContactVCard, buildGroupVCard } from './build-vcard.ts';
import { DavPreconditionError } from '../../../core/dav/errors.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('vCard parsing', () => {
  it('reads a Google export (3.0, no UID, escaped values, grouped properties)', () => {
    const cards = parseVCards(fixture('google-contacts.vcf'));
    expect(cards).toHaveLength(3);
    const ada = cardFields(cards[0]!);
    expect(ada).toMatchObject({ fn: 'Ada Lovelace', uid: '', kind: 'individual', org: 'Analytical Engines Ltd', title: 'Programmer', note: 'First programmer, probably.\nLikes poetry.' });
    expect(ada.emails.map((e) => e.value)).toEqual(['ada@example.org', 'ada@engines.example']);
    expect(ada.emails[0]!.types).toEqual(['home']);
    expect(ada.urls).toEqual(['https://ada.example.org']);
    expect(ada.addresses[0]!.parts).toEqual({ street: "12 St James's Square", locality: 'London', region: '', postcode: 'SW1Y 4JH', country: 'United Kingdom' });
    expect(cardFields(cards[2]!).fn).toBe('noname@example.org');
  });

  it('reads an Apple export: folded base64 photo, item groups, a group card', () => {
    const [grace, , group] = parseVCards(fixture('apple-contacts.vcf'));
    const f = cardFields(grace!);
    expect(f.photo).toMatch(/^data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+$/);
    expect(f.photo).toContain('YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==');
    expect(grace!.props.find((p) => p.name === 'ADR')!.group).toBe('item1');
    const g = cardFields(group!);
    expect(g.kind).toBe('group');
    expect(g.members).toEqual(['5b1d6e2c-7a3f-4c11-9e0b-2d1a3b4c5d6e', '0c7e2d1b-1111-4222-8333-944455566677']);
  });

  it('decodes Outlook 2.1 quoted-printable with soft line breaks and bare TYPE parameters', () => {
    const [alan] = parseVCards(fixture('outlook-contact.vcf'));
    expect(alan!.version).toBe('2.1');
    const f = cardFields(alan!);
    expect(f.note).toBe('Café regular, likes long runs.\nSecond line.');
    expect(f.phones.map((p) => p.types)).toEqual([['work'], ['cell']]);
    expect(() => validateVCard(alan!)).toThrow(/2\.1/);
  });

  it('refuses what is not one valid 3.0/4.0 card', () => {
    expect(() => parseVCard('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n')).toThrow(/END:VCARD/);
    expect(() => parseVCard('BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n')).toThrow(/VERSION/);
    expect(() => parseVCard('BEGIN:VCARD\r\nVERSION:5.0\r\nFN:x\r\nEND:VCARD\r\n')).toThrow(/not supported/);
    expect(() => parseVCard('hello')).toThrow();
    expect(() => prepareCard('BEGIN:VCARD\r\nVERSION:4.0\r\nN:a;b;;;\r\nEND:VCARD\r\n', 'x')).toThrow(DavPreconditionError);
    expect(() => prepareCard('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:b\r\nEND:VCARD\r\n', 'x')).toThrow(/exactly one/);
    expect(() => prepareCard(`BEGIN:VCARD\r\nVERSION:4.0\r\nFN:a\r\nNOTE:${'x'.repeat(800_000)}\r\nEND:VCARD\r\n`, 'x')).toThrow(/limited/);
    const ok = prepareCard('BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nEND:VCARD\r\n', 'fallback');
    expect(ok.fields).toMatchObject({ fn: 'Jane Doe', uid: 'fallback' });
  });

  it('splits a multi-card file keeping each card as written', () => {
    const texts = splitVCardTexts(fixture('thunderbird-contacts.vcf'));
    expect(texts).toHaveLength(4);
    expect(texts[0]).toMatch(/^BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-\/\/Thunderbird\/\/EN\r\n/);
  });

  it('folds at 75 octets without splitting UTF-8 characters', () => {
    const line = `NOTE:${'é'.repeat(100)}`;
    const folded = fold(line);
    for (const l of folded.split('\r\n')) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n ').join('')).toBe(line);
  });
});

describe('vCard 3.0 ⇄ 4.0', () => {
  it('converts an Apple 3.0 card to 4.0: photo data URI, PREF, no INTERNET', () => {
    const v4 = serializeVCard(toVersion4(parseVCards(fixture('apple-contacts.vcf'))[0]!));
    expect(v4).toMatch(/^BEGIN:VCARD\r\nVERSION:4.0\r\n/);
    const card = parseVCard(v4);
    const photo = card.props.find((p) => p.name === 'PHOTO')!;
    expect(photo.value).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(photo.params).toEqual({});
    const email = card.props.find((p) => p.name === 'EMAIL')!;
    expect(email.params).toEqual({ TYPE: ['work'], PREF: ['1'] });
    expect(cardFields(card).photo).toBe(cardFields(parseVCards(fixture('apple-contacts.vcf'))[0]!).photo);
  });

  it('converts groups both ways (KIND/MEMBER ⇄ X-ADDRESSBOOKSERVER-*)', () => {
    const group = parseVCards(fixture('apple-contacts.vcf'))[2]!;
    const v4 = toVersion4(group);
    expect(v4.props.filter((p) => p.name === 'KIND').map((p) => p.value)).toEqual(['group']);
    expect(v4.props.filter((p) => p.name === 'MEMBER')).toHaveLength(2);
    const back = toVersion3(v4);
    expect(back.props.some((p) => p.name === 'KIND' || p.name === 'MEMBER')).toBe(false);
    expect(back.props.filter((p) => p.name === 'X-ADDRESSBOOKSERVER-MEMBER')).toHaveLength(2);
    expect(cardFields(back).members).toEqual(cardFields(group).members);
  });

  it('converts a Thunderbird 4.0 card to 3.0 and back without losing the fields', () => {
    const linus = parseVCards(fixture('thunderbird-contacts.vcf'))[0]!;
    const v3 = convertVCard(linus, '3.0');
    const text = serializeVCard(v3);
    expect(text).toContain('VERSION:3.0');
    expect(text).toMatch(/EMAIL;TYPE=INTERNET,pref:linus@kernel.example|EMAIL;TYPE=INTERNET;TYPE=pref/);
    expect(text).not.toContain('PREF=1');
    expect(text).not.toMatch(/VALUE=TEXT/i);
    const a = cardFields(linus);
    const b = cardFields(toVersion4(parseVCard(text)));
    for (const k of ['fn', 'uid', 'nickname', 'bday', 'note'] as const) expect(b[k]).toEqual(a[k]);
    expect(b.emails.map((e) => e.value)).toEqual(a.emails.map((e) => e.value));
    expect(b.phones.map((e) => e.value)).toEqual(a.phones.map((e) => e.value));
  });

  it('writes a 4.0 photo as ENCODING=b in 3.0', () => {
    const c = parseVCard('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:P\r\nPHOTO:data:image/jpeg;base64,AAAA\r\nEND:VCARD\r\n');
    const p = toVersion3(c).props.find((x) => x.name === 'PHOTO')!;
    expect(p).toMatchObject({ value: 'AAAA', params: { ENCODING: ['b'], TYPE: ['JPEG'] } });
    expect(toVersion3(c).props.find((x) => x.name === 'N')!.value).toBe('P;;;;');
  });
});

describe('cards from the form, groups and merges', () => {
  it('builds a 4.0 card and keeps unknown properties on edit', () => {
    const base = parseVCard('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Old\r\nX-SOCIAL:foo\r\nEMAIL:old@x.example\r\nEND:VCARD\r\n');
    const text = buildContactVCard({ given: 'Jane', family: 'Doe', emails: [{ value: 'jane@x.example', type: 'work' }], phones: [{ value: '+1 555', type: 'cell' }], addresses: [], note: 'a;b,c' }, 'u1', base);
    const f = cardFields(parseVCard(text));
    expect(f).toMatchObject({ fn: 'Jane Doe', uid: 'u1', note: 'a;b,c' });
    expect(f.emails.map((e) => e.value)).toEqual(['jane@x.example']);
    expect(text).toContain('X-SOCIAL:foo');
    expect(text.match(/^UID:/gm)).toHaveLength(1);
  });

  it('builds a group with urn:uuid members', () => {
    const text = buildGroupVCard('Team', 'urn:uuid:g1', ['a1', 'urn:uuid:b2', 'a1']);
    expect(text.match(/^MEMBER:/gm)).toHaveLength(2);
    expect(cardFields(parseVCard(text))).toMatchObject({ kind: 'group', fn: 'Team', members: ['a1', 'b2'] });
  });

  it('merges new emails and phones into the existing card, and nothing when nothing is new', () => {
    const [, adaTb] = parseVCards(fixture('thunderbird-contacts.vcf'));
    const [adaGoogle] = parseVCards(fixture('google-contacts.vcf'));
    const merged = mergeVCards(adaGoogle!, adaTb!)!;
    const f = cardFields(parseVCard(merged));
    expect(f.fn).toBe('Ada Lovelace');
    expect(f.phones.map((p) => p.value)).toEqual(['+44 20 7946 0018', '+44 20 7946 7777']);
    expect(f.emails.map((e) => e.value)).toEqual(['ada@example.org', 'ada@engines.example']);
    expect(mergeVCards(parseVCard(merged), adaTb!)).toBeUndefined();
  });
});
