// What the read model keeps beside the iCalendar text: the columns the browser views
// list, and the bounds of all occurrences so a time-range query reads only the objects
// that can match. Deterministic (no clock), so projections may call it.
import ICAL from 'ical.js';
import { componentSpan, expandOccurrences } from './expand.ts';
import { dataComponents, parseVCalendar } from './parse-calendar-object.ts';
import { timeToMs } from './zoned-time.ts';

/**
 * Bounds are computed with floating times read as UTC; a floating time can be up to
 * 14 h away in the viewer's zone, so bounds are widened by a day each side.
 */
const BOUNDS_SLACK_MS = 86_400_000;
/**
 * Recurrence steps spent on bounds. They are computed in the projection, inside the
 * write transaction, where ical.js costs ~15–50 µs a step on a small machine: a COUNT
 * beyond this leaves the end open (the object is then read for every later range).
 */
export const MAX_BOUNDS_STEPS = 500;

export interface ObjectDescription {
  summary: string;
  location: string;
  description: string;
  /** Master (or first override) start and end, ms; null for a task without dates. */
  start: number | null;
  end: number | null;
  allDay: boolean;
  tzid: string | null;
  rrule: string | null;
  due: number | null;
  /** VTODO: COMPLETED time or STATUS:COMPLETED. */
  completed: boolean;
  status: string | null;
  color: string | null;
  /** Earliest start / latest end of every occurrence, widened; null = unbounded. */
  firstStart: number | null;
  lastEnd: number | null;
  /**
   * Every occurrence as [start, end] UTC ms, when that is exact whatever the viewer's zone:
   * no floating times, no all-day dates, a bounded recurrence of ≤ MAX_BOUNDS_STEPS steps.
   * A plain time-range query then decides the object without parsing it.
   */
  spans: [number, number][] | null;
}

const text = (c: ICAL.Component, name: string) => {
  const v = c.getFirstPropertyValue(name);
  return v === null || v === undefined ? '' : String(v);
};

export function describeObject(ics: string): ObjectDescription {
  const empty: ObjectDescription = {
    spans: null, summary: '', location: '', description: '', start: null, end: null, allDay: false, tzid: null, rrule: null,
    due: null, completed: false, status: null, color: null, firstStart: null, lastEnd: null,
  };
  const root = parseVCalendar(ics);
  if (!root) return empty;
  try {
    const comps = dataComponents(root);
    const main = comps.find((c) => !c.hasProperty('recurrence-id')) ?? comps[0];
    if (!main) return empty;
    const span = componentSpan(main, 'UTC');
    const rrule = main.getFirstPropertyValue('rrule') as ICAL.Recur | null;
    const dtstartProp = main.getFirstProperty('dtstart');
    const tzid = dtstartProp?.getParameter('tzid');
    const due = main.getFirstPropertyValue('due') as ICAL.Time | null;
    const status = text(main, 'status').toUpperCase() || null;
    return {
      summary: text(main, 'summary').slice(0, 500),
      location: text(main, 'location').slice(0, 500),
      description: text(main, 'description').slice(0, 5_000),
      start: span?.start ?? null,
      end: span?.end ?? null,
      allDay: span?.allDay ?? false,
      tzid: typeof tzid === 'string' ? tzid : null,
      rrule: rrule ? rrule.toString() : null,
      due: due && main.name === 'vtodo' ? (componentSpan(main, 'UTC')?.end ?? null) : null,
      completed: main.hasProperty('completed') || status === 'COMPLETED',
      status,
      color: text(main, 'color') || null,
      ...boundsAndSpans(root, main, comps),
    };
  } catch {
    return empty;
  }
}

function boundsAndSpans(root: ICAL.Component, main: ICAL.Component, comps: ICAL.Component[]): { firstStart: number | null; lastEnd: number | null; spans: [number, number][] | null } {
  const spans = exactSpans(root, main, comps);
  if (spans && spans.length > 0) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const [s, e] of spans) { first = Math.min(first, s); last = Math.max(last, e); }
    return { firstStart: first - BOUNDS_SLACK_MS, lastEnd: last + BOUNDS_SLACK_MS, spans };
  }
  return { ...bounds(root, main, comps), spans: null };
}

/** Occurrences in UTC when they do not depend on the viewer's zone (see ObjectDescription.spans). */
function exactSpans(root: ICAL.Component, main: ICAL.Component, comps: ICAL.Component[]): [number, number][] | null {
  if (main.name !== 'vevent') return null;
  for (const c of comps) {
    const p = c.getFirstProperty('dtstart');
    const t = p?.getFirstValue() as ICAL.Time | null | undefined;
    if (!p || !t || t.isDate) return null;
    const utc = t.zone === ICAL.Timezone.utcTimezone;
    if (!utc && typeof p.getParameter('tzid') !== 'string') return null; // floating
  }
  const rules = main.getAllProperties('rrule').map((p) => p.getFirstValue() as ICAL.Recur);
  if (rules.some((r) => !r.count && !r.until)) return null;
  if (rules.length === 0 && !main.hasProperty('rdate') && comps.length === 1) {
    const span = componentSpan(main, 'UTC');
    return span ? [[span.start, span.end]] : null;
  }
  const { occurrences, truncated } = expandOccurrences(root, { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }, 'UTC', Number.POSITIVE_INFINITY, MAX_BOUNDS_STEPS);
  return truncated ? null : occurrences.map((o) => [o.start, o.end]);
}

function bounds(root: ICAL.Component, main: ICAL.Component, comps: ICAL.Component[]): { firstStart: number | null; lastEnd: number | null } {
  const spans = comps.map((c) => componentSpan(c, 'UTC'));
  if (spans.some((s) => s === undefined)) return { firstStart: null, lastEnd: null };
  let first = Math.min(...spans.map((s) => s!.start));
  let last = Math.max(...spans.map((s) => s!.end));
  const rules = main.getAllProperties('rrule').map((p) => p.getFirstValue() as ICAL.Recur);
  if (rules.some((r) => !r.count && !r.until)) return { firstStart: first - BOUNDS_SLACK_MS, lastEnd: null };
  const open = { firstStart: first - BOUNDS_SLACK_MS, lastEnd: null };
  if (rules.length > 0 && rules.every((r) => r.until && !r.count)) {
    // UNTIL bounds the last start without expanding; the longest span gives the end.
    const length = Math.max(0, ...spans.map((x) => x!.end - x!.start));
    for (const r of rules) last = Math.max(last, timeToMs(r.until!, undefined, 'UTC') + length);
    for (const p of main.getAllProperties('rdate')) {
      for (const v of p.getValues()) {
        if (v instanceof ICAL.Time) last = Math.max(last, timeToMs(v, undefined, 'UTC') + length);
        else return open; // an RDATE period: not worth bounding by hand
      }
    }
  } else if (rules.length > 0 || main.hasProperty('rdate')) {
    const { occurrences, truncated } = expandOccurrences(root, { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }, 'UTC', Number.POSITIVE_INFINITY, MAX_BOUNDS_STEPS);
    if (truncated) return open;
    for (const o of occurrences) { first = Math.min(first, o.start); last = Math.max(last, o.end); }
  }
  return { firstStart: first - BOUNDS_SLACK_MS, lastEnd: last + BOUNDS_SLACK_MS };
}
