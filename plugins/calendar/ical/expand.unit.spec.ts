import { describe, expect, it } from 'vitest';
import { PARIS_TZ, vcalendar, vevent, vtodo } from '../testing/ics-fixtures.ts';
import { describeObject } from './describe-object.ts';
import { expandOccurrences, overlaps } from './expand.ts';
import { parseVCalendar } from './parse-calendar-object.ts';
import { dateToUtc, zonedToUtc } from './zoned-time.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const range = (from: string, to: string) => ({ from: Date.parse(from), to: Date.parse(to) });
const expand = (ics: string, from: string, to: string, tz = 'UTC') => expandOccurrences(parseVCalendar(ics)!, range(from, to), tz).occurrences;

describe('zoned time', () => {
  it('converts wall-clock times with DST, gaps and overlaps', () => {
    expect(iso(zonedToUtc(2026, 1, 5, 10, 0, 0, 'Europe/Paris'))).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(zonedToUtc(2026, 7, 5, 10, 0, 0, 'Europe/Paris'))).toBe('2026-07-05T08:00:00.000Z');
    // 02:30 does not exist on 2026-03-29 in Paris: moved forward by the gap.
    expect(iso(zonedToUtc(2026, 3, 29, 2, 30, 0, 'Europe/Paris'))).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 2026-10-25: the first one (CEST) wins.
    expect(iso(zonedToUtc(2026, 10, 25, 2, 30, 0, 'Europe/Paris'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(dateToUtc('2026-01-05', 'America/New_York'))).toBe('2026-01-05T05:00:00.000Z');
  });
});

describe('recurrence expansion', () => {
  const weekly = vcalendar(
    vevent({ UID: 'w', SUMMARY: 'Weekly', 'DTSTART;TZID=Europe/Paris': '20260305T100000', 'DTEND;TZID=Europe/Paris': '20260305T110000', RRULE: 'FREQ=WEEKLY;COUNT=5', EXDATE: '20260319T090000Z' }),
    vevent({ UID: 'w', 'RECURRENCE-ID;TZID=Europe/Paris': '20260312T100000', SUMMARY: 'Moved', 'DTSTART;TZID=Europe/Paris': '20260312T150000', 'DTEND;TZID=Europe/Paris': '20260312T160000' }),
  );

  it('expands an RRULE across DST with EXDATE and a moved occurrence, without a VTIMEZONE', () => {
    const occ = expand(weekly, '2026-03-01T00:00:00Z', '2026-04-30T00:00:00Z');
    expect(occ.map((o) => [iso(o.start), iso(o.end), String(o.component.getFirstPropertyValue('summary'))])).toEqual([
      ['2026-03-05T09:00:00.000Z', '2026-03-05T10:00:00.000Z', 'Weekly'],
      ['2026-03-12T14:00:00.000Z', '2026-03-12T15:00:00.000Z', 'Moved'],
      // After the switch to summer time 10:00 Paris is 08:00 UTC.
      ['2026-03-26T09:00:00.000Z', '2026-03-26T10:00:00.000Z', 'Weekly'],
      ['2026-04-02T08:00:00.000Z', '2026-04-02T09:00:00.000Z', 'Weekly'],
    ]);
    expect(occ[1]!.overridden).toBe(true);
    expect(occ[0]!.recurrenceId).toBe('20260305T100000');
  });

  it('uses a VTIMEZONE of the file for names the runtime does not know', () => {
    const ics = vcalendar(PARIS_TZ.replace('TZID:Europe/Paris', 'TZID:My Office'), vevent({ UID: 'x', 'DTSTART;TZID=My Office': '20260705T100000', DURATION: 'PT30M' }));
    const [o] = expand(ics, '2026-07-01T00:00:00Z', '2026-07-31T00:00:00Z');
    expect(iso(o!.start)).toBe('2026-07-05T08:00:00.000Z');
    expect(iso(o!.end)).toBe('2026-07-05T08:30:00.000Z');
  });

  it('keeps only occurrences overlapping the range, including one moved into it', () => {
    expect(expand(weekly, '2026-03-12T14:30:00Z', '2026-03-12T14:31:00Z').length).toBe(1);
    expect(expand(weekly, '2026-03-05T10:00:00Z', '2026-03-12T14:00:00Z').length).toBe(0); // end is exclusive, start too
    const moved = vcalendar(
      vevent({ UID: 'm', DTSTART: '20260101T100000Z', DTEND: '20260101T110000Z', RRULE: 'FREQ=DAILY' }),
      vevent({ UID: 'm', 'RECURRENCE-ID': '20260301T100000Z', DTSTART: '20260110T200000Z', DTEND: '20260110T210000Z', SUMMARY: 'pulled in' }),
    );
    const occ = expand(moved, '2026-01-10T19:00:00Z', '2026-01-10T22:00:00Z');
    expect(occ.map((o) => iso(o.start))).toEqual(['2026-01-10T20:00:00.000Z']);
  });

  it('expands all-day events in the viewer zone and treats a date without DTEND as one day', () => {
    const ics = vcalendar(vevent({ UID: 'd', 'DTSTART;VALUE=DATE': '20260105', RRULE: 'FREQ=YEARLY' }));
    const [o] = expand(ics, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z', 'Asia/Tokyo');
    expect(o!.allDay).toBe(true);
    expect(iso(o!.start)).toBe('2027-01-04T15:00:00.000Z');
    expect(o!.end - o!.start).toBe(86_400_000);
  });

  it('matches zero-length events only inside the range (RFC 4791 §9.9)', () => {
    expect(overlaps(10, 10, { from: 10, to: 20 })).toBe(true);
    expect(overlaps(20, 20, { from: 10, to: 20 })).toBe(false);
    expect(overlaps(5, 15, { from: 10, to: 20 })).toBe(true);
    expect(overlaps(5, 10, { from: 10, to: 20 })).toBe(false);
  });
});

describe('object description (read model columns and bounds)', () => {
  it('bounds a COUNT rule by its last occurrence and leaves an endless rule open', () => {
    const counted = describeObject(vcalendar(vevent({ UID: 'c', SUMMARY: 'S', DTSTART: '20260105T100000Z', DTEND: '20260105T110000Z', RRULE: 'FREQ=DAILY;COUNT=10' })));
    expect(iso(counted.firstStart!)).toBe('2026-01-04T10:00:00.000Z');
    expect(iso(counted.lastEnd!)).toBe('2026-01-15T11:00:00.000Z');
    expect(counted.rrule).toBe('FREQ=DAILY;COUNT=10');
    expect(counted.summary).toBe('S');
    // UNTIL bounds without expanding (no 27,000 steps for a daily event until 2100).
    const until = describeObject(vcalendar(vevent({ UID: 'u', DTSTART: '20260105T100000Z', DTEND: '20260105T110000Z', RRULE: 'FREQ=DAILY;UNTIL=21000101T000000Z' })));
    expect(iso(until.lastEnd!)).toBe('2100-01-02T01:00:00.000Z');
    // A COUNT too long to expand in the write transaction leaves the end open.
    expect(describeObject(vcalendar(vevent({ UID: 'l', DTSTART: '20260105T100000Z', RRULE: 'FREQ=DAILY;COUNT=5000' }))).lastEnd).toBeNull();
    const endless = describeObject(vcalendar(vevent({ UID: 'e', DTSTART: '20260105T100000Z', RRULE: 'FREQ=WEEKLY' })));
    expect(endless.lastEnd).toBeNull();
    expect(endless.firstStart).not.toBeNull();
  });

  it('describes tasks: due, completed, undated ones unbounded', () => {
    const t = describeObject(vcalendar(vtodo({ UID: 't', SUMMARY: 'Pay', DUE: '20260110T120000Z', STATUS: 'COMPLETED' })));
    expect(iso(t.due!)).toBe('2026-01-10T12:00:00.000Z');
    expect(t.completed).toBe(true);
    const open = describeObject(vcalendar(vtodo({ UID: 'u', SUMMARY: 'Someday' })));
    expect([open.firstStart, open.lastEnd, open.completed]).toEqual([null, null, false]);
  });
});
