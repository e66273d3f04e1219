import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DavPreconditionError, DavPreconditionFailed } from '../../../core/dav/errors.ts';
import type { DavCollection, DavCollectionBackend, DavContext } from '../../../core/dav/types.ts';
import { parseXml } from '../../../core/dav/xml.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';
import type { CalendarService } from '../calendar-service.ts';
import { NO_UID_CONFLICT, VALID_CALENDAR_DATA } from '../ical/parse-calendar-object.ts';
import { simpleEvent, vcalendar, vevent } from '../testing/ics-fixtures.ts';

const sys = { actor: 'system', source: 'system' } as const;
let a: TestAppliance & { close(): Promise<void> };
let dav: DavCollectionBackend;
let service: CalendarService;
let alice: SessionUser;
let bob: SessionUser;
let carol: SessionUser;

const ctx = (user: SessionUser): DavContext => ({ user, requestId: 'spec', metadata: () => ({ actor: user.id, source: 'dav', time: new Date().toISOString() }) });
const personal = async (user: SessionUser) => (await dav.getCollection(ctx(user), user, 'personal'))!;
const refresh = async (user: SessionUser, c: DavCollection) => (await dav.getCollection(ctx(user), user, c.slug))!;
const CAL = 'urn:ietf:params:xml:ns:caldav';

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar'] });
  alice = (await a.identity.addUser({ email: 'alice@example.test', password: 'alice password 123' }, sys)).user;
  bob = (await a.identity.addUser({ email: 'bob@example.test', password: 'bob password 1234' }, sys)).user;
  carol = (await a.identity.addUser({ email: 'carol@example.test', password: 'carol password 12' }, sys)).user;
  dav = a.plugins.find((p) => p.def.id === 'calendar')!.dav[0] as DavCollectionBackend;
  service = a.services.services.require<CalendarService>('calendar.service');
});
afterAll(() => a.close());

