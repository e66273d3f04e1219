// Validation of a calendar object resource (RFC 4791 §4.1 and §5.3.2.1): one VCALENDAR,
// one kind of component, one UID (the master and its RECURRENCE-ID overrides), no
// METHOD, parseable dates. A body that fails is refused with the RFC's precondition
// element and never stored.
import ICAL from 'ical.js';
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { COMPONENTS, MAX_OBJECT_BYTES, type ComponentName } from '../events.ts';

const CAL = 'urn:ietf:params:xml:ns:caldav';
export const VALID_CALENDAR_DATA = `{${CAL}}valid-calendar-data`;
export const VALID_OBJECT_RESOURCE = `{${CAL}}valid-calendar-object-resource`;
export const SUPPORTED_COMPONENT = `{${CAL}}supported-calendar-component`;
export const NO_UID_CONFLICT = `{${CAL}}no-uid-conflict`;
export const MAX_RESOURCE_SIZE = `{${CAL}}max-resource-size`;

/** Overrides of one recurring event in one object; more is a generated file gone wrong. */
export const MAX_OVERRIDES = 1_000;

/** Parses iCalendar text into its VCALENDAR, or undefined when it is not one VCALENDAR. */
export function parseVCalendar(ics: string): ICAL.Component | undefined {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(ics);
  } catch {
    return undefined;
  }
  // ICAL.parse returns one jCal array, or an array of them when the text holds several.
  if (!Array.isArray(jcal) || typeof jcal[0] !== 'string') return undefined;
  const root = new ICAL.Component(jcal as never);
  return root.name === 'vcalendar' ? root : undefined;
}

/** The components of an object that carry data (everything but VTIMEZONE). */
export function dataComponents(root: ICAL.Component): ICAL.Component[] {
  return root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
}

export interface ValidObject {
  uid: string;
  component: ComponentName;
}

/**
 * Checks a body for PUT; returns its UID and component type or throws DavPreconditionError.
 * `allowed` is the calendar's supported-calendar-component-set.
 */
export function validateCalendarObject(ics: string, allowed: readonly ComponentName[]): ValidObject {
  if (Buffer.byteLength(ics, 'utf8') > MAX_OBJECT_BYTES) {
    throw new DavPreconditionError(MAX_RESOURCE_SIZE, `calendar objects are limited to ${MAX_OBJECT_BYTES} bytes`, 403);
  }
  const root = parseVCalendar(ics);
  if (!root) throw new DavPreconditionError(VALID_CALENDAR_DATA, 'the body is not one valid iCalendar VCALENDAR');
  if (root.hasProperty('method')) {
    throw new DavPreconditionError(VALID_OBJECT_RESOURCE, 'a stored calendar object must not have a METHOD property (RFC 4791 §4.1)');
  }
  const comps = dataComponents(root);
  if (comps.length === 0) throw new DavPreconditionError(VALID_OBJECT_RESOURCE, 'the calendar has no VEVENT or VTODO');
  const kind = comps[0]!.name.toUpperCase();
  if (comps.some((c) => c.name.toUpperCase() !== kind)) {
    throw new DavPreconditionError(VALID_OBJECT_RESOURCE, 'a calendar object holds one kind of component only (RFC 4791 §4.1)');
  }
  if (!(COMPONENTS as readonly string[]).includes(kind)) {
    throw new DavPreconditionError(SUPPORTED_COMPONENT, `${kind} is not supported; use VEVENT or VTODO`);
  }
  const component = kind as ComponentName;
  if (!allowed.includes(component)) throw new DavPreconditionError(SUPPORTED_COMPONENT, `this calendar does not accept ${component}`);
  const uids = new Set(comps.map((c) => String(c.getFirstPropertyValue('uid') ?? '').trim()));
  const uid = [...uids][0] ?? '';
  if (uids.size !== 1 || uid === '') throw new DavPreconditionError(VALID_OBJECT_RESOURCE, 'every component needs the same, non-empty UID');
  if (uid.length > 1_000) throw new DavPreconditionError(VALID_OBJECT_RESOURCE, 'that UID is too long');
  if (comps.length > MAX_OVERRIDES + 1) throw new DavPreconditionError(VALID_OBJECT_RESOURCE, `at most ${MAX_OVERRIDES} overridden occurrences per object`);
  const masters = comps.filter((c) => !c.hasProperty('recurrence-id'));
  if (masters.length > 1) throw new DavPreconditionError(VALID_OBJECT_RESOURCE, 'only one component may lack RECURRENCE-ID');
  const rids = new Set<string>();
  try {
    for (const c of comps) {
      checkDates(c, component);
      const rid = c.getFirstPropertyValue('recurrence-id') as ICAL.Time | null;
      if (rid) {
        const key = rid.toString();
        if (rids.has(key)) throw new DavPreconditionError(VALID_OBJECT_RESOURCE, `two overrides for the same occurrence ${key}`);
        rids.add(key);
      }
    }
  } catch (e) {
    if (e instanceof DavPreconditionError) throw e;
    throw new DavPreconditionError(VALID_CALENDAR_DATA, `invalid date or value: ${(e as Error).message}`.slice(0, 300));
  }
  return { uid, component };
}

function checkDates(c: ICAL.Component, kind: ComponentName): void {
  const start = c.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  if (kind === 'VEVENT' && !start) throw new DavPreconditionError(VALID_CALENDAR_DATA, 'a VEVENT needs DTSTART');
  if (start && !(start instanceof ICAL.Time)) throw new DavPreconditionError(VALID_CALENDAR_DATA, 'DTSTART is not a date or date-time');
  const endName = kind === 'VEVENT' ? 'dtend' : 'due';
  if (c.hasProperty(endName) && c.hasProperty('duration')) {
    throw new DavPreconditionError(VALID_CALENDAR_DATA, `${endName.toUpperCase()} and DURATION cannot both be given`);
  }
  const end = c.getFirstPropertyValue(endName) as ICAL.Time | null;
  if (end && !(end instanceof ICAL.Time)) throw new DavPreconditionError(VALID_CALENDAR_DATA, `${endName.toUpperCase()} is not a date or date-time`);
  if (start && end && start.isDate !== end.isDate) throw new DavPreconditionError(VALID_CALENDAR_DATA, `DTSTART and ${endName.toUpperCase()} must both be dates or both date-times`);
  if (start && end && end.compare(start) < 0) throw new DavPreconditionError(VALID_CALENDAR_DATA, `${endName.toUpperCase()} is before DTSTART`);
  for (const rrule of c.getAllProperties('rrule').map((p) => p.getFirstValue())) {
    if (!(rrule instanceof ICAL.Recur) || !rrule.freq) throw new DavPreconditionError(VALID_CALENDAR_DATA, 'RRULE is not a recurrence rule (it needs FREQ)');
    if (!start) throw new DavPreconditionError(VALID_CALENDAR_DATA, 'a recurring component needs DTSTART');
  }
  const duration = c.getFirstPropertyValue('duration');
  // ical.js throws on a malformed DURATION when it is read (caught as valid-calendar-data).
  if (c.hasProperty('duration') && !(duration instanceof ICAL.Duration)) throw new DavPreconditionError(VALID_CALENDAR_DATA, 'DURATION is not a duration (like PT1H)');
}
