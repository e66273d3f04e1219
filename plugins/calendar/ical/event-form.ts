// The browser's event and task forms as iCalendar: building a new object, changing a
// whole series or one occurrence (an override with RECURRENCE-ID), removing one
// occurrence (EXDATE), and reading an object back into the form. Everything the form
// does not manage (ORGANIZER, X- properties, other clients' data) is kept as it was.
import ICAL from 'ical.js';
import { ValidationError } from '../../../core/errors.ts';
import { PRODID } from './split-import.ts';
import { dataComponents, parseVCalendar } from './parse-calendar-object.ts';
import { vtimezoneFor } from './vtimezone.ts';
import { isIanaZone, wallclock } from './zoned-time.ts';

export const REPEATS = ['none', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type Repeat = (typeof REPEATS)[number];
/** Colors an event may have (RFC 7986 COLOR takes CSS3 color names). */
export const EVENT_COLORS = ['tomato', 'orange', 'gold', 'seagreen', 'teal', 'royalblue', 'purple', 'slategray'] as const;
/** Reminder choices offered, in minutes before the start. */
export const REMINDERS = [0, 5, 10, 15, 30, 60, 120, 1440, 2880] as const;
/** Attendees one event may list in the form; a mailing list is the tool for more. */
export const MAX_ATTENDEES = 100;
/** Occurrences a COUNT may ask for in the form. */
export const MAX_COUNT = 1_000;
const MAX_TEXT = 10_000; // a description is a note, not a document

export interface EventInput {
  summary: string;
  location: string;
  description: string;
  allDay: boolean;
  /** Wall-clock 'YYYY-MM-DD' and 'HH:MM' in `tz` (times ignored for all-day events; end date inclusive then). */
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  tz: string;
  repeat: Repeat;
  interval: number;
  ends: 'never' | 'count' | 'until';
  count: number;
  until: string;
  reminderMinutes: number | null;
  attendees: string[];
  color: string | null;
}

export interface TaskInput {
  summary: string;
  description: string;
  /** 'YYYY-MM-DD' or '' for no due date. */
  due: string;
  done: boolean;
}

const DATE = /^\d{4}-\d\d-\d\d$/;
const TIME = /^\d\d:\d\d$/;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Checks and normalizes what the form sent; throws ValidationError with a sentence for the user. */
export function cleanEventInput(i: EventInput): EventInput {
  const summary = i.summary.trim().slice(0, 500);
  if (!DATE.test(i.startDate) || !DATE.test(i.endDate)) throw new ValidationError('choose a start and an end date');
  if (!i.allDay && (!TIME.test(i.startTime) || !TIME.test(i.endTime))) throw new ValidationError('choose a start and an end time');
  if (!isIanaZone(i.tz)) throw new ValidationError('choose a known time zone');
  const start = `${i.startDate}T${i.allDay ? '00:00' : i.startTime}`;
  const end = `${i.endDate}T${i.allDay ? '00:00' : i.endTime}`;
  if (i.allDay ? end < start : end <= start) throw new ValidationError('the end must be after the start');
  if (!REPEATS.includes(i.repeat)) throw new ValidationError('choose how the event repeats');
  if (!Number.isInteger(i.interval) || i.interval < 1 || i.interval > 99) throw new ValidationError('repeat every 1 to 99 days, weeks, months or years');
  if (i.repeat !== 'none' && i.ends === 'count' && (!Number.isInteger(i.count) || i.count < 1 || i.count > MAX_COUNT)) throw new ValidationError(`repeat 1 to ${MAX_COUNT} times`);
  if (i.repeat !== 'none' && i.ends === 'until' && (!DATE.test(i.until) || i.until < i.startDate)) throw new ValidationError('the repetition must end on or after the first day');
  const attendees = [...new Set(i.attendees.map((a) => a.trim().toLowerCase()).filter(Boolean))];
  if (attendees.length > MAX_ATTENDEES) throw new ValidationError(`at most ${MAX_ATTENDEES} attendees`);
  const bad = attendees.find((a) => !EMAIL.test(a));
  if (bad) throw new ValidationError(`"${bad}" is not an email address`);
  if (i.color !== null && !(EVENT_COLORS as readonly string[]).includes(i.color)) throw new ValidationError('choose one of the offered colors');
  if (i.reminderMinutes !== null && !(REMINDERS as readonly number[]).includes(i.reminderMinutes)) throw new ValidationError('choose one of the offered reminders');
  if (i.description.length > MAX_TEXT || i.location.length > 500) throw new ValidationError('the text is too long');
  return { ...i, summary, attendees };
}

const pad = (n: number) => String(n).padStart(2, '0');
const icsDate = (d: string) => d.replace(/-/g, '');

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function timeProp(name: string, date: string, time: string | null, tz: string): ICAL.Property {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const p = new ICAL.Property(name);
  if (time === null) {
    p.setValue(ICAL.Time.fromData({ year: y, month: mo, day: d, isDate: true }));
    return p;
  }
  const [h, mi] = time.split(':').map(Number) as [number, number];
  if (tz === 'UTC') {
    p.setValue(ICAL.Time.fromData({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0 }, ICAL.Timezone.utcTimezone));
  } else {
    p.setValue(ICAL.Time.fromData({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0 }));
    p.setParameter('tzid', tz);
  }
  return p;
}

/**
 * Writes the form's fields onto a VEVENT (master or override). `previous` is what the
 * form showed: a recurrence rule, alarms or a color the form could not represent exactly
 * (BYDAY rules, several alarms, a color outside the palette) are left as they were unless
 * the user changed that field, and attendees keep their PARTSTAT.
 */
function applyFields(c: ICAL.Component, i: EventInput, opts: { recurrence: boolean; now: Date; previous?: EventInput }) {
  const prev = opts.previous;
  const sameRule = prev !== undefined && prev.repeat === i.repeat && prev.interval === i.interval && prev.ends === i.ends
    && (i.ends !== 'count' || prev.count === i.count) && (i.ends !== 'until' || prev.until === i.until);
  const sameAlarm = prev !== undefined && prev.reminderMinutes === i.reminderMinutes;
  const sameColor = prev !== undefined && prev.color === i.color;
  for (const name of ['summary', 'location', 'description', 'dtstart', 'dtend', 'duration']) c.removeAllProperties(name);
  if (!sameColor) c.removeAllProperties('color');
  if (opts.recurrence && !sameRule) c.removeAllProperties('rrule');
  if (!sameAlarm) for (const a of c.getAllSubcomponents('valarm')) c.removeSubcomponent(a);
  const wanted = new Set(i.attendees);
  const had = new Set<string>();
  for (const p of c.getAllProperties('attendee')) {
    const email = String(p.getFirstValue()).replace(/^mailto:/i, '').toLowerCase();
    if (wanted.has(email) && !had.has(email)) had.add(email);
    else c.removeProperty(p);
  }
  c.addPropertyWithValue('summary', i.summary || 'Untitled');
  if (i.location) c.addPropertyWithValue('location', i.location);
  if (i.description) c.addPropertyWithValue('description', i.description);
  c.addProperty(timeProp('dtstart', i.startDate, i.allDay ? null : i.startTime, i.tz));
  // All-day: the form's end date is inclusive, DTEND is exclusive (RFC 5545 §3.6.1).
  c.addProperty(i.allDay ? timeProp('dtend', addDays(i.endDate, 1), null, i.tz) : timeProp('dtend', i.endDate, i.endTime, i.tz));
  if (opts.recurrence && !sameRule && i.repeat !== 'none') {
    const parts = [`FREQ=${i.repeat.toUpperCase()}`];
    if (i.interval > 1) parts.push(`INTERVAL=${i.interval}`);
    if (i.ends === 'count') parts.push(`COUNT=${i.count}`);
    if (i.ends === 'until') parts.push(i.allDay ? `UNTIL=${icsDate(i.until)}` : `UNTIL=${icsDate(i.until)}T235959Z`);
    c.addProperty(new ICAL.Property(ICAL.parse.property(`RRULE:${parts.join(';')}`)));
  }
  if (i.color && !sameColor) c.addPropertyWithValue('color', i.color);
  for (const a of i.attendees) {
    if (had.has(a)) continue;
    const p = new ICAL.Property('attendee');
    p.setValue(`mailto:${a}`);
    p.setParameter('partstat', 'NEEDS-ACTION');
    p.setParameter('rsvp', 'TRUE');
    c.addProperty(p);
  }
  if (i.reminderMinutes !== null && !sameAlarm) {
    const alarm = new ICAL.Component('valarm');
    alarm.addPropertyWithValue('action', 'DISPLAY');
    alarm.addPropertyWithValue('description', i.summary || 'Reminder');
    alarm.addProperty(new ICAL.Property(ICAL.parse.property(`TRIGGER:${i.reminderMinutes === 0 ? 'PT0S' : `-PT${i.reminderMinutes}M`}`)));
    c.addSubcomponent(alarm);
  }
  touch(c, opts.now);
}

function touch(c: ICAL.Component, now: Date) {
  const stamp = ICAL.Time.fromJSDate(now, true);
  c.updatePropertyWithValue('dtstamp', stamp);
  c.updatePropertyWithValue('last-modified', stamp);
  const seq = Number(c.getFirstPropertyValue('sequence') ?? 0);
  c.updatePropertyWithValue('sequence', Number.isFinite(seq) ? seq + 1 : 1);
}

/** Adds VTIMEZONEs for the IANA zones the components use and the object lacks. */
function ensureZones(cal: ICAL.Component, year: number) {
  const have = new Set(cal.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid'))));
  const used = new Set<string>();
  for (const c of dataComponents(cal)) {
    for (const p of c.getAllProperties()) {
      const tz = p.getParameter('tzid');
      if (typeof tz === 'string') used.add(tz);
    }
  }
  for (const tz of used) {
    if (have.has(tz) || !isIanaZone(tz)) continue;
    const z = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${vtimezoneFor(tz, year)}\r\nEND:VCALENDAR`) as never).getFirstSubcomponent('vtimezone')!;
    // Zones go before the events (RFC 5545 §3.6 does not require it, but some clients expect it).
    cal.addSubcomponent(z);
  }
  const zones = cal.getAllSubcomponents('vtimezone');
  const others = dataComponents(cal);
  for (const s of [...zones, ...others]) cal.removeSubcomponent(s);
  for (const s of [...zones, ...others]) cal.addSubcomponent(s);
}

const yearOf = (i: { startDate: string }) => Number(i.startDate.slice(0, 4));
const text = (cal: ICAL.Component) => cal.toString() + '\r\n';

export function buildEvent(input: EventInput, uid: string, now: Date): string {
  const i = cleanEventInput(input);
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  const ev = new ICAL.Component('vevent');
  ev.addPropertyWithValue('uid', uid);
  ev.addPropertyWithValue('created', ICAL.Time.fromJSDate(now, true));
  ev.addPropertyWithValue('sequence', -1);
  cal.addSubcomponent(ev);
  applyFields(ev, i, { recurrence: true, now });
  ensureZones(cal, yearOf(i));
  return text(cal);
}

function load(ics: string): { cal: ICAL.Component; master: ICAL.Component } {
  const cal = parseVCalendar(ics);
  const master = cal && dataComponents(cal).find((c) => !c.hasProperty('recurrence-id'));
  if (!cal || !master) throw new ValidationError('this event cannot be edited here (it has no main component)');
  return { cal, master };
}

/** Changes the whole series (or the single event). */
export function updateSeries(ics: string, input: EventInput, now: Date): string {
  const i = cleanEventInput(input);
  const { cal, master } = load(ics);
  applyFields(master, i, { recurrence: true, now, previous: readEvent(ics, i.tz) });
  ensureZones(cal, yearOf(i));
  return text(cal);
}

/** RECURRENCE-ID text as the occurrence list gives it ('20260112T100000', '…Z', or a date). */
function ridTime(rid: string, master: ICAL.Component): ICAL.Property {
  const m = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z)?)?$/.exec(rid);
  if (!m) throw new ValidationError('that is not an occurrence of this event');
  const start = master.getFirstProperty('dtstart');
  const p = new ICAL.Property('recurrence-id');
  const data = { year: +m[1]!, month: +m[2]!, day: +m[3]!, ...(m[4] ? { hour: +m[4], minute: +m[5]!, second: +m[6]! } : { isDate: true }) };
  p.setValue(ICAL.Time.fromData(data, m[7] ? ICAL.Timezone.utcTimezone : undefined));
  const tzid = start?.getParameter('tzid');
  if (!m[7] && m[4] && typeof tzid === 'string') p.setParameter('tzid', tzid);
  return p;
}

function findOverride(cal: ICAL.Component, rid: string): ICAL.Component | undefined {
  return dataComponents(cal).find((c) => {
    const v = c.getFirstPropertyValue('recurrence-id');
    return v instanceof ICAL.Time && v.toICALString() === rid;
  });
}

/** Changes one occurrence: an override component carrying RECURRENCE-ID (RFC 5545 §3.8.4.4). */
export function updateOccurrence(ics: string, rid: string, input: EventInput, now: Date): string {
  const i = cleanEventInput({ ...input, repeat: 'none' });
  const { cal, master } = load(ics);
  let o = findOverride(cal, rid);
  // A new override starts empty, so the form writes every field into it.
  const previous = o ? readEvent(ics, i.tz, rid) : undefined;
  if (!o) {
    o = new ICAL.Component('vevent');
    o.addPropertyWithValue('uid', String(master.getFirstPropertyValue('uid')));
    o.addProperty(ridTime(rid, master));
    for (const keep of ['organizer', 'class', 'transp', 'status', 'categories']) {
      for (const p of master.getAllProperties(keep)) o.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(p.toJSON()))));
    }
    o.addPropertyWithValue('sequence', Number(master.getFirstPropertyValue('sequence') ?? 0) - 1);
    cal.addSubcomponent(o);
  }
  applyFields(o, i, { recurrence: false, now, ...(previous ? { previous } : {}) });
  ensureZones(cal, yearOf(i));
  return text(cal);
}

/** Removes one occurrence: EXDATE on the master (same form as DTSTART), its override dropped. */
export function removeOccurrence(ics: string, rid: string, now: Date): string {
  const { cal, master } = load(ics);
  const o = findOverride(cal, rid);
  if (o) cal.removeSubcomponent(o);
  const ex = ridTime(rid, master);
  const p = new ICAL.Property('exdate');
  p.setValue(ex.getFirstValue() as ICAL.Time);
  const tzid = ex.getParameter('tzid');
  if (typeof tzid === 'string') p.setParameter('tzid', tzid);
  master.addProperty(p);
  touch(master, now);
  return text(cal);
}

/** The form's view of an object (or of one occurrence of it), in `tz` for UTC times. */
export function readEvent(ics: string, tz: string, rid?: string): EventInput {
  const { cal, master } = load(ics);
  const c = (rid && findOverride(cal, rid)) || master;
  const start = c.getFirstPropertyValue('dtstart') as ICAL.Time;
  const startTzid = c.getFirstProperty('dtstart')?.getParameter('tzid');
  const zone = typeof startTzid === 'string' && isIanaZone(startTzid) ? startTzid : tz;
  const wall = (t: ICAL.Time): { date: string; time: string } => {
    if (t.isDate) return { date: `${t.year}-${pad(t.month)}-${pad(t.day)}`, time: '' };
    if (t.zone === ICAL.Timezone.utcTimezone || t.zone?.tzid === 'UTC') {
      const w = wallclock(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second), zone);
      return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
    }
    return { date: `${t.year}-${pad(t.month)}-${pad(t.day)}`, time: `${pad(t.hour)}:${pad(t.minute)}` };
  };
  let endT = c.getFirstPropertyValue('dtend') as ICAL.Time | null;
  if (!endT) {
    endT = start.clone();
    const dur = c.getFirstPropertyValue('duration') as ICAL.Duration | null;
    if (dur) endT.addDuration(dur);
    else if (start.isDate) endT.day += 1;
  }
  let s = wall(start);
  let e = wall(endT);
  if (rid && c === master) {
    // An occurrence not yet overridden: its own date, the master's times and length.
    const m = /^(\d{4})(\d\d)(\d\d)/.exec(rid);
    if (m) {
      const shift = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) - Date.parse(`${s.date}T00:00:00Z`);
      const move = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + shift).toISOString().slice(0, 10);
      s = { ...s, date: move(s.date) };
      e = { ...e, date: move(e.date) };
    }
  }
  const allDay = start.isDate;
  const rrule = master.getFirstPropertyValue('rrule') as ICAL.Recur | null;
  const freq = rrule?.freq?.toLowerCase();
  const alarm = c.getFirstSubcomponent('valarm');
  const trigger = alarm?.getFirstPropertyValue('trigger');
  const minutes = trigger instanceof ICAL.Duration ? Math.round(-trigger.toSeconds() / 60) : null;
  const until = rrule?.until ? `${rrule.until.year}-${pad(rrule.until.month)}-${pad(rrule.until.day)}` : '';
  const color = String(c.getFirstPropertyValue('color') ?? '').toLowerCase();
  return {
    summary: String(c.getFirstPropertyValue('summary') ?? ''),
    location: String(c.getFirstPropertyValue('location') ?? ''),
    description: String(c.getFirstPropertyValue('description') ?? ''),
    allDay,
    startDate: s.date, startTime: s.time || '09:00',
    endDate: allDay ? addDays(e.date, -1) < s.date ? s.date : addDays(e.date, -1) : e.date, endTime: e.time || '10:00',
    tz: allDay ? tz : zone,
    repeat: freq && (REPEATS as readonly string[]).includes(freq) ? (freq as Repeat) : 'none',
    interval: rrule?.interval ?? 1,
    ends: rrule?.count ? 'count' : rrule?.until ? 'until' : 'never',
    count: rrule?.count ?? 10,
    until,
    reminderMinutes: minutes !== null && (REMINDERS as readonly number[]).includes(minutes) ? minutes : null,
    attendees: c.getAllProperties('attendee').map((p) => String(p.getFirstValue()).replace(/^mailto:/i, '')),
    color: (EVENT_COLORS as readonly string[]).includes(color) ? color : null,
  };
}

// ── tasks ─────────────────────────────────────────────────────────────────────

export function buildTask(input: TaskInput, uid: string, now: Date, existing?: string): string {
  const summary = input.summary.trim().slice(0, 500);
  if (!summary) throw new ValidationError('a task needs a title');
  if (input.due && !DATE.test(input.due)) throw new ValidationError('choose a due date');
  let cal: ICAL.Component;
  let t: ICAL.Component;
  if (existing) {
    const parsed = parseVCalendar(existing);
    const found = parsed && dataComponents(parsed).find((c) => c.name === 'vtodo' && !c.hasProperty('recurrence-id'));
    if (!parsed || !found) throw new ValidationError('this task cannot be edited here');
    cal = parsed;
    t = found;
  } else {
    cal = new ICAL.Component('vcalendar');
    cal.addPropertyWithValue('version', '2.0');
    cal.addPropertyWithValue('prodid', PRODID);
    t = new ICAL.Component('vtodo');
    t.addPropertyWithValue('uid', uid);
    t.addPropertyWithValue('created', ICAL.Time.fromJSDate(now, true));
    t.addPropertyWithValue('sequence', -1);
    cal.addSubcomponent(t);
  }
  for (const name of ['summary', 'description', 'due', 'status', 'completed', 'percent-complete']) t.removeAllProperties(name);
  t.addPropertyWithValue('summary', summary);
  if (input.description) t.addPropertyWithValue('description', input.description.slice(0, MAX_TEXT));
  if (input.due) t.addProperty(timeProp('due', input.due, null, 'UTC'));
  // A due date alone is fine; DTSTART must not be a date-time while DUE is a date.
  if (input.due && t.hasProperty('dtstart')) t.removeAllProperties('dtstart');
  if (input.done) {
    t.addPropertyWithValue('status', 'COMPLETED');
    t.addPropertyWithValue('completed', ICAL.Time.fromJSDate(now, true));
    t.addPropertyWithValue('percent-complete', 100);
  } else t.addPropertyWithValue('status', 'NEEDS-ACTION');
  touch(t, now);
  return text(cal);
}

/** The task form's view of a VTODO. */
export function readTask(ics: string): TaskInput {
  const cal = parseVCalendar(ics);
  const t = cal && dataComponents(cal).find((c) => c.name === 'vtodo');
  if (!t) throw new ValidationError('this is not a task');
  const due = t.getFirstPropertyValue('due') as ICAL.Time | null;
  const status = String(t.getFirstPropertyValue('status') ?? '').toUpperCase();
  return {
    summary: String(t.getFirstPropertyValue('summary') ?? ''),
    description: String(t.getFirstPropertyValue('description') ?? ''),
    due: due ? `${due.year}-${pad(due.month)}-${pad(due.day)}` : '',
    done: status === 'COMPLETED' || t.hasProperty('completed'),
  };
}

/** The form's input moved to start on `date` (at `time`, or the same time), keeping its length in wall-clock terms. */
export function moveInput(i: EventInput, date: string, time?: string): EventInput {
  if (!DATE.test(date) || (time !== undefined && !TIME.test(time))) throw new ValidationError('that is not a place in the calendar');
  const at = (d: string, t: string) => Date.parse(`${d}T${i.allDay ? '00:00' : t}:00Z`);
  const from = at(i.startDate, i.startTime);
  const to = at(date, time ?? i.startTime);
  const shift = to - from;
  const move = (d: string, t: string) => {
    const x = new Date(at(d, t) + shift).toISOString();
    return { date: x.slice(0, 10), time: i.allDay ? t : x.slice(11, 16) };
  };
  const s = move(i.startDate, i.startTime);
  const e = move(i.endDate, i.endTime);
  return { ...i, startDate: s.date, startTime: s.time, endDate: e.date, endTime: e.time };
}