describe('CalDAV backend', () => {
  it('creates the Personal calendar once, on first listing, also under concurrent first requests', async () => {
    const lists = await Promise.all([dav.listCollections(ctx(alice), alice), dav.listCollections(ctx(alice), alice), dav.getCollection(ctx(alice), alice, 'personal')]);
    expect(lists[0].map((c) => c.slug)).toEqual(['personal']);
    expect(lists[1].map((c) => c.id)).toEqual(lists[0].map((c) => c.id));
    const again = await dav.listCollections(ctx(alice), alice);
    expect(again).toHaveLength(1);
    expect(again[0]!.props['{DAV:}displayname']).toBe('Personal');
    expect(again[0]!.props[`{${CAL}}supported-calendar-component-set`]).toEqual({ xml: '<cal:comp name="VEVENT"/><cal:comp name="VTODO"/>' });
    expect(again[0]!.right).toBe('owner');
  });

  it('stores an event, serves it with its ETag and refuses stale or conflicting writes (412)', async () => {
    const coll = await personal(alice);
    const put = await dav.putObject(ctx(alice), coll, 'e1.ics', simpleEvent('uid-1'), 'text/calendar', { ifNoneMatch: '*' });
    expect(put.created).toBe(true);
    expect(put.etag).toMatch(/^"\d+"$/);
    const [obj] = await dav.getObjects(ctx(alice), coll, ['e1.ics', 'missing.ics']);
    expect(obj!.etag).toBe(put.etag);
    expect(obj!.body).toBe(simpleEvent('uid-1'));
    await expect(dav.putObject(ctx(alice), coll, 'e1.ics', simpleEvent('uid-1', 'Again'), 'text/calendar', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(DavPreconditionFailed);
    await expect(dav.putObject(ctx(alice), coll, 'e1.ics', simpleEvent('uid-1', 'Stale'), undefined, { ifMatch: '"1"' })).rejects.toBeInstanceOf(DavPreconditionFailed);
    const updated = await dav.putObject(ctx(alice), coll, 'e1.ics', simpleEvent('uid-1', 'Renamed'), undefined, { ifMatch: put.etag });
    expect(updated.created).toBe(false);
    expect(updated.etag).not.toBe(put.etag);
    // The same body again changes nothing: same ETag.
    expect((await dav.putObject(ctx(alice), coll, 'e1.ics', simpleEvent('uid-1', 'Renamed'), undefined, {})).etag).toBe(updated.etag);
    await expect(dav.deleteObject(ctx(alice), coll, 'e1.ics', { ifMatch: put.etag })).rejects.toBeInstanceOf(DavPreconditionFailed);
    expect((await refresh(alice, coll)).position).toBeGreaterThan(coll.position);
  });

  it('refuses a second object with the same UID, naming the holder (no-uid-conflict)', async () => {
    const coll = await personal(alice);
    await dav.putObject(ctx(alice), coll, 'u-a.ics', simpleEvent('dup-uid'), undefined, {});
    const err = await dav.putObject(ctx(alice), coll, 'u-b.ics', simpleEvent('dup-uid'), undefined, {}).catch((e) => e);
    expect(err).toBeInstanceOf(DavPreconditionError);
    expect(err.condition).toBe(NO_UID_CONFLICT);
    expect(err.extraXml).toBe('<d:href>/dav/calendars/alice@example.test/personal/u-a.ics</d:href>');
    expect((await dav.getObjects(ctx(alice), coll, ['u-b.ics']))).toEqual([]);
  });

  it('never stores invalid iCalendar', async () => {
    const coll = await personal(alice);
    const before = await a.log.head();
    const err = await dav.putObject(ctx(alice), coll, 'bad.ics', 'BEGIN:VCALENDAR\r\nnonsense\r\n', undefined, {}).catch((e) => e);
    expect(err.condition).toBe(VALID_CALENDAR_DATA);
    expect(await a.log.head()).toBe(before);
    expect(await dav.getObjects(ctx(alice), coll, ['bad.ics'])).toEqual([]);
  });

  it('reports changes since a token, deletions as tombstones, and expires tokens from the future', async () => {
    const coll = await dav.getCollection(ctx(bob), bob, 'personal') as DavCollection;
    await dav.putObject(ctx(bob), coll, 'a.ics', simpleEvent('a'), undefined, {});
    await dav.putObject(ctx(bob), coll, 'b.ics', simpleEvent('b'), undefined, {});
    const token = (await refresh(bob, coll)).position;
    await dav.putObject(ctx(bob), coll, 'c.ics', simpleEvent('c'), undefined, {});
    await dav.putObject(ctx(bob), coll, 'a.ics', simpleEvent('a', 'changed'), undefined, {});
    await dav.deleteObject(ctx(bob), coll, 'b.ics', {});
    const now = await refresh(bob, coll);
    const changes = await dav.changesSince(ctx(bob), now, token);
    if (changes === 'expired') throw new Error('expired');
    expect(changes.changed.map((o) => o.name).sort()).toEqual(['a.ics', 'c.ics']);
    expect(changes.removed).toEqual(['b.ics']);
    expect(changes.position).toBe(now.position);
    expect((await dav.listObjects(ctx(bob), now)).map((o) => o.name).sort()).toEqual(['a.ics', 'c.ics']);
    const none = await dav.changesSince(ctx(bob), now, now.position);
    expect(none).toEqual({ changed: [], removed: [], position: now.position });
    expect(await dav.changesSince(ctx(bob), now, now.position + 1000)).toBe('expired');
    await expect(dav.deleteObject(ctx(bob), now, 'b.ics', {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it('makes calendars by MKCALENDAR with properties, patches all or nothing, and refuses a taken slug', async () => {
    const props = parseXml(`<D:prop xmlns:D="DAV:" xmlns:C="${CAL}" xmlns:A="http://apple.com/ns/ical/"><D:displayname>Tasks</D:displayname><A:calendar-color>#00FF00</A:calendar-color><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop>`).children;
    await dav.createCollection(ctx(alice), alice, 'tasks', { method: 'MKCALENDAR', resourceTypes: [`{${CAL}}calendar`], props });
    await expect(dav.createCollection(ctx(alice), alice, 'tasks', { method: 'MKCALENDAR', resourceTypes: [`{${CAL}}calendar`], props: [] })).rejects.toBeInstanceOf(ConflictError);
    const tasks = (await dav.getCollection(ctx(alice), alice, 'tasks'))!;
    expect(tasks.props['{DAV:}displayname']).toBe('Tasks');
    expect(tasks.props['{http://apple.com/ns/ical/}calendar-color']).toBe('#00FF00');
    await expect(dav.putObject(ctx(alice), tasks, 'x.ics', simpleEvent('x'), undefined, {})).rejects.toMatchObject({ condition: `{${CAL}}supported-calendar-component` });

    const set = parseXml(`<D:prop xmlns:D="DAV:" xmlns:X="urn:x"><D:displayname>To do</D:displayname><X:pinned>yes</X:pinned><D:getetag>"1"</D:getetag></D:prop>`).children;
    expect(await dav.patchCollection(ctx(alice), tasks, { set, remove: [] })).toEqual({ '{DAV:}displayname': 424, '{urn:x}pinned': 424, '{DAV:}getetag': 403 });
    expect((await refresh(alice, tasks)).props['{DAV:}displayname']).toBe('Tasks');
    expect(await dav.patchCollection(ctx(alice), tasks, { set: set.slice(0, 2), remove: [] })).toEqual({ '{DAV:}displayname': 200, '{urn:x}pinned': 200 });
    const after = await refresh(alice, tasks);
    expect(after.props['{DAV:}displayname']).toBe('To do');
    expect(after.props['{urn:x}pinned']).toEqual({ xml: 'yes' });
  });

  it('shows shared calendars to sharees with their right; a read-only sharee cannot write', async () => {
    const coll = await personal(alice);
    await service.share(alice, coll.id, { kind: 'user', id: bob.id }, 'read', { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    await service.share(alice, coll.id, { kind: 'org' }, 'write', { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    await service.unshare(alice, coll.id, { kind: 'org' }, { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    const slug = `shared-${coll.id}`;
    // Not listed until added to the list, but resolvable by its address.
    expect((await dav.listCollections(ctx(bob), bob)).map((c) => c.slug)).not.toContain(slug);
    const shared = (await dav.getCollection(ctx(bob), bob, slug))!;
    expect(shared.right).toBe('read');
    expect(shared.home).toBe('bob@example.test');
    await service.acceptShare(bob, coll.id, { actor: bob.id, source: 'ui', time: new Date().toISOString() });
    expect((await dav.listCollections(ctx(bob), bob)).map((c) => c.slug)).toContain(slug);
    expect((await dav.listObjects(ctx(bob), shared)).map((o) => o.name)).toContain('e1.ics');
    await expect(dav.putObject(ctx(bob), shared, 'evil.ics', simpleEvent('evil'), undefined, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(dav.deleteObject(ctx(bob), shared, 'e1.ics', {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(dav.patchCollection(ctx(bob), shared, { set: [parseXml('<D:displayname xmlns:D="DAV:">x</D:displayname>')], remove: [] })).rejects.toBeInstanceOf(ForbiddenError);
    // Carol has no grant: the address does not resolve at all.
    expect(await dav.getCollection(ctx(carol), carol, slug)).toBeUndefined();
    // Upgraded to write: bob may now add an event.
    await service.share(alice, coll.id, { kind: 'user', id: bob.id }, 'write', { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    const writable = (await dav.getCollection(ctx(bob), bob, slug))!;
    expect(writable.right).toBe('write');
    await dav.putObject(ctx(bob), writable, 'from-bob.ics', simpleEvent('from-bob'), undefined, {});
    expect((await dav.listObjects(ctx(alice), coll)).map((o) => o.name)).toContain('from-bob.ics');
    // Only the owner hands out "modify and share".
    await service.share(alice, coll.id, { kind: 'user', id: bob.id }, 'share', { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    await expect(service.share(bob, coll.id, { kind: 'user', id: carol.id }, 'share', { actor: bob.id, source: 'ui', time: new Date().toISOString() })).rejects.toBeInstanceOf(ForbiddenError);
    await service.share(bob, coll.id, { kind: 'user', id: carol.id }, 'read', { actor: bob.id, source: 'ui', time: new Date().toISOString() });
    expect((await dav.getCollection(ctx(carol), carol, slug))!.right).toBe('read');
    await service.unshare(alice, coll.id, { kind: 'user', id: carol.id }, { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    await service.share(alice, coll.id, { kind: 'user', id: bob.id }, 'write', { actor: alice.id, source: 'ui', time: new Date().toISOString() });
  });

  it('answers calendar-query with recurrence-aware time ranges and free-busy', async () => {
    const coll = (await dav.getCollection(ctx(carol), carol, 'personal'))!;
    await dav.putObject(ctx(carol), coll, 'daily.ics', vcalendar(vevent({ UID: 'daily', SUMMARY: 'Daily', DTSTART: '20260105T090000Z', DTEND: '20260105T100000Z', RRULE: 'FREQ=DAILY' })), undefined, {});
    await dav.putObject(ctx(carol), coll, 'once.ics', simpleEvent('once', 'Once', '20260301T120000Z', '20260301T130000Z'), undefined, {});
    const query = (start: string, end: string) => parseXml(`<C:calendar-query xmlns:D="DAV:" xmlns:C="${CAL}"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
    const query_ = dav.filterReports![`{${CAL}}calendar-query`]!;
    const run = async (...a: Parameters<typeof query_>) => (await query_(...a)).map((o) => (typeof o === 'string' ? o : o.name));
    expect((await run(ctx(carol), coll, query('20260301T000000Z', '20260302T000000Z'))).sort()).toEqual(['daily.ics', 'once.ics']);
    expect(await run(ctx(carol), coll, query('20260301T100000Z', '20260301T110000Z'))).toEqual([]);
    expect(await run(ctx(carol), coll, query('20250101T000000Z', '20250201T000000Z'))).toEqual([]);
    const fb = await dav.customReports![`{${CAL}}free-busy-query`]!(ctx(carol), coll, parseXml(`<C:free-busy-query xmlns:C="${CAL}"><C:time-range start="20260301T000000Z" end="20260302T000000Z"/></C:free-busy-query>`));
    expect(fb.body).toContain('FREEBUSY:20260301T090000Z/20260301T100000Z');
    expect(fb.body).toContain('FREEBUSY:20260301T120000Z/20260301T130000Z');
  });

  it('restores a calendar as it was, and brings back one deleted event', async () => {
    const coll = (await dav.getCollection(ctx(carol), carol, 'personal'))!;
    const meta = () => ({ actor: carol.id, source: 'ui' as const, time: new Date().toISOString() });
    const at = { position: await a.log.head() };
    await dav.deleteObject(ctx(carol), coll, 'once.ics', {});
    await dav.putObject(ctx(carol), coll, 'later.ics', simpleEvent('later'), undefined, {});
    const preview = await service.previewRestore(carol, coll.id, at, meta());
    expect(preview).toMatchObject({ calendar: 'unchanged', restored: ['Once'], deleted: ['Meeting'], edited: [] });
    expect((await dav.listObjects(ctx(carol), coll)).map((o) => o.name).sort()).toEqual(['daily.ics', 'later.ics']); // preview changed nothing
    await service.restore(carol, coll.id, at, meta());
    expect((await dav.listObjects(ctx(carol), coll)).map((o) => o.name).sort()).toEqual(['daily.ics', 'once.ics']);
    // Recently deleted: the restore's removal of later.ics can itself be undone one by one.
    const deleted = await service.recentlyDeleted(carol);
    const later = deleted.find((o) => o.name === 'later.ics')!;
    await service.undeleteObject(carol, coll.id, later.objectId, meta());
    expect((await dav.listObjects(ctx(carol), coll)).map((o) => o.name).sort()).toEqual(['daily.ics', 'later.ics', 'once.ics']);
    // Bob cannot restore carol's calendar.
    await expect(service.previewRestore(bob, coll.id, at, meta())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes a calendar (owner only) and a sharee deleting it only removes it from their list', async () => {
    const coll = (await dav.getCollection(ctx(alice), alice, 'tasks'))!;
    await service.share(alice, coll.id, { kind: 'user', id: bob.id }, 'write', { actor: alice.id, source: 'ui', time: new Date().toISOString() });
    await service.acceptShare(bob, coll.id, { actor: bob.id, source: 'ui', time: new Date().toISOString() });
    const shared = (await dav.getCollection(ctx(bob), bob, `shared-${coll.id}`))!;
    await dav.deleteCollection(ctx(bob), shared);
    expect((await dav.listCollections(ctx(bob), bob)).map((c) => c.slug)).not.toContain(`shared-${coll.id}`);
    expect(await dav.getCollection(ctx(alice), alice, 'tasks')).toBeDefined();
    await dav.deleteCollection(ctx(alice), coll);
    expect(await dav.getCollection(ctx(alice), alice, 'tasks')).toBeUndefined();
    expect(await dav.getCollection(ctx(bob), bob, `shared-${coll.id}`)).toBeUndefined();
  });
});
