import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { LimitExceededError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { SessionUser } from '../../core/identity/auth-service.ts';
import { createTestAppliance, type TestAppliance } from '../../core/testing/test-appliance.ts';
import { dumpReadModels } from '../../core/testing/dump-read-models.ts';
import { MAX_IMPORT_BYTES, type CalendarService } from './calendar-service.ts';
import { vcalendar, vevent, vtodo } from './testing/ics-fixtures.ts';

const sys = { actor: 'system', source: 'system' } as const;
let a: TestAppliance & { close(): Promise<void> };
let service: CalendarService;
let alice: SessionUser;
let bob: SessionUser;
const meta = (u: SessionUser) => ({ actor: u.id, source: 'ui' as const, time: new Date().toISOString() });

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar'] });
  alice = (await a.identity.addUser({ email: 'alice@example.test', password: 'alice password 123' }, sys)).user;
  bob = (await a.identity.addUser({ email: 'bob@example.test', password: 'bob password 1234' }, sys)).user;
  service = a.services.services.require<CalendarService>('calendar.service');
  await service.ensureDefaultCalendar(alice, meta(alice));
});
afterAll(() => a.close());

describe('calendar service', () => {
  it('imports a multi-event file per UID, routes tasks to a calendar holding tasks, and exports it back', async () => {
    const events = (await service.createCalendar(alice, { displayName: 'Events only', components: ['VEVENT'] }, meta(alice)));
    const file = vcalendar(
      vevent({ UID: 'i1', SUMMARY: 'One', DTSTART: '20260105T100000Z', DTEND: '20260105T110000Z', RRULE: 'FREQ=DAILY;COUNT=3' }),
      vevent({ UID: 'i2', SUMMARY: 'Two', DTSTART: '20260106T100000Z' }),
      vevent({ UID: 'i1', 'RECURRENCE-ID': '20260106T100000Z', SUMMARY: 'One (moved)', DTSTART: '20260106T150000Z', DTEND: '20260106T160000Z' }),
      vtodo({ UID: 't1', SUMMARY: 'Task', DUE: '20260107T120000Z' }),
      'BEGIN:VJOURNAL\r\nUID:j\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Diary\r\nEND:VJOURNAL',
    );
    const r = await service.importIcs(alice, events.id, file, meta(alice));
    expect(r.imported).toBe(3);
    expect(r.failed).toEqual([]);
    expect(r.skipped).toEqual(['VJOURNAL Diary']);
    const objs = await service.listObjects(events.id);
    expect(objs.map((o) => [o.uid, o.component]).sort()).toEqual([['i1', 'VEVENT'], ['i2', 'VEVENT']]);
    const personal = (await service.listCalendars(alice)).find((c) => c.slug === 'personal')!;
    expect((await service.tasks(alice)).map((t) => [t.uid, t.calendarId])).toEqual([['t1', personal.id]]);
    // Re-importing the same file updates rather than duplicates.
    expect((await service.importIcs(alice, events.id, file, meta(alice))).imported).toBe(3);
    expect(await service.listObjects(events.id)).toHaveLength(2);
    const exported = await service.exportIcs(alice, events.id);
    expect(exported.filename).toBe('events-only.ics');
    expect(exported.body.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(exported.body.match(/BEGIN:VCALENDAR/g)).toHaveLength(1);
    // Occurrences for the views: expanded, with the moved one.
    const occ = await service.occurrences(alice, { from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 8), tz: 'UTC' });
    expect(occ.occurrences.map((o) => [o.summary, new Date(o.start).toISOString()])).toEqual([
      ['One', '2026-01-05T10:00:00.000Z'], ['One (moved)', '2026-01-06T15:00:00.000Z'], ['Two', '2026-01-06T10:00:00.000Z'], ['One', '2026-01-07T10:00:00.000Z'],
    ].sort((x, y) => x[1]!.localeCompare(y[1]!)));
    await expect(service.importIcs(alice, events.id, 'not a calendar', meta(alice))).rejects.toBeInstanceOf(ValidationError);
    await expect(service.importIcs(alice, events.id, 'x'.repeat(MAX_IMPORT_BYTES + 1), meta(alice))).rejects.toBeInstanceOf(LimitExceededError);
    await expect(service.importIcs(bob, events.id, file, meta(bob))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('serves a public link only while it is on, and a regenerated token replaces the old one', async () => {
    const cal = (await service.listCalendars(alice))[0]!;
    const token = await service.enablePublicLink(alice, cal.id, meta(alice));
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect((await service.publicIcs(token)).body).toContain('BEGIN:VCALENDAR');
    await expect(service.enablePublicLink(bob, cal.id, meta(bob))).rejects.toBeInstanceOf(NotFoundError);
    const fresh = await service.enablePublicLink(alice, cal.id, meta(alice), { regenerate: true });
    expect(fresh).not.toBe(token);
    await expect(service.publicIcs(token)).rejects.toBeInstanceOf(NotFoundError);
    await service.disablePublicLink(alice, cal.id, meta(alice));
    await expect(service.publicIcs(fresh)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps settings per user and validates them', async () => {
    const s = await service.settings(alice);
    await service.saveSettings(alice, { ...s, timezone: 'Europe/Paris', weekStart: 0 }, meta(alice));
    expect(await service.settings(alice)).toMatchObject({ timezone: 'Europe/Paris', weekStart: 0 });
    expect((await service.settings(bob)).timezone).toBe('UTC');
    await expect(service.saveSettings(alice, { ...s, timezone: 'Nowhere/Land' }, meta(alice))).rejects.toBeInstanceOf(ValidationError);
  });

  it('brings a deleted calendar back under a free address, with its events', async () => {
    const cal = await service.createCalendar(alice, { displayName: 'Trips' }, meta(alice));
    await service.putObject(alice, cal.id, 'trip.ics', vcalendar(vevent({ UID: 'trip', SUMMARY: 'Trip', DTSTART: '20260401T080000Z' })), {}, meta(alice));
    await service.deleteCalendar(alice, cal.id, meta(alice));
    expect((await service.listCalendars(alice)).map((c) => c.id)).not.toContain(cal.id);
    await service.createCalendar(alice, { displayName: 'Trips' }, meta(alice)); // takes the old address
    expect((await service.deletedCalendars(alice)).map((c) => c.id)).toEqual([cal.id]);
    await expect(service.undeleteCalendar(bob, cal.id, meta(bob))).rejects.toBeInstanceOf(NotFoundError);
    await service.undeleteCalendar(alice, cal.id, meta(alice));
    const back = (await service.listCalendars(alice)).find((c) => c.id === cal.id)!;
    expect(back.slug).toBe('trips-2');
    expect((await service.listObjects(cal.id)).map((o) => o.uid)).toEqual(['trip']);
  });

  it('rebuilds byte-identical read models by replay', async () => {
    const before = dumpReadModels(a.db.raw);
    await a.projections.rebuild(['calendar.store', 'calendar.users']);
    expect(dumpReadModels(a.db.raw)).toBe(before);
  });

  it('syncs a 10,000-object calendar with indexed queries', async () => {
    const cal = await service.createCalendar(alice, { displayName: 'Big' }, meta(alice));
    const many = vcalendar(...Array.from({ length: 10_000 }, (_, i) => vevent({ UID: `big-${i}`, SUMMARY: `Event ${i}`, DTSTART: `2026${String(1 + (i % 12)).padStart(2, '0')}10T100000Z`, DURATION: 'PT1H' })));
    const t0 = Date.now();
    expect((await service.importIcs(alice, cal.id, many, meta(alice))).imported).toBe(10_000);
    const importMs = Date.now() - t0;
    const mid = (await service.getCalendar(alice, cal.id)).position;
    await service.deleteObject(alice, cal.id, 'big-5.ics', {}, meta(alice));
    const t1 = Date.now();
    const list = await service.listObjects(cal.id);
    const changes = await service.changesSince(cal.id, mid);
    const listMs = Date.now() - t1;
    expect(list).toHaveLength(9_999);
    expect(changes).toMatchObject({ changed: [], removed: ['big-5.ics'] });
    expect(listMs).toBeLessThan(2_000);
    expect(importMs).toBeLessThan(60_000);
    const plan = await sql<{ detail: string }>`explain query plan select name from calendar_objects where calendar_id = ${cal.id} and position > ${mid} order by position`.execute(a.db.kysely);
    expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/USING INDEX calendar_objects_position/);
    // The UID check of every PUT must not scan the calendar (it made imports quadratic once).
    const uidPlan = await sql<{ detail: string }>`explain query plan select name from calendar_objects where calendar_id = ${cal.id} and uid = ${'big-1'} and deleted_at is null and object_id != ${'x'}`.execute(a.db.kysely);
    expect(uidPlan.rows.map((r) => r.detail).join(' ')).toMatch(/USING INDEX calendar_objects_uid/);
  }, 120_000);
});
