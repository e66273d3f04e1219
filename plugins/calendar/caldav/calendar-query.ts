// calendar-query filters (RFC 4791 §9.7): comp-filter, prop-filter, param-filter,
// time-range (§9.9, with recurrence expansion) and text-match (§9.7.5, collations
// i;ascii-casemap and i;octet). Pure: evaluates one parsed object against a filter.
//
// Shortcuts, on purpose: a time-range inside a VALARM comp-filter matches any object
// that has an alarm (alarm triggers are not computed); a time-range on a property
// compares that property's value as an instant.
import ICAL from 'ical.js';
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { NS, type XmlElement } from '../../../core/dav/types.ts';
import { child, childrenNamed } from '../../../core/dav/xml.ts';
import { expandOccurrences, type Range } from '../ical/expand.ts';
import { timeToMs } from '../ical/zoned-time.ts';

const C = (l: string) => `{${NS.cal}}${l}`;

/** Parses a time-range's UTC `start`/`end` (RFC 4791 §9.9: "date with UTC time"); open ends are infinite. */
export function parseTimeRange(el: XmlElement): Range {
  const at = (v: string | undefined, open: number) => {
    if (v === undefined || v === '') return open;
    const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(v.trim());
    if (!m) throw new DavPreconditionError(C('valid-filter'), `time-range needs UTC times like 20260101T000000Z, got "${v}"`, 400);
    return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  };
  const range = { from: at(el.attrs.start, Number.NEGATIVE_INFINITY), to: at(el.attrs.end, Number.POSITIVE_INFINITY) };
  if (el.attrs.start === undefined && el.attrs.end === undefined) throw new DavPreconditionError(C('valid-filter'), 'time-range needs start or end', 400);
  if (range.to <= range.from) throw new DavPreconditionError(C('valid-filter'), 'time-range end must be after start', 400);
  return range;
}

/** What the filter needs at the top level: the component and range, for the SQL prefilter. */
export function prefilterOf(filter: XmlElement | undefined): { component?: 'VEVENT' | 'VTODO'; range?: Range } {
  const cal = child(filter, C('comp-filter'));
  const inner = childrenNamed(cal, C('comp-filter'));
  if (inner.length !== 1) return {};
  const f = inner[0]!;
  if (child(f, C('is-not-defined'))) return {};
  const name = (f.attrs.name ?? '').toUpperCase();
  const component = name === 'VEVENT' || name === 'VTODO' ? name : undefined;
  const tr = child(f, C('time-range'));
  return { ...(component ? { component } : {}), ...(tr ? { range: parseTimeRange(tr) } : {}) };
}

/**
 * True when the filter is only VCALENDAR › VEVENT › time-range — what clients send to
 * fetch a month. Then a single, non-floating, non-recurring event is decided by the
 * span the read model stores, without parsing its iCalendar (spanMatches).
 */
export function isPlainEventRange(filter: XmlElement | undefined): boolean {
  const cal = child(filter, C('comp-filter'));
  if (!cal || (cal.attrs.name ?? '').toUpperCase() !== 'VCALENDAR' || cal.children.length !== 1) return false;
  const f = cal.children[0]!;
  return f.name === C('comp-filter') && (f.attrs.name ?? '').toUpperCase() === 'VEVENT' && f.children.length === 1 && f.children[0]!.name === C('time-range');
}

/**
 * RFC 4791 §9.9 for a VEVENT from the occurrence spans the read model stores (exact in
 * any zone, see describe-object.ts), or undefined when the object must be parsed
 * (floating or all-day times, an endless or very long recurrence).
 */
export function spanMatches(o: { component: string; spans?: string | null }, range: Range): boolean | undefined {
  if (o.component !== 'VEVENT' || !o.spans) return undefined;
  for (const [start, end] of JSON.parse(o.spans) as [number, number][]) {
    if (end > start ? start < range.to && end > range.from : start >= range.from && start < range.to) return true;
  }
  return false;
}

/** Does the object (a parsed VCALENDAR) match the `<cal:filter>` element? */
export function matchesFilter(root: ICAL.Component, filter: XmlElement, tz: string): boolean {
  const top = childrenNamed(filter, C('comp-filter'));
  if (top.length !== 1 || (top[0]!.attrs.name ?? '').toUpperCase() !== 'VCALENDAR') {
    throw new DavPreconditionError(C('valid-filter'), 'a filter has one comp-filter for VCALENDAR', 400);
  }
  return compFilter(root, [root], top[0]!, tz);
}

