// Scheduling with the mail plugin: an organizer's event reaches a local attendee's own
// calendar and an outside attendee's mailbox (iMIP REQUEST from the organizer's Sent);
// the local attendee's answer updates the organizer's copy; a change keeps that answer;
// deleting the event cancels it for both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { TestClient } from '../../../core/http/test-client.ts';
import { createMailTestAppliance, type MailKit } from '../../mail/testing/mail-kit.ts';
import type { CalendarService } from '../calendar-service.ts';
import { schedulingInfo, setPartstat } from './itip.ts';

let kit: MailKit;
let svc: CalendarService;
let ann: SessionUser;
let bob: SessionUser;
let bobWeb: TestClient;
let annCreds: { email: string; appPassword: string; password: string };

const event = (start: string) => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:planning-1', 'DTSTAMP:20260101T000000Z',
  `DTSTART:${start}`, 'DURATION:PT1H', 'SUMMARY:Planning', 'ORGANIZER;CN=Ann:mailto:ann@example.test',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.test', 'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.test',
  'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@partner.example', 'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

const meta = (u: SessionUser) => ({ actor: u.id, source: 'dav' as const, time: new Date().toISOString() });
async function copyOf(user: SessionUser) {
  const cal = (await svc.listCalendars(user))[0]!;
  return (await svc.getObjects(cal.id, (await svc.listObjects(cal.id)).map((o) => o.name)))[0];
}
async function sentSubjects(user: SessionUser) {
  const sent = await kit.store.mailboxBySpecialUse(user.id, '\\Sent');
  if (!sent) return [];
  const metas = await kit.store.messages(sent.id);
  return Promise.all(metas.map(async (m) => (await kit.store.readMessage(m.sha256)).toString('utf8')));
}

beforeAll(async () => {
  kit = await createMailTestAppliance({ plugins: ['mail', 'calendar'] });
  const a = await kit.addUser('ann@example.test');
  annCreds = a;
  const b = await kit.addUser('bob@example.test');
  ann = (await kit.appliance.auth.userById(a.userId))!;
  bob = (await kit.appliance.auth.userById(b.userId))!;
  bobWeb = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await bobWeb.login(b.email, b.password)).status).toBe(303);
  svc = kit.appliance.services.services.require<CalendarService>('calendar.service');
  await svc.ensureDefaultCalendar(ann, meta(ann));
});
afterAll(() => kit.close());

