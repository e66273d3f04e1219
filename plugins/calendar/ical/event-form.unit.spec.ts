import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { buildEvent, buildTask, moveInput, readEvent, readTask, removeOccurrence, updateOccurrence, updateSeries, type EventInput } from './event-form.ts';
import { expandOccurrences } from './expand.ts';
import { parseVCalendar, validateCalendarObject } from './parse-calendar-object.ts';
import { transitions } from './vtimezone.ts';

const now = new Date('2026-01-01T12:00:00Z');
const base: EventInput = {
  summary: 'Team sync', location: 'Room 1', description: 'Weekly', allDay: false,
  startDate: '2026-03-02', startTime: '10:00', endDate: '2026-03-02', endTime: '11:00', tz: 'Europe/Paris',
  repeat: 'weekly', interval: 1, ends: 'count', count: 6, until: '', reminderMinutes: 15, attendees: ['Bob@Example.test'], color: 'teal',
};
const starts = (ics: string, tz = 'UTC') => expandOccurrences(parseVCalendar(ics)!, { from: Date.UTC(2026, 0, 1), to: Date.UTC(2027, 0, 1) }, tz).occurrences
  .map((o) => `${new Date(o.start).toISOString().slice(0, 16)} ${o.component.getFirstPropertyValue('summary')}`);

