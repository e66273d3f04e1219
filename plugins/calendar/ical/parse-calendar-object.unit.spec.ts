import { describe, expect, it } from 'vitest';
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { simpleEvent, vcalendar, vevent, vtodo } from '../testing/ics-fixtures.ts';
import { MAX_RESOURCE_SIZE, SUPPORTED_COMPONENT, VALID_CALENDAR_DATA, VALID_OBJECT_RESOURCE, validateCalendarObject } from './parse-calendar-object.ts';

const both = ['VEVENT', 'VTODO'] as const;
function refusal(ics: string, allowed: readonly ('VEVENT' | 'VTODO')[] = both): string {
  try {
    validateCalendarObject(ics, allowed);
  } catch (e) {
    expect(e).toBeInstanceOf(DavPreconditionError);
    return (e as DavPreconditionError).condition;
  }
  throw new Error('accepted');
}

describe('calendar object validation (RFC 4791 §4.1, §5.3.2.1)', () => {
  it('accepts one event, or a master with overrides of the same UID', () => {
    expect(validateCalendarObject(simpleEvent('a'), both)).toEqual({ uid: 'a', component: 'VEVENT' });
    const rec = vcalendar(
      vevent({ UID: 'r', DTSTART: '20260105T100000Z', RRULE: 'FREQ=DAILY' }),
      vevent({ UID: 'r', 'RECURRENCE-ID': '20260106T100000Z', DTSTART: '20260106T120000Z' }),
    );
    expect(validateCalendarObject(rec, both).uid).toBe('r');
    expect(validateCalendarObject(vcalendar(vtodo({ UID: 't' })), both).component).toBe('VTODO');
  });

  it('refuses text that is not one VCALENDAR', () => {
    expect(refusal('hello')).toBe(VALID_CALENDAR_DATA);
    expect(refusal(simpleEvent('a') + simpleEvent('b'))).toBe(VALID_CALENDAR_DATA);
    expect(refusal('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n')).toBe(VALID_CALENDAR_DATA);
  });

  it('refuses mixed components, several UIDs, two masters, METHOD, a missing UID', () => {
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260101T000000Z' }), vtodo({ UID: 'a' })))).toBe(VALID_OBJECT_RESOURCE);
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260101T000000Z' }), vevent({ UID: 'b', DTSTART: '20260101T000000Z' })))).toBe(VALID_OBJECT_RESOURCE);
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260101T000000Z' }), vevent({ UID: 'a', DTSTART: '20260102T000000Z' })))).toBe(VALID_OBJECT_RESOURCE);
    expect(refusal(simpleEvent('a').replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST'))).toBe(VALID_OBJECT_RESOURCE);
    expect(refusal(vcalendar(vevent({ DTSTART: '20260101T000000Z' })))).toBe(VALID_OBJECT_RESOURCE);
    expect(refusal(vcalendar())).toBe(VALID_OBJECT_RESOURCE);
  });

  it('refuses components the calendar does not hold, and other kinds', () => {
    expect(refusal(vcalendar(vtodo({ UID: 't' })), ['VEVENT'])).toBe(SUPPORTED_COMPONENT);
    expect(refusal(vcalendar('BEGIN:VJOURNAL\r\nUID:j\r\nDTSTAMP:20260101T000000Z\r\nEND:VJOURNAL'))).toBe(SUPPORTED_COMPONENT);
  });

  it('refuses bad dates: missing DTSTART, end before start, DTEND with DURATION, date mixed with date-time', () => {
    expect(refusal(vcalendar(vevent({ UID: 'a', SUMMARY: 'x' })))).toBe(VALID_CALENDAR_DATA);
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260102T000000Z', DTEND: '20260101T000000Z' })))).toBe(VALID_CALENDAR_DATA);
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260102T000000Z', DTEND: '20260103T000000Z', DURATION: 'PT1H' })))).toBe(VALID_CALENDAR_DATA);
    expect(refusal(vcalendar(vevent({ UID: 'a', 'DTSTART;VALUE=DATE': '20260102', DTEND: '20260103T000000Z' })))).toBe(VALID_CALENDAR_DATA);
  });

  it('refuses rules without FREQ and malformed durations', () => {
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260101T000000Z', RRULE: 'garbage' })))).toBe(VALID_CALENDAR_DATA);
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: '20260101T000000Z', DURATION: 'xx' })))).toBe(VALID_CALENDAR_DATA);
    expect(refusal(vcalendar(vevent({ UID: 'a', DTSTART: 'garbage' })))).toBe(VALID_CALENDAR_DATA);
  });

  it('refuses bodies over the size limit', () => {
    const big = simpleEvent('a').replace('SUMMARY:Meeting', `DESCRIPTION:${'x'.repeat(460_000)}`);
    expect(refusal(big)).toBe(MAX_RESOURCE_SIZE);
  });
});
