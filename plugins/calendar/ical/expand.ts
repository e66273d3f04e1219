// Recurrence expansion: the occurrences of one calendar object inside a time range,
// with RRULE/RDATE/EXDATE (ical.js RecurExpansion) and RECURRENCE-ID overrides applied.
// Used by calendar-query time-range (RFC 4791 §9.9), free-busy, <cal:expand>, the
// object's bounds for prefiltering, and the browser views.
import ICAL from 'ical.js';
import { dataComponents } from './parse-calendar-object.ts';
import { timeToMs } from './zoned-time.ts';

/**
 * Recurrence steps taken for one object in one expansion (~15–50 µs each). A daily
 * event that began 50 years ago is ~18,000 steps; beyond this a rule is pathological
 * (FREQ=SECONDLY) and the expansion stops rather than hold the request.
 */
export const MAX_EXPANSION_STEPS = 20_000;

export interface Occurrence {
  /** ms epoch; for all-day occurrences midnight in the zone given. */
  start: number;
  end: number;
  allDay: boolean;
  /** RECURRENCE-ID of this instance (iCalendar text, e.g. 20260112T100000) when the object recurs. */
  recurrenceId: string | undefined;
  /** The instant of RECURRENCE-ID (the original start of the instance), when the object recurs. */
  recurrenceAt: number | undefined;
  /** The component whose properties describe the instance (the master or its override). */
  component: ICAL.Component;
  /** The override component itself, when this instance was changed on its own. */
  overridden: boolean;
}

export interface Range { from: number; to: number }

const tzidOf = (c: ICAL.Component, prop: string) => {
  const p = c.getFirstProperty(prop);
  const v = p?.getParameter('tzid');
  return typeof v === 'string' ? v : undefined;
};

/**
 * Start and end of a component in ms. VEVENT: DTEND, else DTSTART+DURATION, else one day
 * for a date and zero for a date-time (RFC 5545 §3.6.1). VTODO: DTSTART..DUE, or DUE
 * alone; undefined when it has neither (it matches every range).
 */
export function componentSpan(c: ICAL.Component, tz: string, startOverride?: ICAL.Time): { start: number; end: number; allDay: boolean } | undefined {
  const dtstart = startOverride ?? (c.getFirstPropertyValue('dtstart') as ICAL.Time | null);
  const isTodo = c.name === 'vtodo';
  const endProp = isTodo ? 'due' : 'dtend';
  const due = c.getFirstPropertyValue(endProp) as ICAL.Time | null;
  const duration = c.getFirstPropertyValue('duration') as ICAL.Duration | null;
  if (!dtstart) {
    if (isTodo && due) {
      const at = timeToMs(due, tzidOf(c, 'due'), tz);
      return { start: at, end: at, allDay: due.isDate };
    }
    return undefined;
  }
  const startTzid = tzidOf(c, 'dtstart');
  const start = timeToMs(dtstart, startTzid, tz);
  let endTime: ICAL.Time | undefined;
  let endTzid = startTzid;
  if (startOverride) {
    // An instance: keep the master's length in wall-clock terms (DST-safe).
    const master = c.getFirstPropertyValue('dtstart') as ICAL.Time;
    const length = due ? due.subtractDate(master) : duration;
    if (length) { endTime = startOverride.clone(); endTime.addDuration(length); }
  } else if (due) {
    endTime = due;
    endTzid = tzidOf(c, endProp);
  } else if (duration) {
    endTime = dtstart.clone();
    endTime.addDuration(duration);
  }
  if (!endTime) {
    if (dtstart.isDate && !isTodo) { endTime = dtstart.clone(); endTime.day += 1; endTime = normalized(endTime); }
    else return { start, end: start, allDay: dtstart.isDate };
  }
  return { start, end: Math.max(start, timeToMs(endTime, endTzid, tz)), allDay: dtstart.isDate };
}

function normalized(t: ICAL.Time): ICAL.Time {
  const n = ICAL.Time.fromData({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second, isDate: t.isDate }, t.zone);
  return n;
}

/** RFC 4791 §9.9: does [start, end) overlap [from, to)? Zero-length items match when inside. */
export function overlaps(start: number, end: number, r: Range): boolean {
  return end > start ? start < r.to && end > r.from : start >= r.from && start < r.to;
}

/**
 * Occurrences of a parsed VCALENDAR overlapping `range`, in start order. `tz` reads
 * floating times and dates. `truncated` says the step limit was hit.
 */
export function expandOccurrences(root: ICAL.Component, range: Range, tz: string, limit = Number.POSITIVE_INFINITY, maxSteps = MAX_EXPANSION_STEPS): { occurrences: Occurrence[]; truncated: boolean } {
  const comps = dataComponents(root);
  const master = comps.find((c) => !c.hasProperty('recurrence-id'));
  const overrides = new Map<number, ICAL.Component>();
  for (const c of comps) {
    if (c === master) continue;
    const rid = c.getFirstPropertyValue('recurrence-id') as ICAL.Time;
    overrides.set(timeToMs(rid, tzidOf(c, 'recurrence-id'), tz), c);
  }
  const out: Occurrence[] = [];
  const push = (c: ICAL.Component, rid: string | undefined, ridAt: number | undefined, overridden: boolean, startOverride?: ICAL.Time) => {
    const span = componentSpan(c, tz, startOverride);
    if (!span) {
      // A task without dates belongs to every range.
      out.push({ start: range.from, end: range.from, allDay: true, recurrenceId: rid, recurrenceAt: ridAt, component: c, overridden });
      return;
    }
    if (overlaps(span.start, span.end, range)) out.push({ ...span, recurrenceId: rid, recurrenceAt: ridAt, component: c, overridden });
  };
  let truncated = false;
  const recurs = master && (master.hasProperty('rrule') || master.hasProperty('rdate'));
  if (master && !recurs) push(master, undefined, undefined, false);
  if (master && recurs) {
    const dtstart = master.getFirstPropertyValue('dtstart') as ICAL.Time;
    const startTzid = tzidOf(master, 'dtstart');
    const expansion = new ICAL.RecurExpansion({ component: master, dtstart });
    // ical.js compares EXDATEs by wall clock in the zones it knows; an EXDATE in UTC
    // against a DTSTART in an IANA zone it was not given would slip through, so compare instants too.
    const excluded = new Set<number>();
    for (const p of master.getAllProperties('exdate')) {
      const tzid = p.getParameter('tzid');
      for (const v of p.getValues()) if (v instanceof ICAL.Time) excluded.add(timeToMs(v, typeof tzid === 'string' ? tzid : undefined, tz));
    }
    for (let steps = 0; ; steps++) {
      if (steps >= maxSteps || out.length >= limit) { truncated = true; break; }
      const next = expansion.next();
      if (!next) break;
      const at = timeToMs(next, startTzid, tz);
      if (at >= range.to) break;
      if (excluded.has(at)) continue;
      const override = overrides.get(at);
      const rid = next.toICALString();
      if (override) {
        overrides.delete(at);
        push(override, rid, at, true);
      } else push(master, rid, at, false, next);
    }
  }
  // Overrides not reached above: moved into the range from an instance beyond it, or
  // instances of a master this object does not hold (an invitation to one occurrence).
  for (const [at, c] of overrides) {
    const rid = (c.getFirstPropertyValue('recurrence-id') as ICAL.Time).toICALString();
    push(c, rid, at, true);
  }
  out.sort((a, b) => a.start - b.start);
  return { occurrences: out, truncated };
}