function compFilter(root: ICAL.Component, candidates: ICAL.Component[], f: XmlElement, tz: string): boolean {
  const name = (f.attrs.name ?? '').toLowerCase();
  const found = candidates.filter((c) => c.name === name);
  if (child(f, C('is-not-defined'))) return found.length === 0;
  if (found.length === 0) return false;
  const tr = child(f, C('time-range'));
  if (tr) {
    const range = parseTimeRange(tr);
    if (name === 'vevent' || name === 'vtodo') {
      // Over all instances of the object (§9.9): expand, then keep matching components for the rest of the filter.
      const { occurrences } = expandOccurrences(root, range, tz, 1_000);
      const hit = new Set(occurrences.map((o) => o.component));
      const matching = found.filter((c) => hit.has(c));
      // An occurrence of the master generated by RRULE matches through the master.
      if (matching.length === 0) return false;
      return matching.some((c) => rest(root, c, f, tz));
    }
    if (name !== 'valarm') {
      if (!found.some((c) => spanOverlaps(c, range, tz))) return false;
    }
  }
  return found.some((c) => rest(root, c, f, tz));
}

/** prop-filters and nested comp-filters of one comp-filter against one component (all must hold). */
function rest(root: ICAL.Component, c: ICAL.Component, f: XmlElement, tz: string): boolean {
  for (const pf of childrenNamed(f, C('prop-filter'))) if (!propFilter(c, pf, tz)) return false;
  for (const cf of childrenNamed(f, C('comp-filter'))) if (!compFilter(root, c.getAllSubcomponents(), cf, tz)) return false;
  return true;
}

function spanOverlaps(c: ICAL.Component, r: Range, tz: string): boolean {
  const s = c.getFirstPropertyValue('dtstart');
  if (!(s instanceof ICAL.Time)) return true;
  const t = timeToMs(s, undefined, tz);
  return t < r.to && t >= r.from;
}

function propFilter(c: ICAL.Component, f: XmlElement, tz: string): boolean {
  const name = (f.attrs.name ?? '').toLowerCase();
  const props = c.getAllProperties(name);
  if (child(f, C('is-not-defined'))) return props.length === 0;
  if (props.length === 0) return false;
  return props.some((p) => {
    const tr = child(f, C('time-range'));
    if (tr) {
      const v = p.getFirstValue();
      if (!(v instanceof ICAL.Time)) return false;
      const tzid = p.getParameter('tzid');
      const t = timeToMs(v, typeof tzid === 'string' ? tzid : undefined, tz);
      const r = parseTimeRange(tr);
      if (!(t >= r.from && t < r.to)) return false;
    }
    const tm = child(f, C('text-match'));
    if (tm && !textMatch(p.getValues().map(String).join(','), tm)) return false;
    for (const pf of childrenNamed(f, C('param-filter'))) if (!paramFilter(p, pf)) return false;
    return true;
  });
}

function paramFilter(p: ICAL.Property, f: XmlElement): boolean {
  const name = (f.attrs.name ?? '').toLowerCase();
  const v = p.getParameter(name);
  if (child(f, C('is-not-defined'))) return v === undefined || v === null;
  if (v === undefined || v === null) return false;
  const tm = child(f, C('text-match'));
  return tm ? textMatch(Array.isArray(v) ? v.join(',') : String(v), tm) : true;
}

/** RFC 4791 §9.7.5 with RFC 4790 collations; substring match. */
export function textMatch(value: string, tm: XmlElement): boolean {
  const collation = tm.attrs.collation ?? 'i;ascii-casemap';
  if (collation !== 'i;ascii-casemap' && collation !== 'i;octet' && collation !== 'i;unicode-casemap') {
    throw new DavPreconditionError(C('supported-collation'), `collation ${collation} is not supported`, 403);
  }
  const needle = tm.text;
  const fold = (s: string) => (collation === 'i;octet' ? s : collation === 'i;ascii-casemap' ? s.replace(/[A-Z]/g, (ch) => ch.toLowerCase()) : s.toLowerCase());
  const hit = fold(value).includes(fold(needle));
  return tm.attrs['negate-condition'] === 'yes' ? !hit : hit;
}
