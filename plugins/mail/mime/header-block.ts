// Reads one entity's header block (RFC 5322 §2.2, RFC 2045 §3) straight from the raw
// bytes: where the body starts, and the unfolded values of the fields the indexer uses.
// Lines may end in CRLF or bare LF. The header ends at the first empty line, or — for
// broken input — at the first line that is neither a field nor a continuation, which
// then belongs to the body (what Python's email parser and most MUAs do), so garbage
// becomes a body instead of a header.
import { isUtf8 } from 'node:buffer';

/**
 * Header bytes of one entity whose fields are parsed. Locating the end of a longer
 * header stays a linear scan; only decoding stops, so a hostile 20 MB header costs one
 * pass and no string building.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The fields the index is built from (others are skipped without decoding). */
const WANTED = new Set([
  'content-type', 'content-transfer-encoding', 'content-id', 'content-description',
  'content-disposition', 'content-language', 'content-location', 'content-md5',
  'date', 'subject', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc',
  'in-reply-to', 'message-id', 'references',
]);

export interface HeaderBlock {
  /** Offset of the first body byte (after the empty line, when there is one). */
  bodyStart: number;
  /** Lowercase field name → unfolded, trimmed values in header order. */
  fields: Map<string, string[]>;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

export function readHeaderBlock(raw: Buffer, start: number, end: number): HeaderBlock {
  const fields = new Map<string, string[]>();
  const parseEnd = Math.min(end, start + MAX_HEADER_BYTES);
  // The field being read: its name and where its value starts; its value ends where
  // the next field (or the header) starts.
  let name: string | null = null;
  let valueStart = 0;
  let valueEnd = 0;
  const finish = () => {
    if (name !== null && WANTED.has(name)) {
      const value = decodeValue(raw, valueStart, Math.min(valueEnd, parseEnd));
      const list = fields.get(name);
      if (list) list.push(value); else fields.set(name, [value]);
    }
    name = null;
  };

  let pos = start;
  let bodyStart = end;
  let sawField = false;
  while (pos < end) {
    const nl = raw.indexOf(LF, pos);
    const lineEnd = nl === -1 || nl >= end ? end : nl + 1;
    let contentEnd = lineEnd;
    if (contentEnd > pos && raw[contentEnd - 1] === LF) contentEnd--;
    if (contentEnd > pos && raw[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos) { bodyStart = lineEnd; break; } // the empty line
    const first = raw[pos]!;
    if (first === SP || first === HT) {
      if (!sawField) { bodyStart = pos; break; } // a body that starts with blanks
      valueEnd = contentEnd; // continuation: the field grows
      pos = lineEnd;
      continue;
    }
    // field-name = 1*(%d33-57 / %d59-126), then optional WSP (obsolete syntax), then ':'
    let i = pos;
    while (i < contentEnd && raw[i]! > SP && raw[i]! < 0x7f && raw[i] !== COLON) i++;
    const nameEnd = i;
    while (i < contentEnd && (raw[i] === SP || raw[i] === HT)) i++;
    if (nameEnd === pos || raw[i] !== COLON) { bodyStart = pos; break; } // not a header line: the body starts here
    finish();
    sawField = true;
    if (pos < parseEnd) {
      name = raw.toString('latin1', pos, nameEnd).toLowerCase();
      valueStart = i + 1;
    }
    valueEnd = contentEnd;
    pos = lineEnd;
  }
  finish();
  return { bodyStart, fields };
}

/** Unfolds (removes the line breaks, keeps the blanks) and trims; UTF-8 when the bytes are valid UTF-8 (RFC 6532), else Latin-1 so no byte is lost. */
function decodeValue(raw: Buffer, start: number, end: number): string {
  if (end <= start) return '';
  const bytes = raw.subarray(start, end);
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) { ascii = false; break; }
  const text = ascii || !isUtf8(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  return text.replace(/\r?\n|\r/g, '').replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The first value of a field, or null. */
export function field(fields: Map<string, string[]>, name: string): string | null {
  return fields.get(name)?.[0] ?? null;
}
