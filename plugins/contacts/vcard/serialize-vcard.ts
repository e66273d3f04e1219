import type { VCard, VProp } from './vcard-types.ts';

/** Folding width in octets (RFC 6350 §3.2 SHOULD NOT exceed 75 octets, excluding CRLF). */
const FOLD_OCTETS = 75;

function quoteParam(v: string): string {
  const s = v.replace(/\^/g, '^^').replace(/\n/g, '^n').replace(/"/g, "^'");
  return /[:;,]/.test(s) ? `"${s}"` : s;
}

export function serializeLine(p: VProp): string {
  let head = (p.group ? `${p.group}.` : '') + p.name;
  for (const [k, vs] of Object.entries(p.params)) {
    if (vs.length === 0) continue;
    head += `;${k}=${vs.map(quoteParam).join(',')}`;
  }
  return `${head}:${p.value}`;
}

/** Folds one line at FOLD_OCTETS octets without splitting a UTF-8 character. */
export function fold(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= FOLD_OCTETS) return line;
  const out: string[] = [];
  let cur = '';
  let bytes = 0;
  let limit = FOLD_OCTETS;
  for (const ch of line) {
    const b = ch.length === 1 && ch.charCodeAt(0) < 0x80 ? 1 : Buffer.byteLength(ch, 'utf8');
    if (bytes + b > limit) { out.push(cur); cur = ''; bytes = 0; limit = FOLD_OCTETS - 1; }
    cur += ch;
    bytes += b;
  }
  out.push(cur);
  return out.join('\r\n ');
}

export function serializeVCard(card: VCard): string {
  const lines = ['BEGIN:VCARD', `VERSION:${card.version}`, ...card.props.map((p) => fold(serializeLine(p))), 'END:VCARD'];
  return lines.join('\r\n') + '\r\n';
}
