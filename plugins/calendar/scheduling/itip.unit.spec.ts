import { describe, expect, it } from 'vitest';
import { cancelOf, methodOf, replyOf, schedulingInfo, setPartstat, withMethod, withoutMethod } from './itip.ts';

const meeting = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:m1', 'DTSTAMP:20260101T000000Z',
  'DTSTART:20260105T090000Z', 'DTEND:20260105T100000Z', 'SUMMARY:Planning', 'ORGANIZER;CN=Ann:mailto:Ann@example.test',
  'ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.test', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.test',
  'ATTENDEE:mailto:carol@partner.example', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT10M', 'DESCRIPTION:x', 'END:VALARM',
  'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

describe('iTIP helpers', () => {
  it('reads organizer, attendees and a fingerprint that ignores answers but not times', () => {
    const info = schedulingInfo(meeting)!;
    expect(info.organizer).toBe('ann@example.test');
    expect(info.attendees.map((a) => `${a.email}:${a.partstat}`)).toEqual(['bob@example.test:NEEDS-ACTION', 'ann@example.test:ACCEPTED', 'carol@partner.example:NEEDS-ACTION']);
    const answered = setPartstat(meeting, 'BOB@example.test', 'ACCEPTED');
    expect(schedulingInfo(answered)!.attendees[0]!.partstat).toBe('ACCEPTED');
    expect(answered).not.toContain('RSVP=TRUE');
    expect(schedulingInfo(answered)!.fingerprint).toBe(info.fingerprint);
    expect(schedulingInfo(meeting.replace('T090000Z', 'T110000Z'))!.fingerprint).not.toBe(info.fingerprint);
  });

  it('builds REPLY, CANCEL and method-stamped copies', () => {
    const reply = replyOf(meeting, 'carol@partner.example', 'DECLINED');
    expect(methodOf(reply)).toBe('REPLY');
    expect(reply).toMatch(/ATTENDEE;PARTSTAT=DECLINED:mailto:carol@partner.example/);
    expect(reply).not.toContain('bob@example.test');
    expect(reply).not.toContain('VALARM');
    const cancel = cancelOf(meeting);
    expect(methodOf(cancel)).toBe('CANCEL');
    expect(cancel).toContain('STATUS:CANCELLED');
    expect(cancel).toContain('SEQUENCE:1');
    expect(methodOf(withMethod(meeting, 'REQUEST'))).toBe('REQUEST');
    expect(methodOf(withoutMethod(withMethod(meeting, 'REQUEST')))).toBeUndefined();
  });
});
