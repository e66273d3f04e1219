// Import "merge": the card already in the book wins for single-valued properties, and
// gains every multi-valued one (email, phone, address, URL…) it does not have yet.
import type { VCard, VProp } from './vcard-types.ts';
import { toVersion4 } from './convert-vcard.ts';
import { serializeVCard } from './serialize-vcard.ts';
import { unescapeText } from './vcard-text.ts';

/** Properties a card has at most once (RFC 6350 cardinality 1 or *1), plus housekeeping ones. */
const SINGLE = new Set(['FN', 'N', 'UID', 'KIND', 'BDAY', 'ANNIVERSARY', 'GENDER', 'PHOTO', 'REV', 'PRODID', 'PROFILE', 'X-ADDRESSBOOKSERVER-KIND']);

const norm = (p: VProp) => `${p.name}\u0000${unescapeText(p.value).trim().toLowerCase().replace(/^(mailto|tel):/, '').replace(/[\s().-]/g, '')}`;

/** The merged card as vCard 4.0 text, or undefined when `incoming` adds nothing. */
export function mergeVCards(existing: VCard, incoming: VCard): string | undefined {
  const base = toVersion4(existing);
  const add = toVersion4(incoming);
  const have = new Set(base.props.map(norm));
  const names = new Set(base.props.map((p) => p.name));
  const extra: VProp[] = [];
  for (const p of add.props) {
    if (SINGLE.has(p.name)) {
      if (!names.has(p.name)) { extra.push(p); names.add(p.name); }
      continue;
    }
    const k = norm(p);
    if (!have.has(k)) { extra.push(p); have.add(k); }
  }
  if (extra.length === 0) return undefined;
  return serializeVCard({ version: '4.0', props: [...base.props, ...extra] });
}

export type { VCard };
