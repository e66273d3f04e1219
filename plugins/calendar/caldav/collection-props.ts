// Calendar collection properties as CalDAV clients read and write them (RFC 4791 §5.2,
// Apple's calendar-color/-order, RFC 7809 calendar-timezone-id), and the mapping of
// MKCALENDAR / PROPPATCH property elements onto CalendarFields. Pure.
import type { Clark, DavPropValue, XmlElement } from '../../../core/dav/types.ts';
import { NS } from '../../../core/dav/types.ts';
import { escapeXml, serializeXml } from '../../../core/dav/xml.ts';
import { COMPONENTS, MAX_OBJECT_BYTES, type CalendarFields, type ComponentName } from '../events.ts';
import type { CalendarInfo } from '../calendar-service.ts';
import { isIanaZone } from '../ical/zoned-time.ts';

const D = (l: string): Clark => `{DAV:}${l}`;
const C = (l: string): Clark => `{${NS.cal}}${l}`;
const I = (l: string): Clark => `{${NS.ical}}${l}`;

export const P = {
  displayname: D('displayname'),
  description: C('calendar-description'),
  color: I('calendar-color'),
  order: I('calendar-order'),
  components: C('supported-calendar-component-set'),
  data: C('supported-calendar-data'),
  maxSize: C('max-resource-size'),
  timezone: C('calendar-timezone'),
  timezoneId: C('calendar-timezone-id'),
} as const;

/** Largest serialized dead property value kept: clients store short flags and names. */
export const MAX_DEAD_PROP_BYTES = 10_000;

/** Properties the server computes; a client may not set or remove them (RFC 4918 §9.2: 403). */
const PROTECTED = new Set<Clark>([
  D('resourcetype'), D('getetag'), D('getcontenttype'), D('getcontentlength'), D('getlastmodified'), D('sync-token'), D('owner'),
  D('current-user-privilege-set'), D('supported-report-set'), D('current-user-principal'), D('principal-collection-set'),
  D('creationdate'), D('lockdiscovery'), D('supportedlock'), D('quota-available-bytes'), D('quota-used-bytes'),
  `{${NS.cs}}getctag`, P.data, P.maxSize, P.components,
]);

export function calendarProps(cal: CalendarInfo, opts: { ownerLabel?: string } = {}): Record<Clark, DavPropValue> {
  const props: Record<Clark, DavPropValue> = {};
  for (const [name, xml] of Object.entries(cal.deadProps)) props[name] = { xml };
  Object.assign(props, {
    [P.displayname]: opts.ownerLabel ? `${cal.displayName} (${opts.ownerLabel})` : cal.displayName,
    [P.description]: cal.description,
    [P.order]: String(cal.order),
    [P.components]: { xml: cal.components.map((c) => `<cal:comp name="${c}"/>`).join('') },
    [P.data]: { xml: '<cal:calendar-data content-type="text/calendar" version="2.0"/>' },
    [P.maxSize]: String(MAX_OBJECT_BYTES),
    [P.timezoneId]: cal.timezone,
  });
  if (cal.color) props[P.color] = cal.color;
  return props;
}

/** The XML content of a property element, to keep as a dead property. */
export function innerXml(el: XmlElement): string {
  return el.children.length > 0 ? el.children.map(serializeXml).join('') : escapeXml(el.text);
}

/** The TZID of the VTIMEZONE inside a calendar-timezone value (a whole VCALENDAR). */
function tzidOf(text: string): string | undefined {
  return /(?:^|\n)TZID[^:\r\n]*:([^\r\n]+)/i.exec(text)?.[1]?.trim();
}

export type PropOutcome = { ok: true; apply(f: CalendarFields): CalendarFields } | { ok: false; status: 403 | 409; reason: string };

