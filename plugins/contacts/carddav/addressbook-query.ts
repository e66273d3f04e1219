// RFC 6352 §10.5 addressbook-query filters, evaluated on parsed cards.
// - filter@test and prop-filter@test: anyof (default) or allof.
// - prop-filter: is-not-defined | (text-match | param-filter)*; with no children it
//   matches when the property exists. A property matches when its instance satisfies
//   the tests; the prop-filter matches when any instance does.
// - text-match: collations i;unicode-casemap (default), i;ascii-casemap, i;octet;
//   match-type equals | contains (default) | starts-with | ends-with; negate-condition.
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import type { XmlElement } from '../../../core/dav/types.ts';
import type { VCard, VProp } from '../vcard/vcard-types.ts';
import { unescapeText } from '../vcard/vcard-text.ts';
import { CARDDAV } from '../vcard/prepare-card.ts';

const C = (local: string) => `{${CARDDAV}}${local}`;
const COLLATIONS = new Set(['i;unicode-casemap', 'i;ascii-casemap', 'i;octet']);
const MATCH_TYPES = new Set(['equals', 'contains', 'starts-with', 'ends-with']);

function textMatches(value: string, tm: XmlElement): boolean {
  const collation = tm.attrs.collation ?? 'i;unicode-casemap';
  if (!COLLATIONS.has(collation)) throw new DavPreconditionError(C('supported-collation'), `collation ${collation} is not supported`, 403);
  const type = tm.attrs['match-type'] ?? 'contains';
  if (!MATCH_TYPES.has(type)) throw new DavPreconditionError(C('supported-filter'), `match-type ${type} is not supported`, 403);
  const fold = (s: string) => (collation === 'i;octet' ? s : collation === 'i;ascii-casemap' ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s.normalize('NFC').toLowerCase());
  const v = fold(value);
  const needle = fold(tm.text);
  const hit = type === 'equals' ? v === needle : type === 'starts-with' ? v.startsWith(needle) : type === 'ends-with' ? v.endsWith(needle) : v.includes(needle);
  return tm.attrs['negate-condition'] === 'yes' ? !hit : hit;
}

function paramMatches(p: VProp, pf: XmlElement): boolean {
  const name = (pf.attrs.name ?? '').toUpperCase();
  const values = p.params[name];
  if (pf.children.some((c) => c.name === C('is-not-defined'))) return values === undefined;
  if (values === undefined) return false;
  const tm = pf.children.find((c) => c.name === C('text-match'));
  return tm ? values.some((v) => textMatches(v, tm)) : true;
}

function instanceMatches(p: VProp, tests: XmlElement[], allof: boolean): boolean {
  const results = tests.map((t) => (t.name === C('text-match') ? textMatches(unescapeText(p.value), t) : paramMatches(p, t)));
  return allof ? results.every(Boolean) : results.some(Boolean);
}

export function propFilterMatches(card: VCard, pf: XmlElement): boolean {
  const name = (pf.attrs.name ?? '').toUpperCase();
  if (!name) throw new DavPreconditionError(C('supported-filter'), 'a prop-filter needs a name', 403);
  const props = name === 'VERSION' ? [{ group: undefined, name, params: {}, value: card.version }] : card.props.filter((p) => p.name === name);
  if (pf.children.some((c) => c.name === C('is-not-defined'))) return props.length === 0;
  if (props.length === 0) return false;
  const tests = pf.children.filter((c) => c.name === C('text-match') || c.name === C('param-filter'));
  if (tests.length === 0) return true;
  const allof = pf.attrs.test === 'allof';
  return props.some((p) => instanceMatches(p, tests, allof));
}

/** Whether a card satisfies the `<card:filter>` of an addressbook-query (no filter: every card). */
export function cardMatches(card: VCard, filter: XmlElement | undefined): boolean {
  if (!filter) return true;
  const pfs = filter.children.filter((c) => c.name === C('prop-filter'));
  if (pfs.length === 0) return true;
  return filter.attrs.test === 'allof' ? pfs.every((pf) => propFilterMatches(card, pf)) : pfs.some((pf) => propFilterMatches(card, pf));
}

/** `<card:limit><card:nresults>n</card:nresults></card:limit>` (RFC 6352 §8.6.1), if any. */
export function resultLimit(report: XmlElement): number | undefined {
  const limit = report.children.find((c) => c.name === C('limit'));
  const n = limit?.children.find((c) => c.name === C('nresults'));
  const v = n ? Number.parseInt(n.text.trim(), 10) : NaN;
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}
