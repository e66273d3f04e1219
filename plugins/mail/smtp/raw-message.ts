// Byte-exact header surgery on a raw RFC 5322 message: find the header section, read
// fields, drop some, prepend new ones. The body is never touched (DKIM body hashes of
// the sender must survive), and the header is handled as latin1 so that offsets in the
// string are offsets in the buffer, whatever 8-bit bytes (RFC 6532) it holds.
//
// Invariants: `prependHeaders(raw, lines)` and `removeHeaders(raw, names)` return the
// original bytes outside the fields they add or drop; a message without a blank line is
// all header (RFC 5322 §3.5 allows a message without a body).

/** Where the header section ends (the index of the CRLF that ends the last field) and the body starts. */
export function headerBounds(raw: Buffer): { headerEnd: number; bodyStart: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headerEnd: crlf + 2, bodyStart: crlf + 4 };
  if (lf !== -1) return { headerEnd: lf + 1, bodyStart: lf + 2 };
  return { headerEnd: raw.length, bodyStart: raw.length };
}

export interface HeaderField {
  /** Lowercase field name. */
  name: string;
  /** Unfolded value (RFC 5322 §2.2.3), trimmed, as latin1 text. */
  value: string;
  /** Byte range of the whole field including its line ends. */
  start: number;
  end: number;
}

/** Every header field in order; lines that are not fields (obs. garbage) are skipped. */
export function headerFields(raw: Buffer): HeaderField[] {
  const { headerEnd } = headerBounds(raw);
  const text = raw.toString('latin1', 0, headerEnd);
  const out: HeaderField[] = [];
  let i = 0;
  while (i < text.length) {
    let end = nextLineEnd(text, i);
    // Continuation lines start with WSP (RFC 5322 §2.2.3).
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end = nextLineEnd(text, end);
    const field = text.slice(i, end);
    const colon = field.indexOf(':');
    if (colon > 0 && /^[\x21-\x39\x3b-\x7e]+$/.test(field.slice(0, colon).trimEnd())) {
      out.push({
        name: field.slice(0, colon).trimEnd().toLowerCase(),
        value: field.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').trim(),
        start: i,
        end,
      });
    }
    i = end;
  }
  return out;
}

function nextLineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl + 1;
}

/** The values of every field with this name (case-insensitive), in order. */
export function headerValues(raw: Buffer, name: string): string[] {
  const lower = name.toLowerCase();
  return headerFields(raw).filter((f) => f.name === lower).map((f) => f.value);
}

export function firstHeader(raw: Buffer, name: string): string | undefined {
  return headerValues(raw, name)[0];
}

/** The message without the named fields (lowercase names). Returns the same buffer when none is present. */
export function removeHeaders(raw: Buffer, names: ReadonlySet<string>, keep?: (field: HeaderField) => boolean): Buffer {
  const drop = headerFields(raw).filter((f) => names.has(f.name) && !(keep?.(f) ?? false));
  if (drop.length === 0) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (const f of drop) {
    parts.push(raw.subarray(at, f.start));
    at = f.end;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

/** New fields on top of the message (trace fields go first, RFC 5321 §4.4). Each line is a complete field, possibly folded with CRLF+WSP. */
export function prependHeaders(raw: Buffer, fields: readonly string[]): Buffer {
  if (fields.length === 0) return raw;
  const text = fields.map((f) => (f.endsWith('\r\n') ? f : `${f}\r\n`)).join('');
  return Buffer.concat([Buffer.from(text, 'utf8'), raw]);
}

/** Appends fields at the end of the header section (for Message-ID/Date an MSA adds, RFC 6409 §8). */
export function appendHeaders(raw: Buffer, fields: readonly string[]): Buffer {
  if (fields.length === 0) return raw;
  const { headerEnd } = headerBounds(raw);
  const text = fields.map((f) => (f.endsWith('\r\n') ? f : `${f}\r\n`)).join('');
  // A message with no header at all, or a header without a final line end.
  const needsBreak = headerEnd > 0 && raw[headerEnd - 1] !== 0x0a;
  return Buffer.concat([raw.subarray(0, headerEnd), Buffer.from((needsBreak ? '\r\n' : '') + text, 'utf8'), raw.subarray(headerEnd)]);
}

/** RFC 5322 §3.3 date-time, e.g. `Sat, 01 Mar 2025 10:00:00 +0000` (UTC, never the obsolete "GMT"). */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
