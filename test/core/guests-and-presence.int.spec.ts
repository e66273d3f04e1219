// Core's part of guests and presence, with the real plugins: a guest sees and reaches
// only the apps opened to guests (chat; the drive's share links), never DAV; every page
// shows the signed-in user's presence from the plugin that provides it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../core/http/test-client.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { addTestUser } from '../../core/testing/add-test-user.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let guest: TestClient;
let member: TestClient;
const sys = { actor: 'system', source: 'system' } as const;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['mail', 'calendar', 'drive', 'chat'] });
  const m = await addTestUser(a, 'member@example.test');
  await a.identity.addUser({ email: 'visitor@partner.example', password: 'visitor has a password', role: 'guest' }, sys);
  member = new TestClient(a.app, 'http://example.test');
  guest = new TestClient(a.app, 'http://example.test');
  expect((await member.login(m.email, m.password)).status).toBe(303);
  expect((await guest.login('visitor@partner.example', 'visitor has a password')).status).toBe(303);
});
afterAll(async () => { await a?.close(); });

const navLabels = (html: string) => [...(/<nav class="appnav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/<\/span>([^<]+)<\/a>|>([A-Z][a-z]+)<\/a>/g)].map((x) => (x[1] ?? x[2])!.trim());

describe('guests', () => {
  it('see only the apps opened to guests and are refused the others', async () => {
    const home = await guest.get('/');
    expect(home.headers.get('location')).toBe('/chat');
    const page = await (await guest.get('/chat')).text();
    expect(navLabels(page)).toEqual(['Chat', 'Account']);
    for (const path of ['/mail', '/calendar', '/drive']) expect((await guest.get(path)).status).toBe(403);
    expect((await guest.get('/drive/s/no-such-link')).status).not.toBe(403);
    const dav = await a.app.request('http://example.test/dav/', { method: 'PROPFIND', headers: { Authorization: `Basic ${Buffer.from('visitor@partner.example:visitor has a password').toString('base64')}`, Depth: '0' } });
    expect(dav.status).toBe(403);
  });

  it('members see every app', async () => {
    const res = await member.get('/calendar');
    expect(res.status).toBe(200);
    expect(navLabels(await res.text())).toEqual(['Mail', 'Calendar', 'Drive', 'Chat', 'Account']);
  });
});

describe('presence in the header', () => {
  it('shows the signed-in user\'s presence on every app\'s pages', async () => {
    const html = await (await member.get('/calendar')).text();
    expect(html).toMatch(/<span class="presence presence-(online|away|dnd|offline)" data-user="[^"]+"/);
  });

  it("shows attendees' presence beside their answers in the calendar", async () => {
    const form = await member.page('/calendar/events/new');
    const cal = /<select id="calendarId" name="calendarId"[^>]*><option value="([^"]+)"/.exec(form)![1]!;
    const res = await member.post('/calendar/events', { summary: 'Sync', startDate: '2026-12-02', startTime: '09:00', endDate: '2026-12-02', endTime: '09:30', tz: 'UTC', repeat: 'none', calendarId: cal, attendees: a.owner.email });
    expect(res.status).toBe(303);
    const week = await (await member.get('/calendar?view=week&date=2026-12-02')).text();
    const href = /href="(\/calendar\/events\/[^"?]+)"[^>]*data-event-id/.exec(week)![1]!;
    const page = await (await member.get(href)).text();
    expect(page).toMatch(new RegExp(`<span class="presence presence-(online|away|dnd|offline)" role="img" aria-label="[a-z]+"></span> ${a.owner.email.replace('.', '\\.')}`));
  });
});

