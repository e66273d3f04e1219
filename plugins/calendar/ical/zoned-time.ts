// Turning iCalendar local times into instants. ical.js knows only the VTIMEZONEs of
// the file it parsed; clients often name IANA zones without sending a VTIMEZONE
// (RFC 7809), so IANA names are resolved with the runtime's own tz database (Intl)
// and a file's VTIMEZONE is used only for names Intl does not know (Outlook's
// "W. Europe Standard Time"). Floating times and dates are read in the viewer's zone.
import ICAL from 'ical.js';

const known = new Map<string, boolean>();

/** Whether the runtime knows `tz` as an IANA zone (cached: Intl construction is slow). */
export function isIanaZone(tz: string | undefined): tz is string {
  if (!tz) return false;
  let ok = known.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (known.size < 1_000) known.set(tz, ok);
  }
  return ok;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
export function wallclock(ms: number, tz: string): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const year = parts.year!, month = parts.month!, day = parts.day!;
  return { year, month, day, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second!, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Offset of `tz` from UTC at instant `ms`, in ms, asked of Intl (slow: ~10 µs). */
export function intlOffsetAt(ms: number, tz: string): number {
  const w = wallclock(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** Zone years whose transitions are remembered; a recurrence expansion touches a handful. */
const MAX_CACHED_YEARS = 5_000;
/** Sampling step when looking for transitions: zones change offset at most a few times a year. */
const SAMPLE_MS = 7 * 86_400_000;
const yearCache = new Map<string, { start: number; offset: number; changes: { at: number; offset: number }[] }>();

/** The offset at the start of a UTC year and every change in it, found by sampling and bisection. */
function zoneYear(tz: string, year: number) {
  const key = `${tz}\u0000${year}`;
  let y = yearCache.get(key);
  if (!y) {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const changes: { at: number; offset: number }[] = [];
    let t = start;
    let o = intlOffsetAt(t, tz);
    const first = o;
    while (t < end) {
      const next = Math.min(t + SAMPLE_MS, end);
      const on = intlOffsetAt(next, tz);
      if (on !== o) {
        let lo = t, hi = next;
        while (hi - lo > 1000) {
          const mid = Math.floor((lo + hi) / 2000) * 1000;
          if (intlOffsetAt(mid, tz) === o) lo = mid; else hi = mid;
        }
        changes.push({ at: hi, offset: on });
        o = on;
      }
      t = next;
    }
    y = { start, offset: first, changes };
    if (yearCache.size >= MAX_CACHED_YEARS) yearCache.clear();
    yearCache.set(key, y);
  }
  return y;
}

/**
 * Offset of `tz` from UTC at instant `ms`, in ms. Each zone-year's transitions are
 * found once (about 70 Intl calls) and remembered: expanding a daily event over years
 * would otherwise ask Intl several times per occurrence.
 */
export function offsetAt(ms: number, tz: string): number {
  if (tz === 'UTC') return 0;
  const y = zoneYear(tz, new Date(ms).getUTCFullYear());
  let o = y.offset;
  for (const c of y.changes) {
    if (c.at <= ms) o = c.offset;
    else break;
  }
  return o;
}

/**
 * The instant a wall-clock time in `tz` denotes. In a DST gap the time is moved
 * forward by the gap; in an overlap the earlier instant wins (RFC 5545 §3.3.5).
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  if (tz === 'UTC') return guess;
  // The offsets a day before and after bracket any single transition.
  const before = offsetAt(guess - 86_400_000, tz);
  const after = offsetAt(guess + 86_400_000, tz);
  const valid = [guess - before, guess - after].filter((t) => offsetAt(t, tz) === guess - t);
  return valid.length > 0 ? Math.min(...valid) : guess - before;
}

/** Midnight of a calendar date in a zone. */
export function dateToUtc(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedToUtc(y, m, d, 0, 0, 0, tz);
}

/** 'YYYY-MM-DD' of an instant in a zone. */
export function dateIn(ms: number, tz: string): string {
  const w = wallclock(ms, tz);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * The instant of an ical.js time. `tzid` is the TZID parameter of the property the
 * time came from (recurrence iterators drop it); `fallbackTz` reads floating times and
 * dates (the calendar's or viewer's zone).
 */
export function timeToMs(t: ICAL.Time, tzid: string | undefined, fallbackTz: string): number {
  const zoneId = t.zone?.tzid;
  if (!t.isDate && (zoneId === 'UTC' || t.zone === ICAL.Timezone.utcTimezone)) {
    return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  }
  if (t.isDate) return zonedToUtc(t.year, t.month, t.day, 0, 0, 0, safeZone(fallbackTz));
  const name = tzid ?? (zoneId && zoneId !== 'floating' ? zoneId : undefined);
  if (isIanaZone(name)) return zonedToUtc(t.year, t.month, t.day, t.hour, t.minute, t.second, name);
  if (t.zone && zoneId !== 'floating' && t.zone.component) return t.toUnixTime() * 1000;
  return zonedToUtc(t.year, t.month, t.day, t.hour, t.minute, t.second, safeZone(fallbackTz));
}

/** A zone name that Intl accepts, or UTC. */
export function safeZone(tz: string | undefined): string {
  return isIanaZone(tz) ? tz : 'UTC';
}
