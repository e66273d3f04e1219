// HEADER.FIELDS / HEADER.FIELDS.NOT (RFC 9051 §6.4.5) and HEADER search (RFC 9051 §6.4.4):
// the fields of a raw header block.

export interface HeaderField {
  /** Lower-case field name. */
  name: string;
  /** The whole field as received, folding included, ending in CRLF. */
  raw: Buffer;
}

/** Splits a header block (up to and possibly including the blank line) into fields. */
export function headerFields(header: Buffer): HeaderField[] {
  const out: HeaderField[] = [];
  let start = -1;
  let i = 0;
  const flush = (end: number) => {
    if (start < 0) return;
    const raw = header.subarray(start, end);
    const colon = raw.indexOf(0x3a);
    const name = (colon > 0 ? raw.subarray(0, colon) : raw).toString('latin1').trim().toLowerCase();
    out.push({ name, raw });
    start = -1;
  };
  while (i < header.length) {
    let nl = header.indexOf(0x0a, i);
    if (nl < 0) nl = header.length - 1;
    const lineStart = i;
    const lineEnd = nl + 1;
    const first = header[lineStart];
    const blank = first === 0x0a || (first === 0x0d && header[lineStart + 1] === 0x0a);
    if (blank) {
      flush(lineStart);
      break;
    }
    if (first === 0x20 || first === 0x09) {
      // continuation of the current field (RFC 5322 §2.2.3)
    } else {
      flush(lineStart);
      start = lineStart;
    }
    i = lineEnd;
  }
  flush(Math.min(i, header.length));
  return out;
}

/** The fields kept (or, with `not`, those not named), each ending in CRLF, then the blank line. */
export function filterHeader(header: Buffer, fields: readonly string[], not: boolean): Buffer {
  const names = new Set(fields.map((f) => f.toLowerCase()));
  const kept: Buffer[] = [];
  for (const f of headerFields(header)) {
    if (names.has(f.name) !== not) kept.push(withCrlf(f.raw));
  }
  kept.push(Buffer.from('\r\n'));
  return Buffer.concat(kept);
}

function withCrlf(raw: Buffer): Buffer {
  const n = raw.length;
  if (n >= 2 && raw[n - 2] === 0x0d && raw[n - 1] === 0x0a) return raw;
  if (n >= 1 && raw[n - 1] === 0x0a) return Buffer.concat([raw.subarray(0, n - 1), Buffer.from('\r\n')]);
  return Buffer.concat([raw, Buffer.from('\r\n')]);
}

/** Unfolded value of each field of that name (for SEARCH HEADER). */
export function headerValues(header: Buffer, name: string): string[] {
  const lower = name.toLowerCase();
  return headerFields(header)
    .filter((f) => f.name === lower)
    .map((f) => {
      const text = f.raw.toString('utf8');
      return text.slice(text.indexOf(':') + 1).replace(/\r?\n[ \t]/g, ' ').trim();
    });
}
