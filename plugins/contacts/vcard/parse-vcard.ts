// Implementation notes — vCard parsing (RFC 6350 for 4.0, RFC 2426 for 3.0, 2.1 for imports).
// - Lines are unfolded first (CRLF or LF followed by one space or tab), then split into
//   group, name, parameters and value at the first colon outside double quotes.
// - Values are kept as written (escaped): a card is stored as the client sent it, and the
//   parser only reads it for validation, conversion and the read model.
// - vCard 2.1 quoted-printable values (Outlook exports) are decoded into UTF-8 and
//   their soft line breaks joined, so imports of old files work; DAV PUT accepts 3.0/4.0 only.
import { ValidationError } from '../../../core/errors.ts';
import { MAX_CARD_PROPERTIES } from '../limits.ts';
import type { VCard, VCardVersion, VProp } from './vcard-types.ts';

export class InvalidVCardError extends ValidationError {
  constructor(message: string) { super(`invalid vCard: ${message}`, { code: 'invalid_vcard' }); }
}

/** Unfolds and splits into logical lines (quoted-printable soft breaks of 2.1 joined too). */
export function unfold(text: string): string[] {
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: string[] = [];
  for (const line of raw) {
    const last = out.length - 1;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last >= 0) { out[last] += line.slice(1); continue; }
    // 2.1 quoted-printable: a line ending in '=' continues on the next one.
    if (last >= 0 && out[last]!.endsWith('=') && /ENCODING=QUOTED-PRINTABLE|;QUOTED-PRINTABLE/i.test(out[last]!.slice(0, out[last]!.indexOf(':') + 1 || undefined))) {
      out[last] = out[last]!.slice(0, -1) + line;
      continue;
    }
    if (line === '') continue;
    out.push(line);
  }
  return out;
}

/** Parses one content line; undefined when it is not one. */
export function parseLine(line: string): VProp | undefined {
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === ':' && !inQuotes) { colon = i; break; }
  }
  if (colon <= 0) return undefined;
  const head = line.slice(0, colon);
  const value = line.slice(colon + 1);
  const parts = splitParams(head);
  const nameWithGroup = parts[0]!;
  const dot = nameWithGroup.lastIndexOf('.');
  const group = dot > 0 ? nameWithGroup.slice(0, dot) : undefined;
  const name = (dot > 0 ? nameWithGroup.slice(dot + 1) : nameWithGroup).toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) return undefined;
  const params: Record<string, string[]> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    // vCard 2.1 (and sloppy 3.0): a bare parameter is a TYPE value (`TEL;WORK;VOICE:`).
    const pname = (eq < 0 ? 'TYPE' : p.slice(0, eq)).toUpperCase().trim();
    const raw = eq < 0 ? p : p.slice(eq + 1);
    const values = splitParamValues(raw);
    if (eq < 0 && /^(QUOTED-PRINTABLE|BASE64|B)$/i.test(p)) { (params.ENCODING ??= []).push(p); continue; }
    if (eq < 0 && /^CHARSET$/i.test(p)) continue;
    (params[pname] ??= []).push(...values);
  }
  return { group, name, params, value };
}

