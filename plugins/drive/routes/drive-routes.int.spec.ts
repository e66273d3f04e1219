// The browser app and share links, driven in process with app.request (TestClient keeps
// cookies and CSRF tokens like a browser; a fresh TestClient is a second, signed-out browser).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { FilesApi } from '../files-api.ts';
import type { DriveService } from '../service/drive-service.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let aliceUser: TestUser;
let bobUser: TestUser;
let alice: TestClient;
let bob: TestClient;
let drive: DriveService;
const ORIGIN = 'http://example.test';

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  aliceUser = await addTestUser(a, 'alice@example.test');
  bobUser = await addTestUser(a, 'bob@example.test');
  alice = new TestClient(a.app, ORIGIN);
  bob = new TestClient(a.app, ORIGIN);
  expect((await alice.login(aliceUser.email, aliceUser.password)).status).toBe(303);
  expect((await bob.login(bobUser.email, bobUser.password)).status).toBe(303);
  drive = a.services.services.require<DriveService>('drive.service');
});
afterAll(() => a.close());

/** A browser upload: the file as the body, the token in the header, as drive.js sends it. */
async function upload(client: TestClient, path: string, body: string, opts: { csrf?: string } = {}) {
  const headers = { ...client.headers({}), 'X-CSRF-Token': opts.csrf ?? client.csrfToken, 'Content-Type': 'text/plain', Accept: 'application/json' };
  return client.app.request(new URL(path, ORIGIN).href, { method: 'POST', body, headers });
}
const ids = (html: string) => [...html.matchAll(/data-node-id="([^"]+)"/g)].map((m) => m[1]!);
const names = (html: string) => [...html.matchAll(/<td class="col-name">[\s\S]*?<a href="[^"]*">([^<]+)<\/a>/g)].map((m) => m[1]!);
const rootIdOf = async (name: string) => (await drive.queries.children(aliceUser.userId, '')).find((n) => n.name === name)!.node_id;

describe('drive pages', () => {
  it('sends signed-out visitors to the login page', async () => {
    const res = await new TestClient(a.app, ORIGIN).get('/drive');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdrive');
  });

  it('creates folders, uploads, lists, sorts, searches and downloads', async () => {
    expect(await alice.page('/drive')).toContain('This folder is empty');
    expect((await alice.post('/drive/folders', { parent: '', name: 'Projects' }, { noCsrf: true })).status).toBe(403);
    expect((await alice.post('/drive/folders', { parent: '', name: 'Projects' })).headers.get('location')).toBe('/drive?done=folder');
    expect((await alice.post('/drive/folders', { parent: '', name: 'Projects' })).headers.get('location')).toBe('/drive?error=name_taken');
    expect(await alice.page('/drive?error=name_taken')).toContain('An item with that name is already there.');
    expect(await alice.page('/drive?error=%3Cscript%3E')).not.toContain('<script>');
    const projects = await rootIdOf('Projects');
    const noToken = await upload(alice, `/drive/upload?parent=${projects}&name=x.txt`, 'x', { csrf: 'wrong' });
    expect(noToken.status).toBe(403);
    const up = await upload(alice, `/drive/upload?parent=${projects}&name=${encodeURIComponent('Plan é.txt')}`, 'the plan, long text');
    expect(up.status).toBe(201);
    expect(await upload(alice, `/drive/upload?parent=${projects}&name=b.txt`, 'b')).toHaveProperty('status', 201);
    expect(await upload(alice, `/drive/upload?parent=${projects}&name=${encodeURIComponent('a/b')}`, 'b')).toHaveProperty('status', 400);
    const html = await alice.page(`/drive?folder=${projects}`);
    expect(html).toMatch(/My files<\/a>\s*<span aria-hidden="true">›<\/span>\s*<a href="\/drive\?folder=[^"]+">Projects<\/a>/);
    expect(names(html)).toEqual(['b.txt', 'Plan é.txt']);
    expect(names(await alice.page(`/drive?folder=${projects}&sort=size&dir=desc`))).toEqual(['Plan é.txt', 'b.txt']);
    expect(await alice.page(`/drive?folder=${projects}&view=grid`)).toContain('class="drive-grid"');
    expect(await alice.page('/drive/search?q=plan')).toContain('Plan é.txt');
    expect(await alice.page('/drive/search?q=%25')).not.toContain('Plan é.txt');
    const id = ids(html)[1]!;
    const dl = await alice.get(`/drive/files/${id}/download`);
    expect(dl.status).toBe(200);
    expect(await dl.text()).toBe('the plan, long text');
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="Plan _.txt"; filename*=UTF-8''Plan%20%C3%A9.txt`);
    expect((await bob.get(`/drive/files/${id}/download`)).status).toBe(404);
    const view = await alice.get(`/drive/files/${id}/view`);
    expect(view.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(view.headers.get('content-security-policy')).toContain('sandbox');
    expect(await alice.page('/drive/recent')).toMatch(/Recent files[\s\S]*b.txt/);
    expect((await alice.post(`/drive/nodes/${id}/favorite`, { on: '1', back: projects })).headers.get('location')).toBe(`/drive?folder=${projects}&done=starred`);
    expect(await alice.page('/drive/favorites')).toContain('Plan é.txt');
    expect(await alice.page(`/drive?folder=${projects}`)).toMatch(/Plan é.txt<\/a>\s*<span class="drive-star"/);
    expect((await alice.post(`/drive/nodes/${id}/favorite`, { on: '0', back_to: 'favorites' })).headers.get('location')).toBe('/drive/favorites?done=unstarred');
    expect(await alice.page('/drive/favorites')).not.toContain('Plan é.txt');
    await bob.page('/drive');
    expect((await bob.post(`/drive/nodes/${id}/favorite`, { on: '1', back: '' })).headers.get('location')).toBe('/drive?error=not_found');
    expect((await alice.get('/drive/static/drive.js')).status).toBe(200);
    // The folder as a zip that unzip accepts, with the exact bytes.
    const zip = await alice.get(`/drive/nodes/${projects}/zip`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const dir = mkdtempSync(join(tmpdir(), 'drive-zip-'));
    try {
      writeFileSync(join(dir, 'p.zip'), Buffer.from(await zip.arrayBuffer()));
      execFileSync('unzip', ['-q', 'p.zip'], { cwd: dir });
      expect(readFileSync(join(dir, 'Projects', 'Plan é.txt'), 'utf8')).toBe('the plan, long text');
      expect(readFileSync(join(dir, 'Projects', 'b.txt'), 'utf8')).toBe('b');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renames, moves, trashes, restores from the trash and purges', async () => {
    await alice.page('/drive');
    await alice.post('/drive/folders', { parent: '', name: 'Archive' });
    await upload(alice, '/drive/upload?parent=&name=note.txt', 'n');
    const archive = await rootIdOf('Archive');
    const note = await rootIdOf('note.txt');
    expect((await alice.post(`/drive/nodes/${note}/rename`, { name: 'memo.txt', back: '' })).headers.get('location')).toBe('/drive?done=renamed');
    expect((await alice.post(`/drive/nodes/${note}/move`, { to: archive, back: '' })).headers.get('location')).toBe('/drive?done=moved');
    expect((await alice.post(`/drive/nodes/${archive}/move`, { to: archive, back: '' })).headers.get('location')).toBe('/drive?error=move_into_self');
    expect(names(await alice.page(`/drive?folder=${archive}`))).toEqual(['memo.txt']);
    await bob.page('/drive');
    expect((await bob.post(`/drive/nodes/${archive}/delete`, { back: '' })).headers.get('location')).toBe('/drive?error=not_found');
    expect((await alice.post(`/drive/nodes/${archive}/delete`, { back: '' })).headers.get('location')).toBe('/drive?done=trashed');
    expect(names(await alice.page('/drive'))).not.toContain('Archive');
    let trash = await alice.page('/drive/trash');
    expect(trash).toContain('Archive');
    expect((await alice.post(`/drive/trash/${archive}/restore`)).headers.get('location')).toBe('/drive/trash?done=restored');
    expect(names(await alice.page(`/drive?folder=${archive}`))).toEqual(['memo.txt']);
    await alice.post(`/drive/nodes/${archive}/delete`, { back: '' });
    expect((await alice.post(`/drive/trash/${archive}/purge`)).headers.get('location')).toBe('/drive/trash?done=purged');
    trash = await alice.page('/drive/trash');
    expect(trash).not.toContain('Archive');
    expect(await drive.queries.node(aliceUser.userId, note)).toBeUndefined();
  });

  it('purges trash older than the retention window, and only that', async () => {
    await alice.page('/drive');
    await alice.post('/drive/folders', { parent: '', name: 'Old stuff' });
    const old = await rootIdOf('Old stuff');
    await upload(alice, `/drive/upload?parent=${old}&name=inside.txt`, 'i');
    await upload(alice, '/drive/upload?parent=&name=recent.txt', 'r');
    const recent = await rootIdOf('recent.txt');
    await alice.post(`/drive/nodes/${old}/delete`, { back: '' });
    await alice.post(`/drive/nodes/${recent}/delete`, { back: '' });
    expect(await drive.purgeExpiredTrash(new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    const inTrash = async () => (await drive.queries.trash(aliceUser.userId)).map((n) => n.name);
    expect(await inTrash()).toEqual(expect.arrayContaining(['Old stuff', 'recent.txt']));
    expect(await drive.purgeExpiredTrash(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThanOrEqual(2);
    expect(await inTrash()).not.toContain('Old stuff');
    expect(await drive.queries.node(aliceUser.userId, old)).toBeUndefined();
  });

  it('lists versions, downloads an old one and restores it', async () => {
    await alice.page('/drive');
    await upload(alice, '/drive/upload?parent=&name=report.txt', 'first draft');
    await upload(alice, '/drive/upload?parent=&name=report.txt', 'second draft');
    const id = await rootIdOf('report.txt');
    const page = await alice.page(`/drive/files/${id}/versions`);
    expect([...page.matchAll(/data-version="(\d+)"/g)].map((m) => m[1])).toEqual(['2', '1']);
    expect(await (await alice.get(`/drive/files/${id}/download?version=1`)).text()).toBe('first draft');
    expect((await alice.post(`/drive/files/${id}/versions/1/restore`)).status).toBe(303);
    expect(await (await alice.get(`/drive/files/${id}/download`)).text()).toBe('first draft');
    expect([...(await alice.page(`/drive/files/${id}/versions`)).matchAll(/data-version="(\d+)"/g)]).toHaveLength(3);
  });

  it('restores a folder as it was, with a preview', async () => {
    await alice.page('/drive');
    await alice.post('/drive/folders', { parent: '', name: 'Garden' });
    const garden = await rootIdOf('Garden');
    await upload(alice, `/drive/upload?parent=${garden}&name=roses.txt`, 'red');
    await upload(alice, `/drive/upload?parent=${garden}&name=tulips.txt`, 'yellow');
    await new Promise((r) => setTimeout(r, 1100)); // the form's time has second precision
    const at = new Date().toISOString().slice(0, 19);
    await new Promise((r) => setTimeout(r, 1100));
    const roses = (await drive.queries.children(aliceUser.userId, garden)).find((n) => n.name === 'roses.txt')!.node_id;
    const tulips = (await drive.queries.children(aliceUser.userId, garden)).find((n) => n.name === 'tulips.txt')!.node_id;
    await upload(alice, `/drive/upload?parent=${garden}&name=roses.txt`, 'eaten by snails');
    await alice.post(`/drive/nodes/${tulips}/delete`, { back: garden });
    await upload(alice, `/drive/upload?parent=${garden}&name=weeds.txt`, 'oops');
    const preview = await alice.page(`/drive/restore?folder=${garden}&at=${encodeURIComponent(at)}`);
    expect(preview).toMatch(/bring back<\/span> <strong>tulips.txt<\/strong>/);
    expect(preview).toMatch(/put back the earlier version of<\/span> <strong>roses.txt<\/strong>/);
    expect(preview).toMatch(/move to the trash<\/span> <strong>weeds.txt<\/strong>/);
    expect((await alice.post('/drive/restore', { folder: garden, at: `${at}.000Z` })).headers.get('location')).toBe(`/drive?folder=${garden}&done=folder_restored`);
    expect(names(await alice.page(`/drive?folder=${garden}`))).toEqual(['roses.txt', 'tulips.txt']);
    expect(await (await alice.get(`/drive/files/${roses}/download`)).text()).toBe('red');
    expect(await alice.page('/drive/trash')).toContain('weeds.txt');
    const old = await alice.get(`/drive/restore?folder=${garden}&at=2020-01-01T00:00:00`);
    expect(old.status).toBe(400);
    expect(await old.text()).toContain('outside the 30-day retention window');
  });
});

describe('share links', () => {
  const tokenOf = (html: string) => /\/drive\/s\/([A-Za-z0-9_-]+)"/.exec(html)?.[1] ?? /value="http:\/\/example.test\/drive\/s\/([A-Za-z0-9_-]+)"/.exec(html)![1]!;
  const newLink = async (nodeId: string, form: Record<string, string>) => {
    expect((await alice.post(`/drive/nodes/${nodeId}/links`, form)).status).toBe(303);
    const html = await alice.page(`/drive/nodes/${nodeId}/share`);
    return [...html.matchAll(/value="http:\/\/example.test\/drive\/s\/([A-Za-z0-9_-]+)"/g)].map((m) => m[1]!)[0]!;
  };

  it('opens a public link without signing in, and stops when revoked', async () => {
    await alice.page('/drive');
    await upload(alice, '/drive/upload?parent=&name=public.txt', 'for everyone');
    const id = await rootIdOf('public.txt');
    const token = await newLink(id, { access: 'public', permission: 'download' });
    const visitor = new TestClient(a.app, ORIGIN);
    const page = await visitor.get(`/drive/s/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('public.txt');
    const dl = await visitor.get(`/drive/s/${token}/download`);
    expect(await dl.text()).toBe('for everyone');
    expect((await visitor.get(`/drive/s/${token}x/download`)).status).toBe(404);
    expect(await alice.page('/drive/links')).toContain(token);
    const linkId = /data-link-id="([^"]+)"/.exec(await alice.page(`/drive/nodes/${id}/share`))![1]!;
    expect((await bob.post(`/drive/links/${linkId}/revoke`)).headers.get('location')).toBe('/drive/links?error=not_found');
    expect((await alice.post(`/drive/links/${linkId}/revoke`)).headers.get('location')).toBe('/drive/links?done=revoked');
    expect((await visitor.get(`/drive/s/${token}`)).status).toBe(404);
    expect((await visitor.get(`/drive/s/${token}/download`)).status).toBe(404);
  });

  it('asks for the password, refuses a wrong one and remembers a right one', async () => {
    await alice.page('/drive');
    await upload(alice, '/drive/upload?parent=&name=secret.txt', 'with password');
    const token = await newLink(await rootIdOf('secret.txt'), { access: 'public', permission: 'download', password: 'open sesame' });
    const visitor = new TestClient(a.app, ORIGIN);
    const ask = await visitor.get(`/drive/s/${token}`);
    expect(ask.status).toBe(401);
    expect(await ask.text()).toContain('This link is protected');
    expect((await visitor.get(`/drive/s/${token}/download`)).status).toBe(401);
    const wrong = await visitor.post(`/drive/s/${token}/unlock`, { password: 'guess' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That password is not right.');
    expect((await visitor.post(`/drive/s/${token}/unlock`, { password: 'open sesame' })).status).toBe(303);
    expect(await (await visitor.get(`/drive/s/${token}/download`)).text()).toBe('with password');
    // Another browser has not given the password.
    expect((await new TestClient(a.app, ORIGIN).get(`/drive/s/${token}/download`)).status).toBe(401);
  });

  it('stops working after its expiry', async () => {
    await alice.page('/drive');
    await upload(alice, '/drive/upload?parent=&name=soon.txt', 'brief');
    const expires = new Date(Date.now() + 2000).toISOString().slice(0, 19);
    const token = await newLink(await rootIdOf('soon.txt'), { access: 'public', permission: 'download', expires });
    const visitor = new TestClient(a.app, ORIGIN);
    expect((await visitor.get(`/drive/s/${token}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await visitor.get(`/drive/s/${token}`);
    expect(late.status).toBe(404);
    expect(await late.text()).toContain('This link does not work');
    expect((await alice.post(`/drive/nodes/${await rootIdOf('soon.txt')}/links`, { access: 'public', permission: 'download', expires: '2020-01-01T00:00' })).headers.get('location')).toMatch(/error=bad_expiry/);
  });

  it('lets only signed-in people with access open a restricted link', async () => {
    await alice.page('/drive');
    await alice.post('/drive/folders', { parent: '', name: 'Team' });
    const team = await rootIdOf('Team');
    await upload(alice, `/drive/upload?parent=${team}&name=minutes.txt`, 'minutes');
    const token = await newLink(team, { access: 'restricted', permission: 'download' });
    const visitor = new TestClient(a.app, ORIGIN);
    const signin = await visitor.get(`/drive/s/${token}`);
    expect(signin.status).toBe(302);
    expect(signin.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/drive/s/${token}`)}`);
    expect((await bob.get(`/drive/s/${token}`)).status).toBe(404);
    await a.identity.grant(`drive-folder:${team}`, { kind: 'user', id: bobUser.userId }, 'read', { actor: 'system', source: 'system' });
    const page = await bob.get(`/drive/s/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('minutes.txt');
    expect(await (await bob.get(`/drive/s/${token}/download?path=minutes.txt`)).text()).toBe('minutes');
    expect((await bob.get(`/drive/s/${token}/download?path=..%2Freport.txt`)).status).toBe(404);
  });

  it('takes uploads into a drop box folder without overwriting, and only there', async () => {
    await alice.page('/drive');
    await alice.post('/drive/folders', { parent: '', name: 'Inbox' });
    const inbox = await rootIdOf('Inbox');
    const drop = await newLink(inbox, { access: 'public', permission: 'upload' });
    const readOnly = await newLink(inbox, { access: 'public', permission: 'download' });
    const visitor = new TestClient(a.app, ORIGIN);
    const page = await visitor.page(`/drive/s/${drop}`);
    expect(page).toContain('Upload files');
    expect((await upload(visitor, `/drive/s/${drop}/upload?name=cv.pdf`, 'v1')).status).toBe(201);
    expect((await upload(visitor, `/drive/s/${drop}/upload?name=cv.pdf`, 'v2')).status).toBe(201);
    expect((await upload(visitor, `/drive/s/${drop}/upload?name=cv.pdf`, 'v3', { csrf: 'nope' })).status).toBe(403);
    await visitor.page(`/drive/s/${readOnly}`);
    expect((await upload(visitor, `/drive/s/${readOnly}/upload?name=x.txt`, 'x')).status).toBe(403);
    expect((await drive.queries.children(aliceUser.userId, inbox)).map((n) => n.name)).toEqual(['cv (2).pdf', 'cv.pdf']);
  });
});

describe('sharing a folder with colleagues', () => {
  it('shows the folder under Shared with me, with the right it was given', async () => {
    const carolUser = await addTestUser(a, 'carol@example.test');
    const carol = new TestClient(a.app, ORIGIN);
    await carol.login(carolUser.email, carolUser.password);
    await alice.page('/drive');
    await alice.post('/drive/folders', { parent: '', name: 'Shared plans' });
    const plans = await rootIdOf('Shared plans');
    await upload(alice, `/drive/upload?parent=${plans}&name=budget.txt`, 'money');
    await alice.page(`/drive/nodes/${plans}/share`);
    expect((await alice.post(`/drive/nodes/${plans}/people`, { email: 'nobody@example.test', right: 'read' })).headers.get('location')).toMatch(/error=no_such_user/);
    expect((await alice.post(`/drive/nodes/${plans}/people`, { email: bobUser.email, right: 'write' })).headers.get('location')).toMatch(/done=shared/);
    expect((await alice.post(`/drive/nodes/${plans}/people`, { email: carolUser.email, right: 'read' })).headers.get('location')).toMatch(/done=shared/);
    expect(await alice.page(`/drive/nodes/${plans}/share`)).toMatch(/bob@example.test <span class="muted">· can edit/);

    const shared = await bob.page('/drive/shared');
    expect(shared).toContain('Shared plans');
    const href = `/drive?drive=${aliceUser.userId}&folder=${plans}`;
    const inside = await bob.page(href);
    expect(names(inside)).toEqual(['budget.txt']);
    expect(inside).toContain('Shared with me</a>');
    const up = await upload(bob, `/drive/upload?drive=${aliceUser.userId}&parent=${plans}&name=ideas.txt`, 'from bob');
    expect(up.status).toBe(201);
    expect((await drive.queries.children(aliceUser.userId, plans)).map((n) => n.name)).toEqual(['budget.txt', 'ideas.txt']);
    expect((await bob.post(`/drive/nodes/${plans}/delete`, { back: plans, drive: aliceUser.userId })).headers.get('location')).toMatch(/error=insufficient_right/);
    // Nothing outside the shared folder is reachable, whatever id is guessed.
    const report = await rootIdOf('report.txt');
    expect((await bob.get(`/drive/files/${report}/download?drive=${aliceUser.userId}`)).status).toBe(404);
    expect((await bob.get(`/drive?drive=${aliceUser.userId}`)).headers.get('location')).toBe('/drive/shared');
    // Search by name reaches into shared folders, and only into them.
    const found = await bob.page('/drive/search?q=budg');
    expect(found).toContain('In folders shared with you');
    expect(found).toMatch(/budget\.txt<\/a> <span class="muted small">in <a href="[^"]*">Shared plans<\/a>/);
    expect(await bob.page('/drive/search?q=report')).not.toContain('report.txt');

    await carol.page('/drive');
    expect(names(await carol.page(href))).toEqual(['budget.txt', 'ideas.txt']);
    expect((await upload(carol, `/drive/upload?drive=${aliceUser.userId}&parent=${plans}&name=x.txt`, 'x')).status).toBe(403);
    const budget = (await drive.queries.children(aliceUser.userId, plans))[0]!.node_id;
    expect(await (await carol.get(`/drive/files/${budget}/download?drive=${aliceUser.userId}`)).text()).toBe('money');

    await alice.page(`/drive/nodes/${plans}/share`);
    expect((await alice.post(`/drive/nodes/${plans}/people/remove`, { principal: `user:${carolUser.userId}` })).headers.get('location')).toMatch(/done=unshared/);
    expect((await carol.get(href)).headers.get('location')).toBe('/drive/shared');
    expect(await carol.page('/drive/shared')).not.toContain('Shared plans');
  });
});

describe('the files service for other plugins', () => {
  it('lists a folder and makes a link that works signed out', async () => {
    const files = a.services.services.require<FilesApi>('drive.files');
    await alice.page('/drive');
    await upload(alice, '/drive/upload?parent=&name=attach.txt', 'attached');
    const item = (await files.list(aliceUser.userId)).find((i) => i.name === 'attach.txt')!;
    expect(item).toMatchObject({ kind: 'file', size: 8, contentType: 'text/plain' });
    const { url } = await files.createShareLink(aliceUser.userId, item.id, { access: 'public' });
    expect(url).toMatch(/^http:\/\/example.test\/drive\/s\/[A-Za-z0-9_-]{32}$/);
    expect(await (await new TestClient(a.app, ORIGIN).get(`${new URL(url).pathname}/download`)).text()).toBe('attached');
    await expect(files.createShareLink(bobUser.userId, item.id, { access: 'public' })).rejects.toThrow(/no such file/);
  });
});
