// Date arithmetic and layout for the views, all on 'YYYY-MM-DD' dates in the viewer's
// zone (a day is from local midnight to the next, 23 or 25 hours on DST days). Pure.
import { dateIn, dateToUtc, wallclock } from '../ical/zoned-time.ts';
import type { OccurrenceView } from '../calendar-service.ts';

/** Rows of the day grid: quarter hours, so a 15-minute meeting is one row. */
export const SLOTS_PER_DAY = 96;
const SLOT_MS = 15 * 60_000;
/** Side-by-side columns for overlapping events; more overlap shares the last column. */
export const MAX_LANES = 4;

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const t = new Date(Date.UTC(y, m - 1 + months, 1));
  return t.toISOString().slice(0, 10);
}

export const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

export function weekStartOf(date: string, weekStart: number): string {
  return addDays(date, -((weekday(date) - weekStart + 7) % 7));
}

export const today = (tz: string, now = Date.now()) => dateIn(now, tz);

export function isDate(s: string | undefined): s is string {
  return !!s && /^\d{4}-\d\d-\d\d$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

export type ViewName = 'day' | 'week' | 'month' | 'agenda' | 'year';

/** The dates a view shows and the range of instants to load. */
export function viewRange(view: ViewName, date: string, weekStart: number, tz: string): { days: string[]; from: number; to: number; title: string } {
  let days: string[];
  const month = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  let title: string;
  switch (view) {
    case 'day':
      days = [date];
      title = new Date(`${date}T00:00:00Z`).toLocaleString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      break;
    case 'week': {
      const s = weekStartOf(date, weekStart);
      days = Array.from({ length: 7 }, (_, i) => addDays(s, i));
      title = `${month(s)} · week of ${Number(s.slice(8))}`;
      break;
    }
    case 'month': {
      const first = `${date.slice(0, 7)}-01`;
      const s = weekStartOf(first, weekStart);
      days = Array.from({ length: 42 }, (_, i) => addDays(s, i));
      title = month(first);
      break;
    }
    case 'agenda':
      days = Array.from({ length: 30 }, (_, i) => addDays(date, i));
      title = `From ${new Date(`${date}T00:00:00Z`).toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
      break;
    case 'year': {
      const s = `${date.slice(0, 4)}-01-01`;
      const e = `${Number(date.slice(0, 4)) + 1}-01-01`;
      days = [];
      for (let d = s; d < e; d = addDays(d, 1)) days.push(d);
      title = date.slice(0, 4);
      break;
    }
  }
  return { days, from: dateToUtc(days[0]!, tz), to: dateToUtc(addDays(days[days.length - 1]!, 1), tz), title };
}

/** Where the arrows go. */
export function step(view: ViewName, date: string, dir: 1 | -1): string {
  switch (view) {
    case 'day': return addDays(date, dir);
    case 'week': return addDays(date, 7 * dir);
    case 'month': return addMonths(date, dir);
    case 'agenda': return addDays(date, 30 * dir);
    case 'year': return `${Number(date.slice(0, 4)) + dir}${date.slice(4)}`;
  }
}

export interface PlacedEvent {
  occ: OccurrenceView;
  /** First quarter-hour row (0–95) and rows spanned in this day. */
  top: number;
  height: number;
  lane: number;
  lanes: number;
  /** Continues from the day before / into the next day. */
  continues: { before: boolean; after: boolean };
}

/** Occurrences touching a day: all-day ones (and timed ones of 24 h or more) apart, timed ones placed in rows and lanes. */
export function layoutDay(occs: OccurrenceView[], day: string, tz: string): { allDay: OccurrenceView[]; timed: PlacedEvent[] } {
  const start = dateToUtc(day, tz);
  const end = dateToUtc(addDays(day, 1), tz);
  const allDay: OccurrenceView[] = [];
  const timed: PlacedEvent[] = [];
  for (const o of occs) {
    const touches = o.end > o.start ? o.start < end && o.end > start : o.start >= start && o.start < end;
    if (!touches) continue;
    if (o.allDay || o.end - o.start >= 86_400_000) { allDay.push(o); continue; }
    const from = Math.max(o.start, start);
    const to = Math.min(Math.max(o.end, o.start + SLOT_MS), end);
    const w = wallclock(from, tz);
    const top = Math.min(SLOTS_PER_DAY - 1, Math.floor((w.hour * 60 + w.minute) / 15));
    const height = Math.max(1, Math.min(SLOTS_PER_DAY - top, Math.ceil((to - from) / SLOT_MS)));
    timed.push({ occ: o, top, height, lane: 0, lanes: 1, continues: { before: o.start < start, after: o.end > end } });
  }
  // Lanes: greedy over start order; a cluster of overlapping events shares its lane count.
  timed.sort((a, b) => a.top - b.top || b.height - a.height);
  let cluster: PlacedEvent[] = [];
  let clusterEnd = -1;
  const close = () => {
    const n = Math.min(MAX_LANES, Math.max(1, ...cluster.map((p) => p.lane + 1)));
    for (const p of cluster) { p.lanes = n; p.lane = Math.min(p.lane, n - 1); }
    cluster = [];
  };
  for (const p of timed) {
    if (p.top >= clusterEnd) { close(); clusterEnd = -1; }
    const used = new Set(cluster.filter((q) => q.top + q.height > p.top).map((q) => q.lane));
    let lane = 0;
    while (used.has(lane)) lane++;
    p.lane = lane;
    cluster.push(p);
    clusterEnd = Math.max(clusterEnd, p.top + p.height);
  }
  close();
  return { allDay, timed };
}

/** Occurrences by the local dates they touch (for month, agenda and year views). */
export function byDay(occs: OccurrenceView[], days: string[], tz: string): Map<string, OccurrenceView[]> {
  const out = new Map<string, OccurrenceView[]>(days.map((d) => [d, []]));
  for (const o of occs) {
    const last = o.end > o.start ? o.end - 1 : o.start;
    for (let d = dateIn(o.start, tz); d <= dateIn(last, tz); d = addDays(d, 1)) {
      out.get(d)?.push(o);
      if (d > days[days.length - 1]!) break;
    }
  }
  return out;
}

/** 'HH:MM' of an instant in a zone. */
export function clock(ms: number, tz: string): string {
  const w = wallclock(ms, tz);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}
