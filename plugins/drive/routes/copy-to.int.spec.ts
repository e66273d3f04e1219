// "Copy to…" another drive: the service (rights checked there), the browser route with its
// folder picker and flash messages, and WebDAV COPY into and out of Shared/ on a real port.
// Copies share the originals' blobs and charge the destination drive's quota.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../service/drive-service.ts';
import type { NodeRow } from '../service/queries.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let ann: TestUser;
let bob: TestUser;
let cat: TestUser;
let annS: SessionUser;
let bobS: SessionUser;
let catS: SessionUser;
let drive: DriveService;
let team: NodeRow;
let docs: NodeRow;
let reports: NodeRow;
const ORIGIN = 'http://example.test';
const sys = { actor: 'system', source: 'system' } as const;
const meta = (actor: string) => ({ actor, source: 'ui' as const, requestId: 'test', time: new Date().toISOString() });
const body = (text: string) => ({ source: Buffer.from(text), declaredLength: Buffer.byteLength(text) });
const dav = (u: TestUser, method: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/dav/files/${u.email}${path}`, { method, headers: { Authorization: `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`, ...headers } });
const dest = (u: TestUser, path: string) => ({ Destination: `${base}/dav/files/${u.email}${path}` });
const named = async (driveId: string, parentId: string, name: string) => drive.queries.child(driveId, parentId, name);
const text = async (n: NodeRow) => {
  const chunks: Buffer[] = [];
  for await (const c of await a.blobs.read(n.sha256!)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString();
};

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  [ann, bob, cat] = [await addTestUser(a, 'ann@example.test'), await addTestUser(a, 'bob@example.test'), await addTestUser(a, 'cat@example.test')];
  [annS, bobS, catS] = [(await a.auth.userById(ann.userId))!, (await a.auth.userById(bob.userId))!, (await a.auth.userById(cat.userId))!];
  drive = a.services.services.require<DriveService>('drive.service');
  await drive.personalDrive(annS, meta(ann.userId));
  await drive.personalDrive(bobS, meta(bob.userId));
  await drive.personalDrive(catS, meta(cat.userId));
  team = await drive.createFolder(ann.userId, '', 'Team', meta(ann.userId));
  docs = await drive.createFolder(ann.userId, '', 'Docs', meta(ann.userId));
  await drive.writeFile(ann.userId, docs.node_id, 'read-me.txt', body('read only'), meta(ann.userId));
  await a.identity.grant(`drive-folder:${team.node_id}`, { kind: 'user', id: bob.userId }, 'write', sys);
  await a.identity.grant(`drive-folder:${docs.node_id}`, { kind: 'user', id: bob.userId }, 'read', sys);
  reports = await drive.createFolder(bob.userId, '', 'Reports', meta(bob.userId));
  await drive.writeFile(bob.userId, reports.node_id, 'q1.txt', body('first quarter'), meta(bob.userId));
  const sub = await drive.createFolder(bob.userId, reports.node_id, 'Drafts', meta(bob.userId));
  await drive.writeFile(bob.userId, sub.node_id, 'q2.txt', body('second quarter'), meta(bob.userId));
});
afterAll(async () => { await a?.close(); });

describe('copyTo (the service)', () => {
  it('copies a folder recursively into a folder shared with write, sharing blobs and charging that drive', async () => {
    const before = { ann: (await drive.usage(ann.userId)).used, bob: (await drive.usage(bob.userId)).used };
    const position = (await a.log.readAll({ limit: 1_000_000 })).at(-1)!.position;
    const r = await drive.copyTo(bobS, { driveId: bob.userId, nodeId: reports.node_id }, { driveId: ann.userId, parentId: team.node_id }, { onConflict: 'keep-both', deep: true }, meta(bob.userId));
    expect(r).toMatchObject({ replaced: false, name: 'Reports' });
    const copy = (await drive.queries.node(ann.userId, r.nodeId))!;
    expect(copy).toMatchObject({ drive_id: ann.userId, parent_id: team.node_id, kind: 'folder' });
    const q1 = (await named(ann.userId, copy.node_id, 'q1.txt'))!;
    const q2 = (await named(ann.userId, (await named(ann.userId, copy.node_id, 'Drafts'))!.node_id, 'q2.txt'))!;
    expect(q1.sha256).toBe((await named(bob.userId, reports.node_id, 'q1.txt'))!.sha256);
    expect([await text(q1), await text(q2)]).toEqual(['first quarter', 'second quarter']);
    expect((await drive.usage(ann.userId)).used).toBe(before.ann + 'first quarter'.length + 'second quarter'.length);
    expect((await drive.usage(bob.userId)).used).toBe(before.bob);
    // One append: every event of the copy is in the same transaction, in the destination's streams.
    const events = await a.log.readAll({ after: position, limit: 1000 });
    expect(events.map((e) => e.stream.split(':')[1])).toEqual(Array(4).fill(ann.userId));
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => position + 1 + i));
    expect(new Set(events.map((e) => e.metadata.actor))).toEqual(new Set([bob.userId]));
    expect(new Set(events.map((e) => e.recordedAt)).size).toBe(1);
  });

  it('names a second copy "name (2)" like restore does', async () => {
    const r = await drive.copyTo(bobS, { driveId: bob.userId, nodeId: reports.node_id }, { driveId: ann.userId, parentId: team.node_id }, { onConflict: 'keep-both', deep: true }, meta(bob.userId));
    expect(r.name).toBe('Reports (2)');
  });

  it('copies out of a folder shared read-only into one\'s own drive', async () => {
    const readMe = (await named(ann.userId, docs.node_id, 'read-me.txt'))!;
    const r = await drive.copyTo(bobS, { driveId: ann.userId, nodeId: readMe.node_id }, { driveId: bob.userId, parentId: '' }, { onConflict: 'keep-both', deep: true }, meta(bob.userId));
    expect(await text((await drive.queries.node(bob.userId, r.nodeId))!)).toBe('read only');
  });

  it('refuses without the write right on the destination or the read right on the source', async () => {
    await expect(drive.copyTo(bobS, { driveId: bob.userId, nodeId: reports.node_id }, { driveId: ann.userId, parentId: docs.node_id }, { onConflict: 'keep-both', deep: true }, meta(bob.userId)))
      .rejects.toMatchObject({ status: 403, code: 'insufficient_right' });
    await expect(drive.copyTo(bobS, { driveId: bob.userId, nodeId: reports.node_id }, { driveId: ann.userId, parentId: '' }, { onConflict: 'keep-both', deep: true }, meta(bob.userId)))
      .rejects.toMatchObject({ status: 404 });
    await expect(drive.copyTo(catS, { driveId: ann.userId, nodeId: team.node_id }, { driveId: cat.userId, parentId: '' }, { onConflict: 'keep-both', deep: true }, meta(cat.userId)))
      .rejects.toMatchObject({ status: 404 });
  });

  it('checks the quota of the destination drive (507), not the source\'s', async () => {
    const annUsage = await drive.usage(ann.userId);
    await drive.setQuota(ann.userId, annUsage.used + 5, meta('system'));
    try {
      await expect(drive.copyTo(bobS, { driveId: bob.userId, nodeId: reports.node_id }, { driveId: ann.userId, parentId: team.node_id }, { onConflict: 'keep-both', deep: true }, meta(bob.userId)))
        .rejects.toMatchObject({ status: 507, code: 'destination_full' });
      expect((await drive.usage(ann.userId)).used).toBe(annUsage.used);
    } finally {
      await drive.setQuota(ann.userId, annUsage.quota, meta('system'));
    }
  });
});

describe('Copy to… in the browser', () => {
  let browser: TestClient;
  beforeAll(async () => {
    browser = new TestClient(a.app, ORIGIN);
    expect((await browser.login(bob.email, bob.password)).status).toBe(303);
  });

  it('lists the folders one may write, grouped by drive, and copies into the chosen one', async () => {
    expect(await browser.page(`/drive?folder=${reports.node_id}`)).toContain(`/drive/nodes/${(await named(bob.userId, reports.node_id, 'q1.txt'))!.node_id}/copy`);
    const html = await browser.page(`/drive/nodes/${reports.node_id}/copy`);
    expect(html).toContain('<optgroup label="My files">');
    expect(html).toMatch(/<optgroup label="Team · from [^"]+">/);
    expect(html).not.toContain('Docs');
    expect(html).not.toContain(`value="${bob.userId}:${reports.node_id}"`); // not into itself
    const res = await browser.post(`/drive/nodes/${reports.node_id}/copy`, { to: `${ann.userId}:${team.node_id}`, drive: '' });
    expect(res.headers.get('location')).toBe(`/drive?drive=${ann.userId}&folder=${team.node_id}&done=copied`);
    expect(await browser.page(res.headers.get('location')!)).toContain('Reports (3)');
  });

  it('says so when the destination is full or read-only', async () => {
    const annUsage = await drive.usage(ann.userId);
    await drive.setQuota(ann.userId, annUsage.used + 5, meta('system'));
    try {
      await browser.page(`/drive/nodes/${reports.node_id}/copy`);
      const full = await browser.post(`/drive/nodes/${reports.node_id}/copy`, { to: `${ann.userId}:${team.node_id}`, drive: '' });
      expect(full.headers.get('location')).toBe(`/drive/nodes/${reports.node_id}/copy?error=destination_full`);
      expect(await browser.page(full.headers.get('location')!)).toContain('There is not enough space left in the drive of the folder you chose');
    } finally {
      await drive.setQuota(ann.userId, annUsage.quota, meta('system'));
    }
    const ro = await browser.post(`/drive/nodes/${reports.node_id}/copy`, { to: `${ann.userId}:${docs.node_id}`, drive: '' });
    expect(ro.headers.get('location')).toBe(`/drive/nodes/${reports.node_id}/copy?error=insufficient_right`);
  });

  it('copies from a shared folder into one\'s own drive', async () => {
    const readMe = (await named(ann.userId, docs.node_id, 'read-me.txt'))!;
    expect(await browser.page(`/drive/nodes/${readMe.node_id}/copy?drive=${ann.userId}`)).toContain('Copy “read-me.txt”');
    const res = await browser.post(`/drive/nodes/${readMe.node_id}/copy`, { to: `${bob.userId}:${reports.node_id}`, drive: ann.userId });
    expect(res.headers.get('location')).toBe(`/drive?folder=${reports.node_id}&done=copied`);
    expect(await named(bob.userId, reports.node_id, 'read-me.txt')).toBeDefined();
    const stranger = new TestClient(a.app, ORIGIN);
    await stranger.login(cat.email, cat.password);
    expect((await stranger.get(`/drive/nodes/${readMe.node_id}/copy?drive=${ann.userId}`)).status).toBe(404);
  });
});

describe('COPY over WebDAV across drives', () => {
  it('copies from one\'s drive into Shared/<folder> and back, with Overwrite and the rights', async () => {
    expect((await dav(bob, 'COPY', '/Reports/q1.txt', dest(bob, '/Shared/Team/q1.txt'))).status).toBe(201);
    expect(await text((await named(ann.userId, team.node_id, 'q1.txt'))!)).toBe('first quarter');
    expect((await dav(bob, 'COPY', '/Reports/q1.txt', { ...dest(bob, '/Shared/Team/q1.txt'), Overwrite: 'F' })).status).toBe(412);
    expect((await dav(bob, 'COPY', '/Reports/Drafts/q2.txt', dest(bob, '/Shared/Team/q1.txt'))).status).toBe(204);
    expect(await (await dav(ann, 'GET', '/Team/q1.txt')).text()).toBe('second quarter');
    expect((await dav(bob, 'COPY', '/Reports/', dest(bob, '/Shared/Team/Reports-dav/'))).status).toBe(201);
    expect(await (await dav(ann, 'GET', '/Team/Reports-dav/Drafts/q2.txt')).text()).toBe('second quarter');
    expect((await dav(bob, 'COPY', '/Shared/Team/q1.txt', dest(bob, '/from-team.txt'))).status).toBe(201);
    expect(await (await dav(bob, 'GET', '/from-team.txt')).text()).toBe('second quarter');
    expect((await dav(bob, 'COPY', '/Reports/q1.txt', dest(bob, '/Shared/Docs/q1.txt'))).status).toBe(403);
    // Reading is enough on the source: out of a folder shared read-only, not within it.
    expect((await dav(bob, 'COPY', '/Shared/Docs/read-me.txt', dest(bob, '/from-docs.txt'))).status).toBe(201);
    expect(await (await dav(bob, 'GET', '/from-docs.txt')).text()).toBe('read only');
    expect((await dav(bob, 'COPY', '/Shared/Docs/read-me.txt', dest(bob, '/Shared/Docs/again.txt'))).status).toBe(403);
    expect((await dav(bob, 'DELETE', '/Shared/Docs/read-me.txt')).status).toBe(403);
    expect((await dav(bob, 'COPY', '/Reports/q1.txt', dest(bob, '/Shared/Nope/q1.txt'))).status).toBe(409);
    expect((await dav(bob, 'COPY', '/Reports/q1.txt', dest(bob, '/Shared/Team/missing/q1.txt'))).status).toBe(409);
    expect((await dav(bob, 'COPY', '/Reports/q1.txt', dest(ann, '/Team/q1.txt'))).status).toBe(403);
    // MOVE stays inside one drive.
    expect((await dav(bob, 'MOVE', '/from-team.txt', dest(bob, '/Shared/Team/moved.txt'))).status).toBe(403);
  });

  it('answers 507 when the destination drive is full', async () => {
    const annUsage = await drive.usage(ann.userId);
    await drive.setQuota(ann.userId, annUsage.used + 5, meta('system'));
    try {
      expect((await dav(bob, 'COPY', '/Reports/', dest(bob, '/Shared/Team/too-big/'))).status).toBe(507);
    } finally {
      await drive.setQuota(ann.userId, annUsage.quota, meta('system'));
    }
  });
});