describe('event form → iCalendar', () => {
  it('builds a valid recurring event with zone, alarm, attendees and color', () => {
    const ics = buildEvent(base, 'uid-1@example.test', now);
    expect(validateCalendarObject(ics, ['VEVENT'])).toEqual({ uid: 'uid-1@example.test', component: 'VEVENT' });
    expect(ics).toContain('DTSTART;TZID=Europe/Paris:20260302T100000');
    expect(ics).toContain('RRULE:FREQ=WEEKLY;COUNT=6');
    expect(ics).toContain('BEGIN:VTIMEZONE');
    expect(ics).toContain('TRIGGER:-PT15M');
    expect(ics).toMatch(/ATTENDEE;[^\r\n]*:mailto:bob@example.test/);
    expect(ics).toContain('COLOR:teal');
    // 10:00 Paris is 09:00 UTC before the 29 March switch and 08:00 after.
    expect(starts(ics).slice(3, 5)).toEqual(['2026-03-23T09:00 Team sync', '2026-03-30T08:00 Team sync']);
    expect(readEvent(ics, 'UTC')).toEqual({ ...base, attendees: ['bob@example.test'] });
  });

  it('refuses impossible input with a sentence', () => {
    expect(() => buildEvent({ ...base, endTime: '09:00' }, 'u', now)).toThrow(/end must be after/);
    expect(() => buildEvent({ ...base, tz: 'Mars/Olympus' }, 'u', now)).toThrow(ValidationError);
    expect(() => buildEvent({ ...base, attendees: ['not-an-email'] }, 'u', now)).toThrow(/not an email/);
    expect(() => buildEvent({ ...base, color: 'url(x)' }, 'u', now)).toThrow(ValidationError);
  });

  it('makes all-day events with an exclusive DTEND and reads the inclusive end back', () => {
    const ics = buildEvent({ ...base, allDay: true, startDate: '2026-05-01', endDate: '2026-05-03', repeat: 'none' }, 'd', now);
    expect(ics).toContain('DTSTART;VALUE=DATE:20260501');
    expect(ics).toContain('DTEND;VALUE=DATE:20260504');
    expect(readEvent(ics, 'UTC')).toMatchObject({ allDay: true, startDate: '2026-05-01', endDate: '2026-05-03' });
  });

  it('changes one occurrence, then removes another, keeping the series', () => {
    const ics = buildEvent(base, 'r', now);
    const moved = updateOccurrence(ics, '20260309T100000', { ...base, summary: 'Moved', startTime: '14:00', endTime: '15:00', startDate: '2026-03-09', endDate: '2026-03-09' }, now);
    expect(validateCalendarObject(moved, ['VEVENT']).uid).toBe('r');
    expect(readEvent(moved, 'UTC', '20260309T100000')).toMatchObject({ summary: 'Moved', startTime: '14:00' });
    expect(readEvent(moved, 'UTC', '20260316T100000')).toMatchObject({ summary: 'Team sync', startDate: '2026-03-16', startTime: '10:00' });
    const removed = removeOccurrence(moved, '20260316T100000', now);
    expect(starts(removed).slice(0, 4)).toEqual(['2026-03-02T09:00 Team sync', '2026-03-09T13:00 Moved', '2026-03-23T09:00 Team sync', '2026-03-30T08:00 Team sync']);
    const renamed = updateSeries(removed, { ...base, summary: 'Renamed' }, now);
    expect(starts(renamed)).toContain('2026-03-09T13:00 Moved');
    expect(starts(renamed)).toContain('2026-03-02T09:00 Renamed');
    expect(starts(renamed)).not.toContain('2026-03-16T09:00 Renamed');
  });

  it('keeps what the form cannot show (a BYDAY rule, two alarms, attendee replies) when other fields change', () => {
    const foreign = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//EN', 'BEGIN:VEVENT', 'UID:f', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260302T100000Z', 'DTEND:20260302T110000Z', 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE', 'SUMMARY:Gym',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.test', 'X-OTHER:keep me',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT20M', 'END:VALARM', 'BEGIN:VALARM', 'ACTION:AUDIO', 'TRIGGER:-PT3M', 'END:VALARM',
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const shown = readEvent(foreign, 'UTC');
    const out = updateSeries(foreign, { ...shown, summary: 'Gym (new room)', attendees: [...shown.attendees, 'zoe@example.test'] }, now);
    expect(out).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO,WE');
    expect(out.match(/BEGIN:VALARM/g)).toHaveLength(2);
    expect(out).toContain('ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.test');
    expect(out).toMatch(/ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:zoe@example.test/);
    expect(out).toContain('X-OTHER:keep me');
    expect(out).toContain('SUMMARY:Gym (new room)');
    // Changing the repetition in the form does replace the rule.
    expect(updateSeries(foreign, { ...shown, repeat: 'daily' }, now)).toContain('RRULE:FREQ=DAILY\r\n');
  });

  it('moves an event keeping its length, also across midnight and for all-day events', () => {
    const late = { ...base, startTime: '23:00', endDate: '2026-03-03', endTime: '00:30' };
    expect(moveInput(late, '2026-03-10', '22:45')).toMatchObject({ startDate: '2026-03-10', startTime: '22:45', endDate: '2026-03-11', endTime: '00:15' });
    expect(moveInput(base, '2026-03-05')).toMatchObject({ startDate: '2026-03-05', startTime: '10:00', endDate: '2026-03-05', endTime: '11:00' });
    const trip = { ...base, allDay: true, startDate: '2026-05-01', endDate: '2026-05-03' };
    expect(moveInput(trip, '2026-05-30')).toMatchObject({ startDate: '2026-05-30', endDate: '2026-06-01' });
    expect(() => moveInput(base, 'tomorrow')).toThrow(ValidationError);
  });

  it('builds tasks and marks them done', () => {
    const t = buildTask({ summary: 'File taxes', description: '', due: '2026-04-30', done: false }, 't1', now);
    expect(validateCalendarObject(t, ['VTODO']).component).toBe('VTODO');
    expect(readTask(t)).toEqual({ summary: 'File taxes', description: '', due: '2026-04-30', done: false });
    const done = buildTask({ ...readTask(t), done: true }, 't1', now, t);
    expect(readTask(done).done).toBe(true);
    expect(done).toContain('COMPLETED:');
    expect(() => buildTask({ summary: ' ', description: '', due: '', done: false }, 'x', now)).toThrow(ValidationError);
  });

  it('finds the DST transitions of a zone from the runtime tz database', () => {
    const t = transitions('Europe/Paris', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(t.map((x) => new Date(x.at).toISOString())).toEqual(['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z']);
  });
});
