// The calendar plugin behind core's DAV engine over a real socket: tsdav for what
// clients do, raw fetch for the error bodies and REPORTs tsdav does not expose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDAVClient } from 'tsdav';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { CalendarService } from '../calendar-service.ts';
import { simpleEvent, vcalendar, vevent } from '../testing/ics-fixtures.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let alice: TestUser;
let bob: TestUser;
const auth = (u: TestUser) => `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
const dav = (u: TestUser, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method, headers: { Authorization: auth(u), 'Content-Type': 'application/xml; charset=utf-8', ...headers }, ...(body !== undefined ? { body } : {}) });
const client = (u: TestUser) => createDAVClient({ serverUrl: `${base}/.well-known/caldav`, credentials: { username: u.email, password: u.appPassword }, authMethod: 'Basic', defaultAccountType: 'caldav' });
const CAL = 'urn:ietf:params:xml:ns:caldav';

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  alice = await addTestUser(a, 'alice@example.test');
  bob = await addTestUser(a, 'bob@example.test');
});
afterAll(async () => { await a?.close(); });

describe('CalDAV with tsdav', () => {
  it('discovers Personal, stores events, fetches them by time range and syncs', async () => {
    const c = await client(alice);
    const [cal] = await c.fetchCalendars();
    expect(cal!.displayName).toBe('Personal');
    expect(cal!.components).toEqual(expect.arrayContaining(['VEVENT', 'VTODO']));
    expect((await c.createCalendarObject({ calendar: cal!, filename: 'jan.ics', iCalString: simpleEvent('jan', 'January', '20260110T100000Z', '20260110T110000Z') })).status).toBe(201);
    await c.createCalendarObject({ calendar: cal!, filename: 'weekly.ics', iCalString: vcalendar(vevent({ UID: 'weekly', SUMMARY: 'Weekly', DTSTART: '20251201T080000Z', DTEND: '20251201T090000Z', RRULE: 'FREQ=WEEKLY' })) });
    await c.createCalendarObject({ calendar: cal!, filename: 'mar.ics', iCalString: simpleEvent('mar', 'March', '20260310T100000Z', '20260310T110000Z') });
    const jan = await c.fetchCalendarObjects({ calendar: cal!, timeRange: { start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' } });
    expect(jan.map((o) => o.url.split('/').pop()).sort()).toEqual(['jan.ics', 'weekly.ics']);
    expect(jan.find((o) => o.url.endsWith('jan.ics'))!.data).toContain('SUMMARY:January');

    const token = (await c.fetchCalendars())[0]!.syncToken!;
    const mar = (await c.fetchCalendarObjects({ calendar: cal! })).find((o) => o.url.endsWith('mar.ics'))!;
    expect((await c.updateCalendarObject({ calendarObject: { ...mar, data: simpleEvent('mar', 'March (moved)', '20260311T100000Z', '20260311T110000Z') } })).ok).toBe(true);
    await c.deleteCalendarObject({ calendarObject: jan.find((o) => o.url.endsWith('jan.ics'))! });
    const changes = await c.syncCollection({ url: cal!.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token });
    const byName = Object.fromEntries(changes.map((r) => [decodeURIComponent(r.href!).split('/').pop(), r.status]));
    expect(byName).toEqual({ 'mar.ics': 207, 'jan.ics': 404 });
  });

  it('creates a calendar with MKCALENDAR and refuses invalid data and UID conflicts with RFC error bodies', async () => {
    const c = await client(alice);
    await c.makeCalendar({ url: `${base}/dav/calendars/alice@example.test/work/`, props: { displayname: 'Work' } });
    const names = (await c.fetchCalendars()).map((x) => x.displayName).sort();
    expect(names).toEqual(['Personal', 'Work']);
    const bad = await dav(alice, 'PUT', '/dav/calendars/alice@example.test/work/bad.ics', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', { 'Content-Type': 'text/calendar' });
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('valid-calendar-object-resource');
    // jan.ics was deleted above: its UID is free again.
    expect((await dav(alice, 'PUT', '/dav/calendars/alice@example.test/personal/other.ics', simpleEvent('jan'), { 'Content-Type': 'text/calendar' })).status).toBe(201);
    await dav(alice, 'PUT', '/dav/calendars/alice@example.test/personal/x1.ics', simpleEvent('same'), { 'Content-Type': 'text/calendar' });
    const dup = await dav(alice, 'PUT', '/dav/calendars/alice@example.test/personal/x2.ics', simpleEvent('same'), { 'Content-Type': 'text/calendar' });
    expect(dup.status).toBe(403);
    const body = await dup.text();
    expect(body).toContain('no-uid-conflict');
    expect(body).toContain('/dav/calendars/alice@example.test/personal/x1.ics');
  });

  it('expands recurring events on request and answers free-busy', async () => {
    const expand = await dav(alice, 'REPORT', '/dav/calendars/alice@example.test/personal/', `<?xml version="1.0"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="${CAL}"><D:prop><C:calendar-data><C:expand start="20260105T000000Z" end="20260120T000000Z"/></C:calendar-data></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260105T000000Z" end="20260120T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`, { Depth: '1' });
    expect(expand.status).toBe(207);
    const xml = await expand.text();
    expect(xml.match(/RECURRENCE-ID:\d{8}T\d{6}Z/g)).toEqual(['RECURRENCE-ID:20260105T080000Z', 'RECURRENCE-ID:20260112T080000Z', 'RECURRENCE-ID:20260119T080000Z']);
    expect(xml).not.toContain('RRULE');
    const fb = await dav(alice, 'REPORT', '/dav/calendars/alice@example.test/personal/', `<?xml version="1.0"?><C:free-busy-query xmlns:C="${CAL}"><C:time-range start="20260105T000000Z" end="20260106T000000Z"/></C:free-busy-query>`, { Depth: '1' });
    expect(fb.status).toBe(200);
    expect(await fb.text()).toContain('FREEBUSY:20260105T080000Z/20260105T090000Z');
  });

  it('lets a read-only sharee read but not write', async () => {
    const service = a.services.services.require<CalendarService>('calendar.service');
    const owner = (await a.auth.userByEmail(alice.email))!;
    const sharee = (await a.auth.userByEmail(bob.email))!;
    const cal = (await service.listCalendars(owner)).find((x) => x.slug === 'personal')!;
    const meta = (u: { id: string }) => ({ actor: u.id, source: 'ui' as const, time: new Date().toISOString() });
    await service.share(owner, cal.id, { kind: 'user', id: sharee.id }, 'read', meta(owner));
    await service.acceptShare(sharee, cal.id, meta(sharee));
    const c = await client(bob);
    const cals = await c.fetchCalendars();
    const shared = cals.find((x) => x.url.endsWith(`/shared-${cal.id}/`))!;
    expect(shared).toBeDefined();
    expect((await c.fetchCalendarObjects({ calendar: shared })).length).toBeGreaterThan(0);
    const put = await dav(bob, 'PUT', `/dav/calendars/bob@example.test/shared-${cal.id}/nope.ics`, simpleEvent('nope'), { 'Content-Type': 'text/calendar' });
    expect(put.status).toBe(403);
    // Another user's home is not visible at all.
    expect((await dav(bob, 'PROPFIND', '/dav/calendars/alice@example.test/personal/', undefined, { Depth: '0' })).status).toBe(404);
  });
});
