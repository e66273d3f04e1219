// A VTIMEZONE for an IANA zone, built from the runtime's tz database (Intl), so events
// made in the browser carry their zone's rules for clients that do not know IANA
// names (RFC 5545 §3.6.5 wants the VTIMEZONE in the object). The rules are written as
// dated observances, one per transition, over a span of years around the event.
import { offsetAt } from './zoned-time.ts';

/** Years of transitions written after the event's year; recurring events rarely outlive a decade untouched. */
export const VTIMEZONE_YEARS_AHEAD = 10;
/** Sampling step when looking for transitions: zones change offset at most a few times a year. */
const STEP_MS = 7 * 86_400_000;

function fmtOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const m = Math.abs(ms) / 60_000;
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
}

/** Local wall-clock time of an instant at a given offset, as iCalendar DATE-TIME text. */
function localText(ms: number, offset: number): string {
  return new Date(ms + offset).toISOString().replace(/[-:]/g, '').slice(0, 15);
}

export interface Transition { at: number; from: number; to: number }

/** Offset changes of `tz` in [from, to), to the second. */
export function transitions(tz: string, from: number, to: number): Transition[] {
  const out: Transition[] = [];
  let t = from;
  let o = offsetAt(t, tz);
  while (t < to) {
    const next = Math.min(t + STEP_MS, to);
    const on = offsetAt(next, tz);
    if (on !== o) {
      let lo = t, hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (offsetAt(mid, tz) === o) lo = mid; else hi = mid;
      }
      out.push({ at: hi, from: o, to: on });
      o = on;
    }
    t = next;
  }
  return out;
}

/** VTIMEZONE text (CRLF lines, no trailing CRLF) covering `year` - 1 to `year` + VTIMEZONE_YEARS_AHEAD. */
export function vtimezoneFor(tz: string, year: number): string {
  const from = Date.UTC(year - 1, 0, 1);
  const to = Date.UTC(year + VTIMEZONE_YEARS_AHEAD, 0, 1);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`];
  const list = transitions(tz, from, to);
  const first = offsetAt(from, tz);
  if (list.length === 0) {
    lines.push('BEGIN:STANDARD', `DTSTART:${localText(from, first)}`, `TZOFFSETFROM:${fmtOffset(first)}`, `TZOFFSETTO:${fmtOffset(first)}`, 'END:STANDARD');
  } else {
    // The offset in force before the first transition, then each change.
    lines.push('BEGIN:STANDARD', `DTSTART:${localText(from, first)}`, `TZOFFSETFROM:${fmtOffset(first)}`, `TZOFFSETTO:${fmtOffset(first)}`, 'END:STANDARD');
    for (const t of list) {
      const kind = t.to > t.from ? 'DAYLIGHT' : 'STANDARD';
      lines.push(`BEGIN:${kind}`, `DTSTART:${localText(t.at, t.from)}`, `TZOFFSETFROM:${fmtOffset(t.from)}`, `TZOFFSETTO:${fmtOffset(t.to)}`, `END:${kind}`);
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
