// Streaming split of mbox files (RFC 4155 "application/mbox"; mboxo/mboxrd quoting) and
// normalization of single .eml messages, for the upload import.
//
// Implementation notes:
// - A message starts at a line beginning "From " that is the file's first line or
//   follows an empty line (RFC 4155 §2); the empty line before a separator belongs to
//   the format, not to the message.
// - ">From " lines lose one '>' (mboxrd unescaping; for mboxo files this also undoes
//   the escaping of "From " lines, the common case).
// - Lines are re-terminated with CRLF (RFC 5322 §2.1; IMAP clients expect it).
// - Memory is bounded by the largest message: a message over `maxMessageBytes` is
//   skipped (reported), not held.

export interface MboxMessage {
  raw: Buffer;
  /** ms since epoch from the separator line's date, if it parses. */
  internalDate?: number;
  /** From Status / X-Status headers (mutt, Thunderbird exports). */
  flags: string[];
}

export type MboxItem = { kind: 'message'; message: MboxMessage } | { kind: 'skipped'; reason: 'too_large'; bytes: number };

const CRLF = Buffer.from('\r\n');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The asctime date of a "From sender date" line, as UTC (the format carries no zone). */
export function separatorDate(line: string): number | undefined {
  const m = /(\w{3}) +(\w{3}) +(\d{1,2}) +(\d{1,2}):(\d\d)(?::(\d\d))? +(?:[A-Z]{3,4} +|[+-]\d{4} +)?(\d{4})/.exec(line);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!);
  if (month < 0) return undefined;
  const t = Date.UTC(Number(m[7]), month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isFinite(t) ? t : undefined;
}

/** IMAP flags from the Status/X-Status headers mail programs write into mbox files. */
export function statusFlags(raw: Buffer): string[] {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 65536) : Math.min(end, 65536)).toString('latin1');
  const status = /^Status:[ \t]*([A-Z]*)/im.exec(head)?.[1] ?? '';
  const x = /^X-Status:[ \t]*([A-Z]*)/im.exec(head)?.[1] ?? '';
  const flags = new Set<string>();
  if (status.includes('R')) flags.add('\\Seen');
  if (x.includes('A')) flags.add('\\Answered');
  if (x.includes('F')) flags.add('\\Flagged');
  if (x.includes('T')) flags.add('\\Draft');
  if (x.includes('D')) flags.add('\\Deleted');
  return [...flags];
}

/** Normalizes one message file: line endings to CRLF. */
export function normalizeEml(data: Buffer): Buffer {
  const text = data.toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(text, 'latin1');
}

async function* lines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let buf = rest.length ? Buffer.concat([rest, chunk]) : Buffer.from(chunk);
    let at = 0;
    for (;;) {
      const nl = buf.indexOf(10, at);
      if (nl < 0) break;
      const end = nl > at && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield buf.subarray(at, end);
      at = nl + 1;
    }
    buf = buf.subarray(at);
    rest = Buffer.from(buf);
  }
  if (rest.length) yield rest;
}

/** Splits an mbox stream into messages, one at a time. */
export async function* splitMbox(chunks: AsyncIterable<Uint8Array>, opts: { maxMessageBytes: number }): AsyncGenerator<MboxItem> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  let date: number | undefined;
  let started = false;
  let previousEmpty = true;
  let pendingEmpty = 0;

  function* finish(): Generator<MboxItem> {
    if (!started) return;
    if (tooBig) {
      yield { kind: 'skipped', reason: 'too_large', bytes: size };
    } else {
      const raw = Buffer.concat(parts);
      yield { kind: 'message', message: { raw, flags: statusFlags(raw), ...(date !== undefined ? { internalDate: date } : {}) } };
    }
  }
  const push = (b: Buffer) => {
    size += b.length + 2;
    if (size > opts.maxMessageBytes) {
      tooBig = true;
      parts = [];
      return;
    }
    if (!tooBig) parts.push(Buffer.from(b), CRLF);
  };

  for await (const line of lines(chunks)) {
    const isFrom = line.length >= 5 && line[0] === 0x46 && line.subarray(0, 5).toString('latin1') === 'From ';
    if (isFrom && previousEmpty) {
      yield* finish();
      started = true;
      parts = [];
      size = 0;
      tooBig = false;
      pendingEmpty = 0;
      date = separatorDate(line.toString('latin1'));
      previousEmpty = false;
      continue;
    }
    if (!started) {
      // Text before the first separator is not mbox: treat the whole as one message.
      started = true;
    }
    if (line.length === 0) {
      // Held back: the empty line before a separator is not part of the message.
      pendingEmpty++;
      previousEmpty = true;
      continue;
    }
    for (; pendingEmpty > 0; pendingEmpty--) push(Buffer.alloc(0));
    previousEmpty = false;
    const quoted = /^>+From /.test(line.subarray(0, Math.min(line.length, 64)).toString('latin1'));
    push(quoted ? line.subarray(1) : line);
  }
  yield* finish();
}
