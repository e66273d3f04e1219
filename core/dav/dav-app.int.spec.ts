// The DAV engine over real sockets, against a tiny in-memory calendar backend:
// tsdav for the client-visible flows, raw fetch where tsdav is silent (errors,
// preconditions, hostile XML).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDAVClient } from 'tsdav';
import { createTestAppliance } from '../testing/test-appliance.ts';
import { addTestUser, type TestUser } from '../testing/add-test-user.ts';
import { memoryCalendarsPlugin } from './testing/memory-calendars.ts';

const ICS = (uid: string, summary: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\nSUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let alice: TestUser;
let bob: TestUser;
const auth = (u: TestUser, secret = u.appPassword) => `Basic ${Buffer.from(`${u.email}:${secret}`).toString('base64')}`;
const dav = (u: TestUser, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method, headers: { Authorization: auth(u), 'Content-Type': 'application/xml; charset=utf-8', ...headers }, ...(body !== undefined ? { body } : {}) });

beforeAll(async () => {
  a = await createTestAppliance({ pluginDefs: [memoryCalendarsPlugin()] });
  const listening = await a.start();
  base = listening.find((l) => l.name === 'http')!.address;
  alice = await addTestUser(a, 'alice@example.test');
  bob = await addTestUser(a, 'bob@example.test');
});
afterAll(async () => { await a?.close(); });

