// Sequence sets (RFC 9051 §9 sequence-set): "1,3:5,7:*", and "$" for the result saved
// by SEARCH RETURN (SAVE) (RFC 5182 §2). Resolved against the session's view: message
// sequence numbers are positions in the snapshot, UIDs its members.
import { badSyntax } from '../imap-error.ts';

/** '*' is the largest number in use (RFC 9051 §9 seq-number). */
export type SeqNumber = number | '*';

export interface SequenceSet {
  ranges: readonly (readonly [SeqNumber, SeqNumber])[];
  /** "$": the saved search result (RFC 5182). */
  saved: boolean;
}

/** Longest sequence set text accepted: bounded anyway by the line limit, this keeps the range array small. */
const MAX_RANGES = 100_000;

export function parseSequenceSet(text: string): SequenceSet {
  if (text === '$') return { ranges: [], saved: true };
  const items = text.split(',');
  if (items.length > MAX_RANGES) throw badSyntax('Sequence set too long');
  const ranges: [SeqNumber, SeqNumber][] = [];
  for (const item of items) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(item);
    if (!m) throw badSyntax('Bad sequence set');
    const a = seqNumber(m[1]!);
    const b = m[2] === undefined ? a : seqNumber(m[2]);
    ranges.push([a, b]);
  }
  return { ranges, saved: false };
}

function seqNumber(s: string): SeqNumber {
  if (s === '*') return '*';
  const n = Number(s);
  // seq-number / uniqueid are nz-number: 1..4294967295 (RFC 9051 §9)
  if (!Number.isSafeInteger(n) || n < 1 || n > 0xffffffff) throw badSyntax('Bad number in sequence set');
  return n;
}

/** Sorted, merged, inclusive [lo, hi] ranges with '*' replaced by `star`. */
export function normalizeRanges(set: SequenceSet, star: number): [number, number][] {
  const rs = set.ranges.map(([a, b]) => {
    const x = a === '*' ? star : a;
    const y = b === '*' ? star : b;
    return (x <= y ? [x, y] : [y, x]) as [number, number];
  });
  rs.sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const r of rs) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Sequence numbers (1-based positions) named by the set, ascending, in 1..count. */
export function resolveSequenceNumbers(set: SequenceSet, count: number): number[] {
  const out: number[] = [];
  // For an empty mailbox '*' has no value; nothing matches.
  if (count === 0) return out;
  for (const [lo, hi] of normalizeRanges(set, count)) {
    for (let n = Math.max(1, lo); n <= Math.min(hi, count); n++) out.push(n);
  }
  return out;
}

/** Members of the ascending `uids` named by the set. '*' is the largest UID in the view. */
export function resolveUids(set: SequenceSet, uids: ArrayLike<number>): number[] {
  if (uids.length === 0) return [];
  const ranges = normalizeRanges(set, uids[uids.length - 1]!);
  const out: number[] = [];
  let r = 0;
  for (let i = 0; i < uids.length; i++) {
    const uid = uids[i]!;
    while (r < ranges.length && ranges[r]![1] < uid) r++;
    if (r === ranges.length) break;
    if (uid >= ranges[r]![0]) out.push(uid);
  }
  return out;
}

/** Compact "1:3,5" form of ascending numbers (for COPYUID, VANISHED, ESEARCH ALL). */
export function formatSequenceSet(nums: readonly number[]): string {
  const sorted = isAscending(nums) ? nums : [...nums].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i]!;
    let end = start;
    while (i + 1 < sorted.length && (sorted[i + 1] === end + 1 || sorted[i + 1] === end)) end = sorted[++i]!;
    out.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return out.join(',');
}

/** Same-order pairing for COPYUID: "1:3" / "7:9" keeps the correspondence only if both sides are formatted without reordering. */
export function formatUidList(nums: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < nums.length) {
    const start = nums[i]!;
    let end = start;
    while (i + 1 < nums.length && nums[i + 1] === end + 1) end = nums[++i]!;
    out.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return out.join(',');
}

function isAscending(nums: readonly number[]): boolean {
  for (let i = 1; i < nums.length; i++) if (nums[i]! < nums[i - 1]!) return false;
  return true;
}
