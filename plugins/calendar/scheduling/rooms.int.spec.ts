// Meeting rooms: an administrator adds one; a person books it from the event form and it
// accepts; an overlapping booking by someone else is declined and the room is not
// double-booked; only administrators add rooms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { TestClient } from '../../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { CalendarService } from '../calendar-service.ts';
import { schedulingInfo } from './itip.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let svc: CalendarService;
let ann: TestUser;
let bob: TestUser;
const web = new Map<string, TestClient>();
const meta = (id: string) => ({ actor: id, source: 'ui' as const, time: new Date().toISOString() });

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar'] });
  ann = await addTestUser(a, 'ann@example.test');
  bob = await addTestUser(a, 'bob@example.test');
  svc = a.services.services.require<CalendarService>('calendar.service');
  for (const u of [ann, bob]) {
    const c = new TestClient(a.app, 'http://example.test');
    expect((await c.login(u.email, u.password)).status).toBe(303);
    web.set(u.email, c);
  }
});
afterAll(async () => { await a?.close(); });

async function book(u: TestUser, summary: string, start: string, end: string, room: string) {
  const user = (await a.auth.userById(u.userId))!;
  await svc.ensureDefaultCalendar(user, meta(u.userId));
  const cal = (await svc.listCalendars(user))[0]!;
  const c = web.get(u.email)!;
  await c.page('/calendar/events/new');
  const res = await c.post('/calendar/events', { summary, startDate: '2026-12-01', startTime: start, endDate: '2026-12-01', endTime: end, tz: 'UTC', repeat: 'none', calendarId: cal.id, room });
  expect(res.status).toBe(303);
  const [obj] = (await svc.getObjects(cal.id, (await svc.listObjects(cal.id)).map((o) => o.name))).filter((o) => o.summary === summary);
  return { user, obj: obj! };
}

describe('meeting rooms', () => {
  it('are added by administrators only, and accept a free slot but decline a booked one', async () => {
    const owner = (await a.auth.userByEmail(a.owner.email))!;
    const annUser = (await a.auth.userById(ann.userId))!;
    await expect(svc.createRoom(annUser, { name: 'Broom cupboard' }, meta(ann.userId))).rejects.toThrow(/administrators/);
    const room = await svc.createRoom(owner, { name: 'Board room', capacity: 12 }, meta(owner.id));
    const address = room.room!.address;
    expect(address).toMatch(/^room-board-room@/);
    expect(await (await web.get(ann.email)!.get('/calendar/rooms')).text()).toContain('Board room');
    expect(await (await web.get(ann.email)!.get('/calendar/events/new')).text()).toContain(`<option value="${address}">Board room (12 people)</option>`);

    const first = await book(ann, 'Quarterly review', '10:00', '11:00', address);
    expect(schedulingInfo(first.obj.ics)!.organizer).toBe('ann@example.test');
    expect(schedulingInfo(first.obj.ics)!.attendees.find((x) => x.email === address)?.partstat).toBe('ACCEPTED');
    const second = await book(bob, 'Team lunch', '10:30', '12:00', address);
    expect(schedulingInfo(second.obj.ics)!.attendees.find((x) => x.email === address)?.partstat).toBe('DECLINED');
    const third = await book(bob, 'Afternoon sync', '14:00', '15:00', address);
    expect(schedulingInfo(third.obj.ics)!.attendees.find((x) => x.email === address)?.partstat).toBe('ACCEPTED');
    const booked = (await svc.listObjects(room.id)).map((o) => o.summary).sort();
    expect(booked).toEqual(['Afternoon sync', 'Quarterly review']);
    // Rooms do not show up as shares waiting to be added.
    expect((await svc.pendingShares((await a.auth.userById(bob.userId)) as SessionUser)).map((c) => c.id)).not.toContain(room.id);
  });

  it('count a cancelled meeting as free', async () => {
    const owner = (await a.auth.userByEmail(a.owner.email))!;
    const room = await svc.createRoom(owner, { name: 'Small room' }, meta(owner.id));
    const address = room.room!.address;
    const first = await book(ann, 'Offsite prep', '16:00', '17:00', address);
    expect(schedulingInfo(first.obj.ics)!.attendees.find((x) => x.email === address)?.partstat).toBe('ACCEPTED');
    // Ann keeps the event but marks it cancelled (as clients do with STATUS); the update
    // reaches the room's copy, which then holds the slot no more.
    const cancelled = first.obj.ics.replace(/\r\nSUMMARY:/, '\r\nSTATUS:CANCELLED\r\nSUMMARY:');
    expect(cancelled).toContain('STATUS:CANCELLED');
    await svc.putObject(first.user, first.obj.calendarId, first.obj.name, cancelled, {}, meta(ann.userId));
    expect((await svc.listObjects(room.id)).map((o) => o.summary)).toContain('Offsite prep');
    const second = await book(bob, 'Planning poker', '16:30', '17:30', address);
    expect(schedulingInfo(second.obj.ics)!.attendees.find((x) => x.email === address)?.partstat).toBe('ACCEPTED');
  });

  it('are principals over DAV with calendar-user-type ROOM', async () => {
    const [room] = await svc.rooms();
    const res = await a.app.request(`http://example.test/dav/principals/resources/${room!.id}/`, {
      method: 'PROPFIND', headers: { Authorization: `Basic ${Buffer.from(`${ann.email}:${ann.appPassword}`).toString('base64')}`, Depth: '0' },
    });
    expect(res.status).toBe(207);
    const xml = await res.text();
    expect(xml).toContain('<cal:calendar-user-type>ROOM</cal:calendar-user-type>');
    expect(xml).toContain(`mailto:${room!.room!.address}`);
  });
});

