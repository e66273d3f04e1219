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
  a = await createTestAppliance({ plugins: ['mail', 'calendar', 'contacts', 'drive', 'chat'] });
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
    for (const path of ['/mail', '/calendar', '/contacts', '/drive']) expect((await guest.get(path)).status).toBe(403);
    expect((await guest.get('/drive/s/no-such-link')).status).not.toBe(403);
    const dav = await a.app.request('http://example.test/dav/', { method: 'PROPFIND', headers: { Authorization: `Basic ${Buffer.from('visitor@partner.example:visitor has a password').toString('base64')}`, Depth: '0' } });
    expect(dav.status).toBe(403);
  });

  it('members see every app', async () => {
    const res = await member.get('/calendar');
    expect(res.status).toBe(200);
    expect(navLabels(await res.text())).toEqual(['Mail', 'Calendar', 'Contacts', 'Drive', 'Chat', 'Account']);
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

  it('shows presence beside a local sender in mail, a contact\'s address and the people a folder is shared with', async () => {
    const memberId = (await a.auth.userByEmail('member@example.test'))!.id;
    const sys = { actor: 'system', source: 'system' as const, time: new Date().toISOString() };
    // Mail: a message from the owner, a person here.
    const store = a.services.services.require<{ ensureAccount(u: string, m: unknown): Promise<void>; deliver(u: string, raw: Buffer, o: unknown, m: unknown): Promise<{ mailboxId: string; uid: number }> }>('mail.store');
    await store.ensureAccount(memberId, sys);
    const got = await store.deliver(memberId, Buffer.from(`From: ${a.owner.email}\r\nTo: member@example.test\r\nSubject: hi\r\nMessage-ID: <p1@example.test>\r\n\r\nhello\r\n`), {}, sys);
    expect(await (await member.get(`/mail/m/${got.mailboxId}/${got.uid}`)).text()).toMatch(/<span class="presence presence-\w+" role="img" aria-label="\w+" data-sender-presence/);
    // Contacts: a contact whose address is the owner's.
    const book = (await member.get('/contacts')).headers.get('location')!.split('/').pop()!;
    await member.page(`/contacts/b/${book}/new`);
    const created = await member.post(`/contacts/b/${book}/new`, { given: 'The', family: 'Owner', email: a.owner.email, email_type: '' });
    expect(created.status).toBe(303);
    const view = await (await member.get(created.headers.get('location')!.split('?')[0]!)).text();
    expect(view).toMatch(new RegExp(`<span class="presence presence-\\w+" role="img" aria-label="\\w+"></span> <a href="mailto:${a.owner.email.replace('.', '\\.')}`));
    // Drive: a folder shared with the owner.
    await member.page('/drive');
    const folder = await member.post('/drive/folders', { name: 'Plans', parent: '' });
    expect([302, 303]).toContain(folder.status);
    const drive = a.services.services.require<{ personalDrive(u: unknown, m: unknown): Promise<{ drive_id: string }>; queries: { children(d: string, p: string): Promise<{ node_id: string; name: string }[]> } }>('drive.service');
    const d = await drive.personalDrive((await a.auth.userById(memberId))!, sys);
    const plans = (await drive.queries.children(d.drive_id, '')).find((n) => n.name === 'Plans')!;
    await member.page(`/drive/nodes/${plans.node_id}/share`);
    expect((await member.post(`/drive/nodes/${plans.node_id}/people`, { email: a.owner.email, right: 'read' })).status).toBe(303);
    expect(await (await member.get(`/drive/nodes/${plans.node_id}/share`)).text()).toMatch(/<span class="presence presence-\w+" role="img" aria-label="\w+"><\/span> admin@/);
  });
});

