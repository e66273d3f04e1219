// free-busy-query REPORT (RFC 4791 §7.10): the busy time of a calendar in a range as
// one VFREEBUSY, periods in UTC, merged. Transparent and cancelled events do not count;
// tentative ones are BUSY-TENTATIVE (RFC 5545 §3.2.9).
import ICAL from 'ical.js';
import { expandOccurrences, type Range } from '../ical/expand.ts';
import { parseVCalendar } from '../ical/parse-calendar-object.ts';
import { PRODID } from '../ical/split-import.ts';
import { dateIn } from '../ical/zoned-time.ts';

type Busy = { start: number; end: number; type: 'BUSY' | 'BUSY-TENTATIVE' };

const utc = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Merges overlapping periods of the same type. */
export function mergePeriods(list: Busy[]): Busy[] {
  const out: Busy[] = [];
  for (const b of [...list].sort((a, c) => a.type.localeCompare(c.type) || a.start - c.start)) {
    const last = out[out.length - 1];
    if (last && last.type === b.type && b.start <= last.end) last.end = Math.max(last.end, b.end);
    else out.push({ ...b });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function freeBusy(texts: string[], range: Range, tz: string, now: Date): string {
  const busy: Busy[] = [];
  for (const text of texts) {
    const root = parseVCalendar(text);
    if (!root) continue;
    for (const o of expandOccurrences(root, range, tz, 10_000).occurrences) {
      if (o.component.name !== 'vevent' || o.allDay && o.end <= o.start) continue;
      const transp = String(o.component.getFirstPropertyValue('transp') ?? '').toUpperCase();
      const status = String(o.component.getFirstPropertyValue('status') ?? '').toUpperCase();
      if (transp === 'TRANSPARENT' || status === 'CANCELLED' || o.end <= o.start) continue;
      busy.push({ start: Math.max(o.start, range.from), end: Math.min(o.end, range.to), type: status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY' });
    }
  }
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'BEGIN:VFREEBUSY', `DTSTAMP:${utc(now.getTime())}`];
  if (Number.isFinite(range.from)) lines.push(`DTSTART:${utc(range.from)}`);
  if (Number.isFinite(range.to)) lines.push(`DTEND:${utc(range.to)}`);
  for (const b of mergePeriods(busy)) lines.push(`FREEBUSY${b.type === 'BUSY' ? '' : `;FBTYPE=${b.type}`}:${utc(b.start)}/${utc(b.end)}`);
  lines.push('END:VFREEBUSY', 'END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

/**
 * `<cal:expand start end>` (RFC 4791 §9.6.5): the object's instances in the range as
 * separate components with RECURRENCE-ID and no RRULE/RDATE/EXDATE, times in UTC.
 */
export function expandObject(text: string, range: Range, tz: string): string {
  const root = parseVCalendar(text);
  if (!root) return text;
  const out = new ICAL.Component('vcalendar');
  for (const p of root.getAllProperties()) out.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(p.toJSON()))));
  const { occurrences } = expandOccurrences(root, range, tz, 10_000);
  for (const o of occurrences) {
    const c = new ICAL.Component(JSON.parse(JSON.stringify(o.component.toJSON())));
    for (const name of ['rrule', 'rdate', 'exdate', 'dtstart', 'dtend', 'duration', 'recurrence-id']) c.removeAllProperties(name);
    const t = (ms: number) => (o.allDay ? ICAL.Time.fromDateString(dateIn(ms, tz)) : ICAL.Time.fromJSDate(new Date(ms), true));
    c.addPropertyWithValue('dtstart', t(o.start));
    if (o.end > o.start) c.addPropertyWithValue(c.name === 'vtodo' ? 'due' : 'dtend', t(o.end));
    if (o.recurrenceAt !== undefined) c.addPropertyWithValue('recurrence-id', t(o.recurrenceAt));
    out.addSubcomponent(c);
  }
  return out.toString() + '\r\n';
}
