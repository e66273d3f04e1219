// Cards made by the browser form: vCard 4.0 text from the fields a person fills in.
// An edit keeps every property the form does not show (X- extensions, IMPP, GEO, …)
// and the card's own order, so editing in the browser loses nothing a phone put there.
import type { VCard, VProp } from './vcard-types.ts';
import { escapeText, joinComponents } from './vcard-text.ts';
import { serializeVCard } from './serialize-vcard.ts';
import { toVersion4 } from './convert-vcard.ts';

export interface ContactInput {
  given: string;
  family: string;
  /** Formatted name; derived from the names (or the org, or the first email) when empty. */
  fn?: string;
  nickname?: string;
  emails: { value: string; type?: string }[];
  phones: { value: string; type?: string }[];
  addresses: { street: string; locality: string; region: string; postcode: string; country: string; type?: string }[];
  org?: string;
  title?: string;
  /** YYYY-MM-DD or --MM-DD. */
  bday?: string;
  note?: string;
  url?: string;
  /** A data: URI of the photo; undefined keeps the current one, '' removes it. */
  photo?: string;
}

/** Properties the form owns: replaced as a whole on edit. */
const FORM_PROPS = new Set(['FN', 'N', 'NICKNAME', 'EMAIL', 'TEL', 'ADR', 'ORG', 'TITLE', 'BDAY', 'NOTE', 'URL', 'PHOTO', 'LABEL']);

const prop = (name: string, value: string, params: Record<string, string[]> = {}): VProp => ({ group: undefined, name, params, value });
const typed = (t: string | undefined): Record<string, string[]> => (t && /^[a-z-]{1,20}$/i.test(t) ? { TYPE: [t.toLowerCase()] } : {});

export function displayNameOf(input: ContactInput): string {
  const fn = input.fn?.trim() || [input.given.trim(), input.family.trim()].filter(Boolean).join(' ') || input.org?.trim() || input.emails[0]?.value.trim() || input.phones[0]?.value.trim() || '';
  return fn;
}

/** The vCard 4.0 text for a contact; `base` is the card being edited (kept properties). */
export function buildContactVCard(input: ContactInput, uid: string, base?: VCard): string {
  const kept = base ? toVersion4(base).props.filter((p) => !FORM_PROPS.has(p.name) && !(p.name === 'PHOTO')) : [];
  const oldPhoto = base ? toVersion4(base).props.find((p) => p.name === 'PHOTO') : undefined;
  const props: VProp[] = [];
  if (!kept.some((p) => p.name === 'UID')) props.push(prop('UID', uid));
  props.push(prop('FN', escapeText(displayNameOf(input))));
  props.push(prop('N', joinComponents([input.family.trim(), input.given.trim(), '', '', ''])));
  if (input.nickname?.trim()) props.push(prop('NICKNAME', escapeText(input.nickname.trim())));
  input.emails.forEach((e, i) => { if (e.value.trim()) props.push(prop('EMAIL', escapeText(e.value.trim()), { ...typed(e.type), ...(i === 0 ? { PREF: ['1'] } : {}) })); });
  input.phones.forEach((p) => { if (p.value.trim()) props.push(prop('TEL', escapeText(p.value.trim()), { ...typed(p.type), VALUE: ['text'] })); });
  for (const a of input.addresses) {
    if (![a.street, a.locality, a.region, a.postcode, a.country].some((s) => s.trim())) continue;
    props.push(prop('ADR', joinComponents(['', '', a.street.trim(), a.locality.trim(), a.region.trim(), a.postcode.trim(), a.country.trim()]), typed(a.type)));
  }
  if (input.org?.trim()) props.push(prop('ORG', escapeText(input.org.trim())));
  if (input.title?.trim()) props.push(prop('TITLE', escapeText(input.title.trim())));
  if (input.bday?.trim()) props.push(prop('BDAY', input.bday.trim().replace(/^(\d{4})-(\d\d)-(\d\d)$/, '$1$2$3').replace(/^--(\d\d)-(\d\d)$/, '--$1$2')));
  if (input.note?.trim()) props.push(prop('NOTE', escapeText(input.note.trim())));
  if (input.url?.trim()) props.push(prop('URL', input.url.trim()));
  const photo = input.photo === undefined ? oldPhoto?.value : input.photo;
  if (photo) props.push(prop('PHOTO', photo));
  return serializeVCard({ version: '4.0', props: [...props, ...kept] });
}

/** A group card (KIND:group) listing its members by `urn:uuid:<uid>`; keeps other properties of `base`. */
export function buildGroupVCard(name: string, uid: string, memberUids: readonly string[], base?: VCard): string {
  const kept = base ? toVersion4(base).props.filter((p) => !['FN', 'N', 'KIND', 'MEMBER', 'UID'].includes(p.name)) : [];
  const props: VProp[] = [
    prop('UID', uid), prop('KIND', 'group'), prop('FN', escapeText(name.trim())), prop('N', joinComponents([name.trim(), '', '', '', ''])),
    ...[...new Set(memberUids)].map((m) => prop('MEMBER', /^urn:|^mailto:|^https?:/i.test(m) ? m : `urn:uuid:${m}`)),
    ...kept,
  ];
  return serializeVCard({ version: '4.0', props });
}
