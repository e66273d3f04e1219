import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';

const sys = { actor: 'system', source: 'system' } as const;
let a: TestAppliance & { close(): Promise<void> };
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar'] });
  await a.identity.addUser({ email: 'alice@example.test', password: 'alice password 123' }, sys);
  await a.identity.addUser({ email: 'bob@example.test', password: 'bob password 1234' }, sys);
  alice = new TestClient(a.app, 'http://example.test');
  bob = new TestClient(a.app, 'http://example.test');
  expect((await alice.login('alice@example.test', 'alice password 123')).status).toBe(303);
  expect((await bob.login('bob@example.test', 'bob password 1234')).status).toBe(303);
});
afterAll(() => a.close());

const eventIds = (html: string) => [...html.matchAll(/data-event-id="([^"]+)"/g)].map((m) => m[1]!);
const calendarIds = (html: string) => [...html.matchAll(/data-calendar-id="([^"]+)"/g)].map((m) => m[1]!);
const eventLinks = (html: string) => [...html.matchAll(/href="(\/calendar\/events\/[^"?]+\/[^"?]+)(?:\?rid=([^"]+))?"/g)].map((m) => ({ path: m[1]!, rid: m[2] && decodeURIComponent(m[2].replace(/&amp;/g, '&')) }));
const form = (over: Record<string, string>) => ({
  summary: 'Planning', startDate: '2026-03-02', startTime: '10:00', endDate: '2026-03-02', endTime: '11:00', tz: 'UTC',
  repeat: 'none', interval: '1', ends: 'never', count: '10', until: '', reminder: '', attendees: '', color: '', location: '', description: '', ...over,
});

