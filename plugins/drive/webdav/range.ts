// Range requests (RFC 9110 §14): one or several byte ranges. Several are answered as
// multipart/byteranges (§14.6, byteranges.ts) after dropping the unsatisfiable ones and
// coalescing those that overlap or nearly touch (§14.6 allows it "regardless of the
// order"); what is left keeps the order the client asked for (§15.3.7.2). A header the
// server declines to honour is ignored and the whole file sent (200), as §14.2 permits.

export interface ByteRange { start: number; end: number }

export type RangeResult = { kind: 'none' } | { kind: 'ranges'; ranges: ByteRange[] } | { kind: 'unsatisfiable' };

/**
 * Range specs honoured in one request. Many small or overlapping ranges are the classic
 * range-abuse DoS (one request fanning out into thousands of parts, each a read and a part
 * header: CVE-2011-3192, RFC 9110 §17.15); real clients (PDF viewers, media players,
 * resumable downloaders) ask for a handful. Past it the whole file is sent.
 */
export const MAX_RANGES = 16;

/** Longest Range header looked at: MAX_RANGES specs of two 16-digit offsets fit well inside it. */
const MAX_RANGE_HEADER = 1024;

/**
 * Ranges closer than this are sent as one part: a part's own headers (boundary, type,
 * Content-Range) cost about this much, so the gap is cheaper to send than to skip.
 */
export const COALESCE_GAP_BYTES = 128;

const SPEC = /^(\d*)-(\d*)$/;

/** One range-spec against the size: a range, 'unsatisfiable', or undefined when it is not valid syntax. */
function parseSpec(spec: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = SPEC.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') { // suffix: the last n bytes (§14.1.1)
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n)) return undefined;
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last)) return undefined;
  if (m[2] !== '' && last < start) return undefined; // invalid: the whole header is ignored (§14.1.1)
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

/**
 * Merges ranges that overlap or lie within `gap` bytes of each other; each merged range
 * takes the place of the earliest-asked of its members, so the request's order survives.
 */
export function coalesceRanges(ranges: readonly ByteRange[], gap = COALESCE_GAP_BYTES): ByteRange[] {
  const order = ranges.map((r, i) => ({ ...r, i })).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: (ByteRange & { i: number })[] = [];
  for (const r of order) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1 + gap) {
      last.end = Math.max(last.end, r.end);
      last.i = Math.min(last.i, r.i);
    } else merged.push({ ...r });
  }
  return merged.sort((a, b) => a.i - b.i).map(({ start, end }) => ({ start, end }));
}

export function parseRanges(header: string | null, size: number): RangeResult {
  if (header === null || header.length > MAX_RANGE_HEADER) return { kind: 'none' };
  const m = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!m) return { kind: 'none' }; // another unit: ignored (§14.2)
  const specs = m[1]!.split(',').map((s) => s.replace(/\s+/g, '')).filter((s) => s !== ''); // empty list elements are allowed (§5.6.1)
  if (specs.length === 0 || specs.length > MAX_RANGES) return { kind: 'none' };
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const r = parseSpec(spec, size);
    if (r === undefined) return { kind: 'none' };
    if (r !== 'unsatisfiable') ranges.push(r);
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'ranges', ranges: coalesceRanges(ranges) };
}
