// The fields the read model, the list and the search need, read from a card of any version.
import type { VCard, VProp } from './vcard-types.ts';
import { components, unescapeText } from './vcard-text.ts';

export type CardKind = 'individual' | 'group';

export interface TypedValue { value: string; types: string[] }

export interface CardFields {
  uid: string;
  kind: CardKind;
  fn: string;
  /** Family and given names, for sorting and the edit form. */
  n: { family: string; given: string; additional: string; prefix: string; suffix: string };
  nickname: string;
  emails: TypedValue[];
  phones: TypedValue[];
  addresses: (TypedValue & { parts: { street: string; locality: string; region: string; postcode: string; country: string } })[];
  org: string;
  title: string;
  bday: string;
  note: string;
  urls: string[];
  /** A data: URI or an http(s) URL (shown as an image), or ''. */
  photo: string;
  /** Member UIDs of a group, normalized (see normalizeUid). */
  members: string[];
  categories: string[];
}

/** `urn:uuid:ABC` and `ABC` name the same card; compared case-insensitively. */
export function normalizeUid(uid: string): string {
  return uid.trim().replace(/^urn:uuid:/i, '').toLowerCase();
}

const typesOf = (p: VProp) => (p.params.TYPE ?? []).flatMap((t) => t.split(',')).map((t) => t.toLowerCase()).filter((t) => t !== 'internet' && t !== 'voice');

function photoOf(p: VProp | undefined): string {
  if (!p) return '';
  const v = p.value.trim();
  const enc = p.params.ENCODING?.[0]?.toUpperCase();
  if (enc === 'B' || enc === 'BASE64') {
    const t = (p.params.TYPE?.[0] ?? 'jpeg').toLowerCase();
    return `data:image/${t === 'jpg' ? 'jpeg' : t};base64,${v.replace(/\s+/g, '')}`;
  }
  if (/^data:image\/(png|jpe?g|gif|webp);base64,/i.test(v) || /^https?:\/\//i.test(v)) return v;
  return '';
}

export function cardFields(card: VCard): CardFields {
  const all = (name: string) => card.props.filter((p) => p.name === name);
  const one = (name: string) => card.props.find((p) => p.name === name);
  const text = (name: string) => { const p = one(name); return p ? unescapeText(p.value).trim() : ''; };
  const nProp = one('N');
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = nProp ? components(nProp.value) : [];
  const n = { family, given, additional, prefix, suffix };
  let fn = text('FN');
  if (!fn) fn = [prefix, given, additional, family, suffix].filter(Boolean).join(' ').trim();
  const emails = all('EMAIL').map((p) => ({ value: unescapeText(p.value).trim().replace(/^mailto:/i, ''), types: typesOf(p) })).filter((e) => e.value);
  const orgProp = one('ORG');
  const org = orgProp ? components(orgProp.value).filter(Boolean).join(', ') : '';
  if (!fn) fn = org || emails[0]?.value || '';
  const kindText = (text('KIND') || text('X-ADDRESSBOOKSERVER-KIND')).toLowerCase();
  return {
    uid: text('UID'),
    kind: kindText === 'group' ? 'group' : 'individual',
    fn,
    n,
    nickname: text('NICKNAME'),
    emails,
    phones: all('TEL').map((p) => ({ value: unescapeText(p.value).trim().replace(/^tel:/i, ''), types: typesOf(p) })).filter((e) => e.value),
    addresses: all('ADR').map((p) => {
      const [, , street = '', locality = '', region = '', postcode = '', country = ''] = components(p.value);
      const parts = { street, locality, region, postcode, country };
      return { value: [street, locality, region, postcode, country].filter(Boolean).join(', '), types: typesOf(p), parts };
    }),
    org,
    title: text('TITLE'),
    bday: text('BDAY'),
    note: text('NOTE'),
    urls: all('URL').map((p) => unescapeText(p.value).trim()).filter(Boolean),
    photo: photoOf(one('PHOTO')),
    members: [...all('MEMBER'), ...all('X-ADDRESSBOOKSERVER-MEMBER')].map((p) => normalizeUid(p.value)).filter(Boolean),
    categories: all('CATEGORIES').flatMap((p) => p.value.split(',').map((c) => unescapeText(c).trim())).filter(Boolean),
  };
}
