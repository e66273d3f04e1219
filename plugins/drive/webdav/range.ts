// Range requests (RFC 9110 §14): one byte range per request. A multi-range request is
// answered with the whole file (§14.2 allows ignoring Range), which every client handles.

export type RangeResult = { kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' };

/** Longest Range header looked at: one range is a few dozen characters. */
const MAX_RANGE_HEADER = 200;

export function parseRange(header: string | null, size: number): RangeResult {
  if (header === null) return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.slice(0, MAX_RANGE_HEADER));
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  let start: number;
  let end: number;
  if (m[1] === '') { // suffix: the last n bytes
    const n = Number(m[2]);
    if (n === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return { kind: 'none' }; // invalid: ignored (§14.1.1)
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}