describe('scheduling', () => {
  it('invites a local attendee into their calendar and an outside one by iMIP mail', async () => {
    const cal = (await svc.listCalendars(ann))[0]!;
    await svc.putObject(ann, cal.id, 'planning-1.ics', event('20260105T090000Z'), {}, meta(ann));
    const bobs = await copyOf(bob);
    expect(bobs?.uid).toBe('planning-1');
    expect(schedulingInfo(bobs!.ics)!.attendees.find((x) => x.email === 'bob@example.test')!.partstat).toBe('NEEDS-ACTION');
    const sent = await sentSubjects(ann);
    const invitation = sent.find((m) => m.includes('Subject: Invitation: Planning'));
    expect(invitation).toBeDefined();
    expect(invitation).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    expect(invitation).toContain('To: carol@partner.example');
  });

  it("brings the local attendee's answer back to the organizer, and keeps it across the organizer's changes", async () => {
    const bobs = (await copyOf(bob))!;
    const bobCal = (await svc.listCalendars(bob))[0]!;
    await svc.putObject(bob, bobCal.id, bobs.name, setPartstat(bobs.ics, 'bob@example.test', 'ACCEPTED'), {}, meta(bob));
    const anns = (await copyOf(ann))!;
    expect(schedulingInfo(anns.ics)!.attendees.find((x) => x.email === 'bob@example.test')!.partstat).toBe('ACCEPTED');
    // Ann moves the meeting: Bob's copy follows, with his answer kept; no new mail for an answer alone.
    const before = (await sentSubjects(ann)).length;
    const annCal = (await svc.listCalendars(ann))[0]!;
    await svc.putObject(ann, annCal.id, anns.name, anns.ics.replace('20260105T090000Z', '20260105T140000Z'), {}, meta(ann));
    const moved = (await copyOf(bob))!;
    expect(moved.ics).toContain('DTSTART:20260105T140000Z');
    expect(schedulingInfo(moved.ics)!.attendees.find((x) => x.email === 'bob@example.test')!.partstat).toBe('ACCEPTED');
    expect((await sentSubjects(ann)).length).toBe(before + 1); // the update to Carol
  });

  it('lets the attendee answer in the browser, which reaches the organizer', async () => {
    const bobs = (await copyOf(bob))!;
    const page = await (await bobWeb.get(`/calendar/events/${bobs.calendarId}/${bobs.objectId}`)).text();
    expect(page).toContain('ann@example.test invited you. You accepted.');
    // Everyone's answer is listed under the attendees.
    const answers = /<ul class="list attendee-answers"[\s\S]*?<\/ul>/.exec(page)![0];
    expect(answers).toMatch(/bob@example.test <span class="answer answer-accepted">accepted<\/span>/);
    expect(answers).toMatch(/carol@partner.example <span class="answer answer-needs-action">no answer yet<\/span>/);
    expect((await bobWeb.post(`/calendar/events/${bobs.calendarId}/${bobs.objectId}/rsvp`, { partstat: 'DECLINED' })).status).toBe(303);
    const anns = (await copyOf(ann))!;
    expect(schedulingInfo(anns.ics)!.attendees.find((x) => x.email === 'bob@example.test')!.partstat).toBe('DECLINED');
    expect((await bobWeb.post(`/calendar/events/${bobs.calendarId}/${bobs.objectId}/rsvp`, { partstat: 'MAYBE-NOT' })).status).toBe(400);
  });

  it('cancels for everyone when the organizer deletes the event', async () => {
    const annCal = (await svc.listCalendars(ann))[0]!;
    await svc.deleteObject(ann, annCal.id, 'planning-1.ics', {}, meta(ann));
    expect(await copyOf(bob)).toBeUndefined();
    expect((await sentSubjects(ann)).some((m) => m.includes('Subject: Cancelled: Planning') && /method=CANCEL/i.test(m))).toBe(true);
  });

  it('applies iMIP from outside: a REQUEST from its organizer, then their CANCEL; refuses a spoofed one', async () => {
    const outside = event('20260201T100000Z').replace('UID:planning-1', 'UID:ext-1').replace('ORGANIZER;CN=Ann:mailto:ann@example.test', 'ORGANIZER:mailto:dana@outside.example')
      .replace('ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.test', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@outside.example')
      .replace('BEGIN:VEVENT', 'METHOD:REQUEST\r\nBEGIN:VEVENT');
    const incoming = kit.appliance.services.services.require<{ incoming(u: string, ics: string, from: string, m: ReturnType<typeof meta>): Promise<void> }>('calendar.scheduling');
    await incoming.incoming(bob.id, outside, 'mallory@evil.example', meta(bob));
    expect((await svc.listObjects((await svc.listCalendars(bob))[0]!.id)).map((o) => o.uid)).not.toContain('ext-1');
    await incoming.incoming(bob.id, outside, 'Dana@Outside.example', meta(bob));
    const cal = (await svc.listCalendars(bob))[0]!;
    const got = (await svc.getObjects(cal.id, (await svc.listObjects(cal.id)).map((o) => o.name))).find((o) => o.uid === 'ext-1');
    expect(got).toBeDefined();
    expect(got!.ics).not.toContain('METHOD:');
    await incoming.incoming(bob.id, outside.replace('METHOD:REQUEST', 'METHOD:CANCEL'), 'mallory@evil.example', meta(bob));
    expect((await svc.listObjects(cal.id)).map((o) => o.uid)).toContain('ext-1');
    await incoming.incoming(bob.id, outside.replace('METHOD:REQUEST', 'METHOD:CANCEL'), 'dana@outside.example', meta(bob));
    expect((await svc.listObjects(cal.id)).map((o) => o.uid)).not.toContain('ext-1');
  });

  it("records an outside attendee's REPLY on the organizer's event, only from that attendee", async () => {
    const cal = (await svc.listCalendars(ann))[0]!;
    await svc.putObject(ann, cal.id, 'planning-2.ics', event('20260301T090000Z').replace('UID:planning-1', 'UID:planning-2'), {}, meta(ann));
    const reply = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN', 'METHOD:REPLY', 'BEGIN:VEVENT', 'UID:planning-2', 'DTSTAMP:20260102T000000Z',
      'DTSTART:20260301T090000Z', 'ORGANIZER:mailto:ann@example.test', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@partner.example', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const incoming = kit.appliance.services.services.require<{ incoming(u: string, ics: string, from: string, m: ReturnType<typeof meta>): Promise<void> }>('calendar.scheduling');
    await incoming.incoming(ann.id, reply, 'mallory@evil.example', meta(ann));
    const carol = async () => schedulingInfo((await svc.getObjects(cal.id, ['planning-2.ics']))[0]!.ics)!.attendees.find((x) => x.email === 'carol@partner.example')!.partstat;
    expect(await carol()).toBe('NEEDS-ACTION');
    await incoming.incoming(ann.id, reply, 'carol@partner.example', meta(ann));
    expect(await carol()).toBe('ACCEPTED');
  });

  it('takes an invitation that arrives by mail (a client doing its own iMIP over submission) into the invitee\'s calendar', async () => {
    const listening = await kit.appliance.start();
    // "smtp://127.0.0.1:PORT (submission)"
    const port = Number(/:(\d+)/.exec(listening.find((l) => l.name === 'submission')!.address.split('//')[1]!)![1]);
    const nodemailer = (await import('nodemailer')).default;
    const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: annCreds.email, pass: annCreds.appPassword } });
    const ics = event('20260401T090000Z').replace(/UID:planning-1/, 'UID:by-mail-1').replace('BEGIN:VEVENT', 'METHOD:REQUEST\r\nBEGIN:VEVENT');
    await t.sendMail({ from: annCreds.email, to: bob.email, subject: 'Invitation: Planning', text: 'Join us', icalEvent: { method: 'REQUEST', content: ics } });
    t.close();
    const cal = (await svc.listCalendars(bob))[0]!;
    await expect.poll(async () => (await svc.listObjects(cal.id)).map((o) => o.uid)).toContain('by-mail-1');
  });

  it("shows attendees' busy hours, without titles, in the scheduling assistant", async () => {
    const bobCal = (await svc.listCalendars(bob))[0]!;
    const private_ = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN', 'BEGIN:VEVENT', 'UID:dentist', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260505T100000Z', 'DTEND:20260505T110000Z', 'SUMMARY:Dentist', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    await svc.putObject(bob, bobCal.id, 'dentist.ics', private_, {}, meta(bob));
    const annWeb = new TestClient(kit.appliance.app, 'http://example.test');
    expect((await annWeb.login(annCreds.email, annCreds.password)).status).toBe(303);
    const html = await (await annWeb.get('/calendar/events/availability?attendees=bob%40example.test%0Adana%40outside.example&startDate=2026-05-05&tz=UTC', { htmx: true })).text();
    expect(html).not.toContain('Dentist');
    const bobRow = /<th scope="row">bob@example.test<\/th>([\s\S]*?)<\/tr>/.exec(html)![1]!;
    const cells = [...bobRow.matchAll(/<td class="(busy|free)"/g)].map((m) => m[1]);
    expect(cells[2]).toBe('busy'); // 10:00
    expect(cells.filter((x) => x === 'busy')).toHaveLength(1);
    expect(html).toMatch(/dana@outside.example<\/th><td colSpan="13" class="muted">not in the organization/i);
  });
});