describe('DAV engine', () => {
  it('discovers, creates, syncs and deletes with tsdav', async () => {
    const client = await createDAVClient({ serverUrl: `${base}/.well-known/caldav`, credentials: { username: alice.email, password: alice.appPassword }, authMethod: 'Basic', defaultAccountType: 'caldav' });
    const calendars = await client.fetchCalendars();
    expect(calendars.map((c) => c.displayName)).toEqual(['Personal']);
    const cal = calendars[0]!;
    expect(cal.url).toBe(`${base}/dav/calendars/alice@example.test/personal/`);
    const created = await client.createCalendarObject({ calendar: cal, filename: 'one.ics', iCalString: ICS('one', 'First') });
    expect(created.status).toBe(201);
    await client.createCalendarObject({ calendar: cal, filename: 'two.ics', iCalString: ICS('two', 'Second') });
    const objects = await client.fetchCalendarObjects({ calendar: cal });
    expect(objects.map((o) => o.url.split('/').pop()).sort()).toEqual(['one.ics', 'two.ics']);
    expect(objects.find((o) => o.url.endsWith('one.ics'))!.data).toContain('SUMMARY:First');

    const token = (await client.fetchCalendars())[0]!.syncToken!;
    await client.deleteCalendarObject({ calendarObject: objects.find((o) => o.url.endsWith('one.ics'))! });
    await client.createCalendarObject({ calendar: cal, filename: 'three.ics', iCalString: ICS('three', 'Third') });
    const changes = await client.syncCollection({ url: cal.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token });
    const byHref = Object.fromEntries(changes.map((r) => [decodeURIComponent(r.href!).split('/').pop(), r.status]));
    // tsdav reports a propstat response with the multistatus code (207), a removed one with its own 404.
    expect(byHref).toEqual({ 'one.ics': 404, 'three.ics': 207 });
  });

  it('honours If-Match and If-None-Match with 412', async () => {
    const path = '/dav/calendars/alice@example.test/personal/cond.ics';
    const first = await dav(alice, 'PUT', path, ICS('cond', 'v1'), { 'Content-Type': 'text/calendar', 'If-None-Match': '*' });
    expect(first.status).toBe(201);
    const etag = first.headers.get('ETag')!;
    expect((await dav(alice, 'PUT', path, ICS('cond', 'v1'), { 'If-None-Match': '*' })).status).toBe(412);
    expect((await dav(alice, 'PUT', path, ICS('cond', 'v2'), { 'If-Match': '"999999"' })).status).toBe(412);
    const second = await dav(alice, 'PUT', path, ICS('cond', 'v2'), { 'If-Match': etag });
    expect(second.status).toBe(204);
    const get = await dav(alice, 'GET', path);
    expect(await get.text()).toContain('SUMMARY:v2');
    expect(get.headers.get('ETag')).toBe(second.headers.get('ETag'));
    expect((await dav(alice, 'GET', path, undefined, { 'If-None-Match': second.headers.get('ETag')! })).status).toBe(304);
  });

  it('answers PROPFIND with 200 and 404 propstats and refuses Depth: infinity on a home', async () => {
    const body = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x="urn:x"><d:prop><d:displayname/><x:unknown/><d:sync-token/></d:prop></d:propfind>';
    const r = await dav(alice, 'PROPFIND', '/dav/calendars/alice@example.test/personal/', body, { Depth: '0' });
    expect(r.status).toBe(207);
    const xml = await r.text();
    expect(xml).toMatch(/<d:displayname>Personal<\/d:displayname>/);
    expect(xml).toMatch(/<unknown xmlns="urn:x"\/><\/d:prop><d:status>HTTP\/1.1 404 Not Found/);
    const inf = await dav(alice, 'PROPFIND', '/dav/calendars/alice@example.test/', body, { Depth: 'infinity' });
    expect(inf.status).toBe(403);
    expect(await inf.text()).toContain('propfind-finite-depth');
  });

  it('requires credentials, refuses wrong ones and keeps homes private', async () => {
    const none = await fetch(`${base}/dav/`, { method: 'PROPFIND' });
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
    expect((await dav(alice, 'PROPFIND', '/dav/', undefined, { Authorization: auth(alice, 'wrong password!') })).status).toBe(401);
    expect((await dav(bob, 'PROPFIND', '/dav/calendars/alice@example.test/', undefined, { Depth: '1' })).status).toBe(403);
    expect((await dav(bob, 'GET', '/dav/calendars/alice@example.test/personal/cond.ics')).status).toBe(404);
    expect((await dav(bob, 'PUT', '/dav/calendars/alice@example.test/personal/x.ics', ICS('x', 'intruder'))).status).toBe(404);
    // The account password works too (slower: scrypt), a cookie never does.
    expect((await dav(alice, 'PROPFIND', '/dav/', undefined, { Authorization: auth(alice, alice.password), Depth: '0' })).status).toBe(207);
  });

  it('refuses hostile or malformed XML with 4xx and keeps serving', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><d:propfind xmlns:d="DAV:"><d:prop>&b;</d:prop></d:propfind>';
    expect((await dav(alice, 'PROPFIND', '/dav/', bomb, { Depth: '0' })).status).toBe(400);
    expect((await dav(alice, 'PROPFIND', '/dav/', '<d:propfind xmlns:d="DAV:"><d:prop>', { Depth: '0' })).status).toBe(400);
    expect((await dav(alice, 'PROPFIND', '/dav/', `${'<a>'.repeat(500)}${'</a>'.repeat(500)}`, { Depth: '0' })).status).toBe(400);
    expect((await dav(alice, 'REPORT', '/dav/calendars/alice@example.test/personal/', '<x:nope xmlns:x="urn:x"/>')).status).toBe(403);
    expect((await dav(alice, 'PROPFIND', '/dav/calendars/alice@example.test/a%2Fb/', undefined, { Depth: '0' })).status).toBe(400);
    expect((await dav(alice, 'PUT', '/dav/calendars/alice@example.test/personal/big.ics', 'x'.repeat(5000))).status).toBe(413);
    expect((await dav(alice, 'PROPFIND', '/dav/', undefined, { Depth: '0' })).status).toBe(207);
  });

  it('creates collections with MKCALENDAR and patches their properties', async () => {
    const mk = '<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Work</d:displayname></d:prop></d:set></c:mkcalendar>';
    expect((await dav(alice, 'MKCALENDAR', '/dav/calendars/alice@example.test/work/', mk)).status).toBe(201);
    expect((await dav(alice, 'MKCALENDAR', '/dav/calendars/alice@example.test/work/', mk)).status).toBe(405);
    expect((await dav(bob, 'MKCALENDAR', '/dav/calendars/alice@example.test/evil/', mk)).status).toBe(404);
    const patch = '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:i="http://apple.com/ns/ical/"><d:set><d:prop><i:calendar-color>#ff0000</i:calendar-color></d:prop></d:set></d:propertyupdate>';
    const r = await dav(alice, 'PROPPATCH', '/dav/calendars/alice@example.test/work/', patch);
    expect(r.status).toBe(207);
    expect(await r.text()).toContain('200 OK');
    const list = await dav(alice, 'PROPFIND', '/dav/calendars/alice@example.test/', '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>', { Depth: '1' });
    expect(await list.text()).toContain('<d:displayname>Work</d:displayname>');
    expect((await dav(alice, 'OPTIONS', '/dav/')).headers.get('DAV')).toContain('calendar-access');
  });

  it('answers a multiget with bodies and 404 for unknown hrefs', async () => {
    const body = `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
      <d:href>/dav/calendars/alice@example.test/personal/cond.ics</d:href><d:href>/dav/calendars/alice@example.test/personal/missing.ics</d:href><d:href>/dav/calendars/bob@example.test/personal/x.ics</d:href></c:calendar-multiget>`;
    const r = await dav(alice, 'REPORT', '/dav/calendars/alice@example.test/personal/', body, { Depth: '1' });
    expect(r.status).toBe(207);
    const xml = await r.text();
    expect(xml).toContain('SUMMARY:v2');
    expect(xml.match(/404 Not Found/g)).toHaveLength(2);
  });

  it('serves group principals with their members, and group membership on user principals', async () => {
    const sys = { actor: 'system', source: 'system' } as const;
    const g = await a.identity.createGroup('Team', sys);
    await a.identity.addGroupMember(g.id, alice.userId, sys);
    await a.identity.addGroupMember(g.id, bob.userId, sys);
    const body = '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:group-member-set/><d:group-membership/></d:prop></d:propfind>';
    const group = await (await dav(alice, 'PROPFIND', `/dav/principals/groups/${g.id}/`, body, { Depth: '0' })).text();
    expect(group).toContain('<d:displayname>Team</d:displayname>');
    expect(group).toContain('<d:href>/dav/principals/alice@example.test/</d:href>');
    expect(group).toContain('<d:href>/dav/principals/bob@example.test/</d:href>');
    const me = await (await dav(alice, 'PROPFIND', '/dav/principals/alice@example.test/', body, { Depth: '0' })).text();
    expect(me).toContain(`<d:group-membership><d:href>/dav/principals/groups/${g.id}/</d:href></d:group-membership>`);
    expect((await dav(alice, 'PROPFIND', '/dav/principals/groups/nope/', body, { Depth: '0' })).status).toBe(404);
  });

  it('remembers a verified account password only until it changes', async () => {
    const carol = await addTestUser(a, 'carol@example.test');
    const withPassword = (pw: string) => dav(carol, 'PROPFIND', '/dav/', undefined, { Authorization: auth(carol, pw), Depth: '0' });
    expect((await withPassword(carol.password)).status).toBe(207);
    expect((await withPassword(carol.password)).status).toBe(207);
    await a.identity.setPassword(carol.userId, 'a brand new password', { actor: 'system', source: 'system' });
    expect((await withPassword(carol.password)).status).toBe(401);
    expect((await withPassword('a brand new password')).status).toBe(207);
  });
});