function splitParams(head: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of head) {
    if (ch === '"') q = !q;
    if (ch === ';' && !q) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function splitParamValues(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of raw) {
    if (ch === '"') { q = !q; continue; }
    if (ch === ',' && !q) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out.map((v) => v.replace(/\^n/g, '\n').replace(/\^'/g, '"').replace(/\^\^/g, '^'));
}

function decodeQuotedPrintable(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(v.slice(i + 1, i + 3))) { bytes.push(parseInt(v.slice(i + 1, i + 3), 16)); i += 2; }
    else bytes.push(...Buffer.from(v[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses exactly one vCard (BEGIN:VCARD … END:VCARD); throws InvalidVCardError otherwise. */
export function parseVCard(text: string): VCard {
  const cards = parseVCards(text);
  if (cards.length !== 1) throw new InvalidVCardError(cards.length === 0 ? 'no BEGIN:VCARD found' : 'a resource holds exactly one vCard');
  return cards[0]!;
}

/** Splits text into the raw text of each vCard it holds (for imports: keeps each card as written). */
export function splitVCardTexts(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let cur: string[] | undefined;
  let depth = 0;
  for (const line of lines) {
    if (/^BEGIN:VCARD\s*$/i.test(line)) { if (depth === 0) cur = []; depth++; }
    if (cur) cur.push(line);
    if (/^END:VCARD\s*$/i.test(line) && cur) {
      depth--;
      if (depth === 0) { out.push(cur.join('\r\n') + '\r\n'); cur = undefined; }
    }
  }
  if (cur) throw new InvalidVCardError('a vCard is missing its END:VCARD');
  return out;
}

/** Parses every vCard in the text (nested AGENT cards of 2.1 are skipped). */
export function parseVCards(text: string): VCard[] {
  const lines = unfold(text);
  const cards: VCard[] = [];
  let cur: { version: VCardVersion | undefined; props: VProp[] } | undefined;
  let nested = 0;
  for (const line of lines) {
    const p = parseLine(line);
    if (!p) {
      if (cur && nested === 0) throw new InvalidVCardError(`"${line.slice(0, 40)}" is not a content line`);
      continue;
    }
    if (p.name === 'BEGIN' && p.value.trim().toUpperCase() === 'VCARD') {
      if (cur) { nested++; continue; }
      cur = { version: undefined, props: [] };
      continue;
    }
    if (p.name === 'END' && p.value.trim().toUpperCase() === 'VCARD') {
      if (nested > 0) { nested--; continue; }
      if (!cur) throw new InvalidVCardError('END:VCARD without BEGIN:VCARD');
      if (!cur.version) throw new InvalidVCardError('VERSION is missing');
      cards.push({ version: cur.version, props: cur.props });
      cur = undefined;
      continue;
    }
    if (!cur) {
      throw new InvalidVCardError('content outside BEGIN:VCARD … END:VCARD');
    }
    if (nested > 0) continue;
    if (p.name === 'VERSION') {
      const v = p.value.trim();
      if (v !== '2.1' && v !== '3.0' && v !== '4.0') throw new InvalidVCardError(`VERSION ${v.slice(0, 10)} is not supported (3.0 or 4.0)`);
      cur.version = v;
      continue;
    }
    if (cur.props.length >= MAX_CARD_PROPERTIES) throw new InvalidVCardError(`more than ${MAX_CARD_PROPERTIES} properties`);
    const enc = p.params.ENCODING?.[0]?.toUpperCase();
    if (enc === 'QUOTED-PRINTABLE') {
      delete p.params.ENCODING;
      delete p.params.CHARSET;
      // Decoded line breaks become the \n escape of 3.0/4.0 text values.
      p.value = decodeQuotedPrintable(p.value).replace(/\r\n|\r|\n/g, '\\n');
    }
    cur.props.push(p);
  }
  if (cur) throw new InvalidVCardError('END:VCARD is missing');
  return cards;
}

/**
 * What CardDAV requires of a stored card (RFC 6352 §6.3.2.1 valid-address-data):
 * version 3.0 or 4.0 and a formatted name (FN; N alone is accepted from 3.0 senders).
 */
export function validateVCard(card: VCard): void {
  if (card.version === '2.1') throw new InvalidVCardError('vCard 2.1 is accepted by the importer only; send 3.0 or 4.0');
  const has = (n: string) => card.props.some((p) => p.name === n);
  // RFC 6350 §6.2.1: FN is required in 4.0; 3.0 senders sometimes give only N.
  if (card.version === '4.0' ? !has('FN') : !has('FN') && !has('N')) throw new InvalidVCardError('FN (the formatted name) is required');
}