/** What setting one property does to the fields, or why it is refused. */
export function setProp(el: XmlElement, opts: { creating: boolean }): PropOutcome {
  const text = el.text.trim();
  switch (el.name) {
    case P.displayname:
      if (text.length === 0 || text.length > 200) return { ok: false, status: 409, reason: 'a name is 1–200 characters' };
      return { ok: true, apply: (f) => ({ ...f, displayName: text }) };
    case P.description:
      if (text.length > 2_000) return { ok: false, status: 409, reason: 'a description is at most 2,000 characters' };
      return { ok: true, apply: (f) => ({ ...f, description: text }) };
    case P.color:
      // Apple sends #RRGGBBAA, others #RRGGBB.
      if (!/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(text)) return { ok: false, status: 409, reason: 'a color is #RRGGBB or #RRGGBBAA' };
      return { ok: true, apply: (f) => ({ ...f, color: text }) };
    case P.order: {
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return { ok: false, status: 409, reason: 'the order is an integer' };
      return { ok: true, apply: (f) => ({ ...f, order: n }) };
    }
    case P.timezoneId:
      if (!isIanaZone(text)) return { ok: false, status: 409, reason: 'unknown time zone' };
      return { ok: true, apply: (f) => ({ ...f, timezone: text }) };
    case P.timezone: {
      // RFC 4791 §5.2.2: a VCALENDAR with one VTIMEZONE. The zone is kept by name, the text as sent.
      const tz = tzidOf(el.text);
      const xml = innerXml(el);
      if (!tz || xml.length > MAX_DEAD_PROP_BYTES) return { ok: false, status: 409, reason: 'calendar-timezone needs a VTIMEZONE with a TZID' };
      return { ok: true, apply: (f) => ({ ...f, timezone: isIanaZone(tz) ? tz : f.timezone, deadProps: { ...f.deadProps, [P.timezone]: xml } }) };
    }
    case P.components: {
      if (!opts.creating) return { ok: false, status: 403, reason: 'the component set is fixed when the calendar is made' };
      const asked = el.children.filter((c) => c.name === C('comp')).map((c) => (c.attrs.name ?? '').toUpperCase());
      const comps = asked.filter((n): n is ComponentName => (COMPONENTS as readonly string[]).includes(n));
      if (comps.length === 0) return { ok: false, status: 403, reason: 'only VEVENT and VTODO calendars are supported' };
      return { ok: true, apply: (f) => ({ ...f, components: comps }) };
    }
    default: {
      if (PROTECTED.has(el.name)) return { ok: false, status: 403, reason: 'that property is computed by the server' };
      const xml = innerXml(el);
      if (xml.length > MAX_DEAD_PROP_BYTES) return { ok: false, status: 409, reason: 'that value is too large' };
      return { ok: true, apply: (f) => ({ ...f, deadProps: { ...f.deadProps, [el.name]: xml } }) };
    }
  }
}

export function removeProp(name: Clark): PropOutcome {
  switch (name) {
    case P.displayname: return { ok: true, apply: (f) => ({ ...f, displayName: f.slug }) };
    case P.description: return { ok: true, apply: (f) => ({ ...f, description: '' }) };
    case P.color: return { ok: true, apply: (f) => ({ ...f, color: '' }) };
    case P.order: return { ok: true, apply: (f) => ({ ...f, order: 0 }) };
    case P.timezoneId: return { ok: true, apply: (f) => f };
    default: {
      if (PROTECTED.has(name)) return { ok: false, status: 403, reason: 'that property is computed by the server' };
      return {
        ok: true,
        apply: (f) => {
          const { [name]: _, ...rest } = f.deadProps;
          return { ...f, deadProps: rest };
        },
      };
    }
  }
}

/**
 * Applies a whole PROPPATCH (or MKCALENDAR's properties) to `fields`: all or nothing
 * (RFC 4918 §9.2). Returns the new fields, or the statuses with failures and 424s.
 */
export function applyPatch(fields: CalendarFields, set: XmlElement[], remove: Clark[], opts: { creating: boolean }): { fields: CalendarFields; statuses: Record<Clark, number>; ok: boolean; reason?: string } {
  const outcomes: [Clark, PropOutcome][] = [...set.map((el): [Clark, PropOutcome] => [el.name, setProp(el, opts)]), ...remove.map((n): [Clark, PropOutcome] => [n, removeProp(n)])];
  const failed = outcomes.filter(([, o]) => !o.ok);
  const statuses: Record<Clark, number> = {};
  if (failed.length > 0) {
    for (const [name, o] of outcomes) statuses[name] = o.ok ? 424 : o.status;
    const first = failed[0]![1];
    return { fields, statuses, ok: false, reason: first.ok ? '' : first.reason };
  }
  let next = fields;
  for (const [name, o] of outcomes) {
    if (o.ok) next = o.apply(next);
    statuses[name] = 200;
  }
  return { fields: next, statuses, ok: true };
}