describe('calendar pages', () => {
  it('sends signed-out visitors to the login page, but serves static files', async () => {
    const anon = new TestClient(a.app, 'http://example.test');
    const res = await anon.get('/calendar');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fcalendar');
    const html = await alice.page('/calendar');
    const css = /href="(\/calendar\/static\/calendar\.css\?v=[0-9a-f]+)"/.exec(html)![1]!;
    const r = await anon.get(css);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('.t-95{top:calc(95 * var(--slot))}');
  });

  it('shows the Personal calendar on first visit and every view renders', async () => {
    const html = await alice.page('/calendar');
    expect(calendarIds(html)).toHaveLength(1);
    expect(html).toContain('Personal');
    for (const view of ['day', 'week', 'month', 'agenda', 'year']) {
      const res = await alice.get(`/calendar?view=${view}&date=2026-03-04`);
      expect(res.status).toBe(200);
    }
    expect(await alice.page('/calendar?view=month&date=2026-03-04')).toContain('March 2026');
  });

  it('creates, edits one occurrence, and deletes a recurring event through the forms', async () => {
    expect((await alice.page('/calendar/events/new?date=2026-03-02&time=10:00'))).toContain('name="summary"');
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    expect((await alice.post('/calendar/events', form({ calendarId: cal, repeat: 'weekly', ends: 'count', count: '3' }), { noCsrf: true })).status).toBe(403);
    const created = await alice.post('/calendar/events', form({ calendarId: cal, repeat: 'weekly', ends: 'count', count: '3' }));
    expect(created.status).toBe(303);
    const month = await alice.page('/calendar?view=month&date=2026-03-01');
    const links = eventLinks(month);
    expect(links.map((l) => l.rid)).toEqual(['20260302T100000Z', '20260309T100000Z', '20260316T100000Z']);
    // Change only the second occurrence.
    const second = links[1]!;
    const edit = await alice.page(`${second.path}?rid=${encodeURIComponent(second.rid!)}`);
    expect(edit).toContain('Only this occurrence');
    const etag = /name="etag" value="([^"]+)"/.exec(edit)![1]!.replace(/&quot;/g, '"');
    expect((await alice.post(second.path, form({ calendarId: cal, summary: 'Moved planning', startDate: '2026-03-10', endDate: '2026-03-10', rid: second.rid!, scope: 'this', etag }))).status).toBe(303);
    let week = await alice.page('/calendar?view=week&date=2026-03-09');
    expect(week).toContain('Moved planning');
    // A stale form (old ETag) is refused with a message, not silently applied.
    const stale = await alice.post(second.path, form({ calendarId: cal, summary: 'Stale', rid: second.rid!, scope: 'all', etag }));
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain('changed elsewhere');
    // Delete the third occurrence only.
    expect((await alice.post(`${second.path}/delete`, { rid: links[2]!.rid!, scope: 'this' })).status).toBe(303);
    const after = eventLinks(await alice.page('/calendar?view=month&date=2026-03-01'));
    expect(after.map((l) => l.rid)).toEqual(['20260302T100000Z', '20260309T100000Z']);
    // Delete the whole series.
    expect((await alice.post(`${second.path}/delete`, { scope: 'all' })).status).toBe(303);
    week = await alice.page('/calendar?view=month&date=2026-03-01');
    expect(eventIds(week)).toEqual([]);
    // It shows under recently deleted and comes back.
    const manage = await alice.page(`/calendar/calendars/${cal}`);
    expect(manage).toMatch(/Recently deleted[\s\S]*Planning/);
    const objectId = /data-object-id="([^"]+)"/.exec(manage)![1]!;
    expect((await alice.post(`/calendar/calendars/${cal}/undelete/${objectId}`)).status).toBe(303);
    expect(eventIds(await alice.page('/calendar?view=month&date=2026-03-01')).length).toBe(2);
  });

  it('moves an event by drag and drop (date and time), keeping its length', async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    await alice.post('/calendar/events', form({ calendarId: cal, summary: 'Dentist', startDate: '2026-04-06', endDate: '2026-04-06', startTime: '08:00', endTime: '08:45' }));
    const link = eventLinks(await alice.page('/calendar?view=week&date=2026-04-06'))[0]!;
    const moved = await alice.post(`${link.path}/move`, { date: '2026-04-08', time: '14:15' }, { htmx: true });
    expect(moved.status).toBe(204);
    const week = await alice.page('/calendar?view=week&date=2026-04-06');
    expect(week).toMatch(/data-day="2026-04-08"[\s\S]*?title="14:15–15:00 Dentist"/);
    const bad = await alice.post(`${link.path}/move`, { date: 'someday' }, { htmx: true });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('not a place in the calendar');
    await alice.post(`${link.path}/delete`, { scope: 'all' });
  });

  it('refuses invalid event input with the form and a message', async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    const res = await alice.post('/calendar/events', form({ calendarId: cal, endTime: '09:00' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('the end must be after the start');
    expect(html).toContain('value="Planning"');
  });

  it("keeps a user's calendars to themselves until shared, then read-only sharees cannot edit", async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    const link = eventLinks(await alice.page('/calendar?view=month&date=2026-03-01'))[0]!;
    expect((await bob.get(`/calendar/calendars/${cal}`)).status).toBe(404);
    expect((await bob.get(link.path)).status).toBe(404);
    expect((await bob.post('/calendar/events', form({ calendarId: cal }))).status).toBe(404);
    expect(await bob.page('/calendar?view=month&date=2026-03-01')).not.toContain('Planning');
    // Alice shares it read-only with bob by email.
    expect((await alice.post(`/calendar/calendars/${cal}/share`, { kind: 'user', email: 'bob@example.test', right: 'read' })).status).toBe(303);
    expect(await alice.page(`/calendar/calendars/${cal}`)).toContain('bob@example.test');
    const bobHome = await bob.page('/calendar');
    expect(bobHome).toContain('Shared with you');
    expect((await bob.post(`/calendar/shares/${cal}/accept`)).status).toBe(303);
    expect(await bob.page('/calendar?view=month&date=2026-03-01')).toContain('Planning');
    const view = await bob.page(link.path);
    expect(view).toContain('shared with you read-only');
    const refused = await bob.post(link.path, form({ calendarId: cal, summary: 'Bob was here', scope: 'all' }));
    expect(refused.status).toBe(403);
    expect((await bob.get(`/calendar/calendars/${cal}/restore?preset=24h`)).status).toBe(404);
    expect(await alice.page('/calendar?view=month&date=2026-03-01')).not.toContain('Bob was here');
    // Removed from bob's list: no longer offered, and back from Settings.
    expect((await bob.post(`/calendar/shares/${cal}/hide`)).status).toBe(303);
    const home = await bob.page('/calendar?view=month&date=2026-03-01');
    expect(home).not.toContain('Planning');
    expect(home).not.toContain('Shared with you');
    expect(await bob.page('/calendar/settings')).toMatch(/Shared calendars you removed[\s\S]*Personal/);
    expect((await bob.post(`/calendar/shares/${cal}/accept`)).status).toBe(303);
    expect(await bob.page('/calendar?view=month&date=2026-03-01')).toContain('Planning');
  });

  it('turns the public link on and off, and exports and imports .ics files', async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    expect((await alice.post(`/calendar/calendars/${cal}/link`, { action: 'on' })).status).toBe(303);
    const url = /id="public-url" readonly="" value="([^"]+)"/.exec(await alice.page(`/calendar/calendars/${cal}`))![1]!;
    const path = new URL(url).pathname;
    const anon = new TestClient(a.app, 'http://example.test');
    const feed = await anon.get(path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    expect(await feed.text()).toContain('SUMMARY:Planning');
    expect((await alice.post(`/calendar/calendars/${cal}/link`, { action: 'off' })).status).toBe(303);
    expect((await anon.get(path)).status).toBe(404);

    const exported = await alice.get(`/calendar/calendars/${cal}/export`);
    expect(exported.headers.get('content-disposition')).toContain('attachment; filename="personal.ics"');
    const ics = await exported.text();
    const other = await alice.post('/calendar/calendars', { displayName: 'Copy', color: '#aa0000', holds: 'both' });
    const copy = /\/calendar\/calendars\/([^?]+)\?/.exec(other.headers.get('location')!)![1]!;
    await alice.page(`/calendar/calendars/${copy}`);
    const body = new FormData();
    body.set('_csrf', alice.csrfToken);
    body.set('file', new File([ics], 'personal.ics', { type: 'text/calendar' }));
    const imported = await a.app.request(`http://example.test/calendar/calendars/${copy}/import`, { method: 'POST', body, headers: alice.headers({}) });
    expect(imported.status).toBe(200);
    expect(await imported.text()).toContain('Imported 1 item');
  });

  it('restores a calendar from the restore panel with a preview first', async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    await new Promise((r) => setTimeout(r, 1100));
    const at = new Date().toISOString().slice(0, 19);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await alice.post('/calendar/events', form({ calendarId: cal, summary: 'Made later', startDate: '2026-03-20', endDate: '2026-03-20' }))).status).toBe(303);
    const preview = await alice.page(`/calendar/calendars/${cal}/restore?at=${encodeURIComponent(at)}`);
    expect(preview).toMatch(/remove <strong>Made later<\/strong>/);
    expect((await alice.post(`/calendar/calendars/${cal}/restore`, { at: `${at}.000Z` })).status).toBe(303);
    expect(await alice.page('/calendar?view=month&date=2026-03-01')).not.toContain('Made later');
  });

  it('adds and completes tasks, and saves settings', async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    expect((await alice.post('/calendar/tasks', { summary: 'Buy stamps', due: '2026-03-05', calendarId: cal })).status).toBe(303);
    let html = await alice.page('/calendar/tasks');
    expect(html).toMatch(/id="open-tasks"[\s\S]*Buy stamps/);
    const id = /data-object-id="([^"]+)"/.exec(html.split('id="open-tasks"')[1]!)![1]!;
    expect((await alice.post(`/calendar/tasks/${cal}/${id}/toggle`)).status).toBe(303);
    html = await alice.page('/calendar/tasks');
    expect(html).toMatch(/id="done-tasks"[\s\S]*Buy stamps/);
    expect((await alice.post('/calendar/settings', { timezone: 'Europe/Paris', weekStart: '0', defaultDurationMinutes: '30', workStart: '08:00', workEnd: '16:00', defaultCalendarId: '' })).status).toBe(303);
    expect(await alice.page('/calendar/settings')).toContain('<option value="Europe/Paris" selected="">');
    const bad = await alice.post('/calendar/settings', { timezone: 'Nowhere', weekStart: '0', defaultDurationMinutes: '30', workStart: '08:00', workEnd: '16:00' });
    expect(bad.status).toBe(400);
  });

  it('hides and shows calendars from the sidebar', async () => {
    const cal = calendarIds(await alice.page('/calendar'))[0]!;
    const before = await alice.page('/calendar?view=month&date=2026-03-01');
    expect(eventIds(before).length).toBeGreaterThan(0);
    const listed = /name="listed" value="([^"]*)"/.exec(before)![1]!;
    expect((await alice.post('/calendar/visibility', { listed, back: '/calendar?view=month&date=2026-03-01' })).status).toBe(303);
    expect(eventIds(await alice.page('/calendar?view=month&date=2026-03-01'))).toEqual([]);
    expect((await alice.post('/calendar/visibility', { listed, show: cal, back: 'https://evil.example/' })).headers.get('location')).toBe('/calendar');
    expect(eventIds(await alice.page('/calendar?view=month&date=2026-03-01')).length).toBeGreaterThan(0);
  });
});
