// The drive in the browser, for signed-in users, on their own drive. Actions are plain
// forms that redirect back (so everything works without script); drive.js adds uploads
// with progress and drag and drop.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { isCairnError, NotFoundError, ValidationError, CairnError } from '../../../core/errors.ts';
import type { Principal, Right } from '../../../core/identity/auth-service.ts';
import { folderResource, sharedWithMe, type Access, type Scope } from '../service/access.ts';
import { searchShared } from '../service/search-shared.ts';
import { SharedPage } from '../views/shared-page.tsx';
import { restorePointFromForm } from '../../../core/restore/restore-point.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { serveFile } from '../webdav/get.ts';
import { DrivePage } from '../views/drive-page.tsx';
import { attachment, driveQuery, folderHref } from '../views/format.ts';
import { RestorePage } from '../views/restore-page.tsx';
import { LinksPage, SharePage, type LinkView } from '../views/share-page.tsx';
import { TrashPage } from '../views/trash-page.tsx';
import { VersionsPage } from '../views/versions-page.tsx';
import { uploadInput } from './upload-body.ts';
import { folderZip } from './folder-zip.ts';
import { copyDestinations, parseDestinationValue } from './copy-destinations.ts';
import { CopyPage } from '../views/copy-page.tsx';
import { DONE, errorText, linkUrl, uiMetadata, webScope, type DriveWebDeps } from './web-deps.ts';
import { serverUrl } from '../../../core/http/server-url.ts';

/** Search results shown at once. */
const SEARCH_LIMIT = 200;

type Form = Record<string, string | File | (string | File)[]>;
const field = (f: Form, k: string) => { const v = f[k]; return typeof v === 'string' ? v : ''; };
const codeOf = (e: unknown) => (isCairnError(e) ? String((e.details as { code?: unknown } | undefined)?.code ?? e.code) : undefined);

export function driveRoutes(deps: DriveWebDeps): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);
  const svc = () => deps.service();
  const myDrive = (c: Context<CairnEnv>) => svc().personalDrive(c.var.user!, uiMetadata(c));
  const flashOf = (c: Context<CairnEnv>) => {
    const done = DONE[c.req.query('done') ?? ''];
    if (done) return { kind: 'success' as const, text: done };
    const err = c.req.query('error');
    return err ? { kind: 'error' as const, text: errorText(err)! } : undefined;
  };
  /** Runs an action and redirects to `to` with a done or error code: known texts only ever reach the page. */
  const act = async (c: Context<CairnEnv>, to: string, done: keyof typeof DONE, fn: () => Promise<unknown>) => {
    const sep = to.includes('?') ? '&' : '?';
    try {
      await fn();
      return c.redirect(`${to}${sep}done=${done}`, 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return c.redirect(`${to}${sep}error=${encodeURIComponent(codeOf(e) ?? 'error')}`, 303);
    }
  };
  /** The viewer's own drive (no `drive` given), or a folder someone shared with them, with at least `need`. */
  const scope = (c: Context<CairnEnv>, driveParam: string | undefined, nodeId: string, need: Access): Promise<Scope> => webScope(deps, c, driveParam, nodeId, need);
  const node = async (c: Context<CairnEnv>, driveId: string): Promise<NodeRow> => {
    const n = await svc().queries.node(driveId, c.req.param('id') ?? '');
    if (!n || n.trashed_at !== null) throw new NotFoundError('no such file or folder');
    return n;
  };
  /** A folder's paths for pickers, limited to what the scope shows. */
  const foldersIn = async (s: Scope) => {
    const all = await svc().folderPaths(s.driveId);
    if (s.rootId === ROOT) return all;
    const root = all.find((f) => f.id === s.rootId);
    return root ? all.filter((f) => f.id === s.rootId || f.path.startsWith(`${root.path}/`)) : [];
  };

  app.get('/', async (c) => {
    const driveParam = c.req.query('drive') ?? '';
    const folderId = c.req.query('folder') ?? ROOT;
    const sort = (['name', 'size', 'modified'] as const).find((s) => s === c.req.query('sort')) ?? 'name';
    const dir = c.req.query('dir') === 'desc' ? 'desc' : 'asc';
    const view = c.req.query('view') === 'grid' ? 'grid' : 'list';
    let s: Scope;
    let crumbs: NodeRow[] = [];
    try {
      s = await scope(c, driveParam, folderId, 'read');
      crumbs = await svc().pathOf(s.driveId, folderId);
    } catch (e) {
      if (e instanceof NotFoundError) return c.redirect(driveParam ? '/drive/shared' : '/drive?error=parent_missing', 303);
      throw e;
    }
    if (crumbs.length > 0 && crumbs[crumbs.length - 1]!.kind !== 'folder') return c.redirect(folderHref(crumbs[crumbs.length - 1]!.parent_id, { drive: driveParam }), 303);
    if (s.rootId !== ROOT) crumbs = crumbs.slice(crumbs.findIndex((n) => n.node_id === s.rootId));
    const [items, folders, usage] = await Promise.all([
      svc().queries.children(s.driveId, folderId, sort, dir === 'desc'), foldersIn(s), svc().usage(s.driveId),
    ]);
    const favorites = await svc().favoriteIds(c.var.user!.id);
    const flash = flashOf(c);
    return c.render(<DrivePage csrfToken={c.var.csrfToken} folderId={folderId} crumbs={crumbs.map((n) => ({ id: n.node_id, name: n.name }))}
      items={items} folders={folders} usage={usage} sort={sort} dir={dir} view={view} drive={s.right === 'owner' ? '' : s.driveId} right={s.right} favorites={favorites}
      {...(flash ? { flash } : {})} />, { title: crumbs.length ? crumbs[crumbs.length - 1]!.name : 'Drive' });
  });

  app.get('/shared', async (c) => {
    const items = await Promise.all((await sharedWithMe(deps.auth(), svc().queries, c.var.user!)).map(async ({ node, right }) => {
      const owner = await deps.auth().userById((await svc().queries.drive(node.drive_id))!.owner_id);
      return { node, right, owner: owner?.displayName || owner?.email || '?' };
    }));
    return c.render(<SharedPage items={items} />, { title: 'Shared with me' });
  });

  app.get('/search', async (c) => {
    const drive = await myDrive(c);
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const items = q ? await svc().queries.searchByName(drive.drive_id, q, SEARCH_LIMIT) : [];
    const shared = q ? await searchShared(deps.auth(), svc().queries, c.var.user!, q, SEARCH_LIMIT) : [];
    return c.render(<DrivePage csrfToken={c.var.csrfToken} folderId="" crumbs={[]} items={items} folders={await svc().folderPaths(drive.drive_id)}
      usage={await svc().usage(drive.drive_id)} sort="name" dir="asc" view="list" search={q} shared={shared} favorites={await svc().favoriteIds(c.var.user!.id)} drive="" right="owner" />, { title: 'Search · Drive' });
  });

  app.get('/favorites', async (c) => {
    const drive = await myDrive(c);
    const items = await svc().favorites(c.var.user!.id);
    return c.render(<DrivePage csrfToken={c.var.csrfToken} folderId="" crumbs={[]} items={items.filter((n) => n.drive_id === drive.drive_id)} folders={await svc().folderPaths(drive.drive_id)}
      usage={await svc().usage(drive.drive_id)} sort="name" dir="asc" view="list" listTitle="Favorites" favorites={new Set(items.map((n) => n.node_id))} drive="" right="owner" />, { title: 'Favorites · Drive' });
  });
  app.post('/nodes/:id/favorite', async (c) => {
    const f = await c.req.parseBody();
    const back = field(f, 'back_to') === 'favorites' ? '/drive/favorites' : folderHref(field(f, 'back'), { drive: field(f, 'drive') });
    return act(c, back, field(f, 'on') === '1' ? 'starred' : 'unstarred', async () => {
      const s = await scope(c, field(f, 'drive'), c.req.param('id'), 'read');
      await node(c, s.driveId);
      await svc().setFavorite(c.var.user!.id, s.driveId, c.req.param('id'), field(f, 'on') === '1', uiMetadata(c));
    });
  });

  app.get('/recent', async (c) => {
    const drive = await myDrive(c);
    const items = await svc().queries.recent(drive.drive_id, SEARCH_LIMIT);
    return c.render(<DrivePage csrfToken={c.var.csrfToken} folderId="" crumbs={[]} items={items} folders={await svc().folderPaths(drive.drive_id)}
      usage={await svc().usage(drive.drive_id)} sort="modified" dir="desc" view="list" listTitle="Recent files" favorites={await svc().favoriteIds(c.var.user!.id)} drive="" right="owner" />, { title: 'Recent · Drive' });
  });

  app.post('/folders', async (c) => {
    const f = await c.req.parseBody();
    const parent = field(f, 'parent');
    const driveParam = field(f, 'drive');
    return act(c, folderHref(parent, { drive: driveParam }), 'folder', async () => {
      const s = await scope(c, driveParam, parent, 'write');
      await svc().createFolder(s.driveId, parent, field(f, 'name'), uiMetadata(c));
    });
  });

  app.post('/upload', async (c) => {
    try {
      const parent = c.req.query('parent') ?? ROOT;
      const s = await scope(c, c.req.query('drive'), parent, 'write');
      const { node, created } = await svc().writeFile(s.driveId, parent, c.req.query('name') ?? '', uploadInput(c), uiMetadata(c));
      return c.json({ id: node.node_id, name: node.name, size: Number(node.size), created }, created ? 201 : 200);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return c.json({ error: { code: codeOf(e), message: errorText(codeOf(e)) } }, e.status as 400);
    }
  });

  app.get('/files/:id/download', async (c) => {
    const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'read');
    const n = await node(c, s.driveId);
    if (n.kind !== 'file') throw new NotFoundError('folders are downloaded over WebDAV or one file at a time');
    const version = c.req.query('version');
    let served = n;
    if (version !== undefined) {
      const v = (await svc().queries.versions(n.node_id)).find((r) => String(r.version) === version);
      if (!v) throw new NotFoundError('no such version');
      served = { ...n, sha256: v.sha256, size: v.size, content_type: v.content_type, modified: v.time, etag: v.position };
    }
    return serveFile(deps.blobs(), served, c.req.raw.headers, false, { 'Content-Disposition': attachment(n.name), 'Cache-Control': 'private, no-cache' });
  });

  // Opens a file in the browser (images, PDF, text, video): served inline under the
  // sandboxing CSP of every download, so a hostile HTML or SVG file cannot run here.
  app.get('/files/:id/view', async (c) => {
    const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'read');
    const n = await node(c, s.driveId);
    if (n.kind !== 'file') throw new NotFoundError('only files are opened');
    return serveFile(deps.blobs(), n, c.req.raw.headers, false, { 'Content-Disposition': attachment(n.name, true), 'Cache-Control': 'private, no-cache' });
  });

  app.get('/nodes/:id/zip', async (c) => {
    const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'read');
    const n = await node(c, s.driveId);
    if (n.kind !== 'folder') throw new NotFoundError('only folders are zipped');
    return folderZip(svc(), deps.blobs(), s.driveId, n);
  });

  app.get('/files/:id/versions', async (c) => {
    const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'read');
    const n = await node(c, s.driveId);
    const flash = flashOf(c);
    return c.render(<VersionsPage node={n} versions={await svc().queries.versions(n.node_id)} csrfToken={c.var.csrfToken} {...(flash ? { flash } : {})} />, { title: `Versions of ${n.name}` });
  });
  app.post('/files/:id/versions/:v/restore', (c) =>
    act(c, `/drive/files/${encodeURIComponent(c.req.param('id'))}/versions${driveQuery(c.req.query('drive') ?? '')}`, 'version', async () => {
      const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'write');
      await svc().restoreVersion(s.driveId, c.req.param('id'), Number(c.req.param('v')), uiMetadata(c));
    }));

  app.post('/nodes/:id/rename', async (c) => {
    const f = await c.req.parseBody();
    return act(c, folderHref(field(f, 'back'), { drive: field(f, 'drive') }), 'renamed', async () => {
      const s = await scope(c, field(f, 'drive'), c.req.param('id'), 'write');
      const n = await node(c, s.driveId);
      if (n.node_id === s.rootId) throw new CairnError('insufficient_right', 'the shared folder itself is its owner\'s to rename', { status: 403 });
      await svc().move(s.driveId, n.node_id, n.parent_id, field(f, 'name').trim(), { overwrite: false }, uiMetadata(c));
    });
  });
  app.post('/nodes/:id/move', async (c) => {
    const f = await c.req.parseBody();
    return act(c, folderHref(field(f, 'back'), { drive: field(f, 'drive') }), 'moved', async () => {
      const s = await scope(c, field(f, 'drive'), c.req.param('id'), 'write');
      const n = await node(c, s.driveId);
      if (n.node_id === s.rootId) throw new CairnError('insufficient_right', 'the shared folder itself is its owner\'s to move', { status: 403 });
      await scope(c, field(f, 'drive'), field(f, 'to'), 'write'); // the destination must be reachable too
      await svc().move(s.driveId, n.node_id, field(f, 'to'), n.name, { overwrite: false }, uiMetadata(c));
    });
  });
  // "Copy to…" another folder, of this drive or another one the viewer may write (their own,
  // or a folder shared with them). Copies are by reference to the same blobs; the service
  // checks read on the source and write on the destination.
  app.get('/nodes/:id/copy', async (c) => {
    const driveParam = c.req.query('drive') ?? '';
    const s = await scope(c, driveParam, c.req.param('id'), 'read');
    const n = await node(c, s.driveId);
    const groups = await copyDestinations(svc(), deps.auth(), c.var.user!, (await myDrive(c)).drive_id, n);
    const flash = flashOf(c);
    return c.render(<CopyPage csrfToken={c.var.csrfToken} node={n} drive={s.right === 'owner' ? '' : s.driveId} groups={groups} {...(flash ? { flash } : {})} />, { title: `Copy ${n.name}` });
  });
  app.post('/nodes/:id/copy', async (c) => {
    const f = await c.req.parseBody();
    const driveParam = field(f, 'drive');
    const to = parseDestinationValue(field(f, 'to'));
    const own = (await myDrive(c)).drive_id;
    const here = `/drive/nodes/${encodeURIComponent(c.req.param('id'))}/copy${driveQuery(driveParam)}`;
    // Success lands in the destination folder, where the copy is; a refusal stays on the picker.
    const there = to ? folderHref(to.parentId, { drive: to.driveId === own ? '' : to.driveId }) : here;
    const sep = there.includes('?') ? '&' : '?';
    try {
      if (!to) throw new ValidationError('choose a folder to copy to', { code: 'parent_missing' });
      const s = await scope(c, driveParam, c.req.param('id'), 'read');
      await svc().copyTo(c.var.user!, { driveId: s.driveId, nodeId: c.req.param('id') }, to, { onConflict: 'keep-both', deep: true }, uiMetadata(c));
      return c.redirect(`${there}${sep}done=copied`, 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return c.redirect(`${here}${here.includes('?') ? '&' : '?'}error=${encodeURIComponent(codeOf(e) ?? 'error')}`, 303);
    }
  });
  app.post('/nodes/:id/delete', async (c) => {
    const f = await c.req.parseBody();
    return act(c, folderHref(field(f, 'back'), { drive: field(f, 'drive') }), 'trashed', async () => {
      const s = await scope(c, field(f, 'drive'), c.req.param('id'), 'write');
      if (c.req.param('id') === s.rootId) throw new CairnError('insufficient_right', 'the shared folder itself is its owner\'s to delete', { status: 403 });
      await svc().trash(s.driveId, c.req.param('id'), uiMetadata(c));
    });
  });

  const linkViews = async (c: Context<CairnEnv>, driveId: string, nodeId?: string): Promise<LinkView[]> => {
    const rows = await deps.links().list(driveId, nodeId);
    return Promise.all(rows.map(async (link) => ({ link, url: linkUrl(serverUrl(c, deps.publicUrl()), link.token), itemName: (await svc().queries.node(driveId, link.node_id))?.name ?? '?' })));
  };
  const peopleOf = async (nodeId: string) => {
    const out: { key: string; label: string; right: 'read' | 'write' | 'share'; presence?: string }[] = [];
    const grants = await deps.auth().grantsOn(folderResource(nodeId));
    const userIds = grants.flatMap((g) => (g.principal.kind === 'user' ? [g.principal.id] : []));
    const status = userIds.length > 0 ? await deps.presence?.()?.statusOf(userIds).catch(() => undefined) : undefined;
    for (const g of grants) {
      const label = g.principal.kind === 'user' ? ((await deps.auth().userById(g.principal.id))?.email ?? '?') : g.principal.kind === 'group' ? `group ${g.principal.id}` : 'everyone in the organization';
      const presence = g.principal.kind === 'user' ? status?.get(g.principal.id)?.presence : undefined;
      out.push({ key: g.principal.kind === 'org' ? 'org' : `${g.principal.kind}:${g.principal.id}`, label, right: g.right, ...(presence ? { presence } : {}) });
    }
    return out;
  };
  app.get('/nodes/:id/share', async (c) => {
    const driveParam = c.req.query('drive') ?? '';
    const s = await scope(c, driveParam, c.req.param('id'), 'share');
    const n = await node(c, s.driveId);
    const flash = flashOf(c);
    return c.render(<SharePage node={n} links={await linkViews(c, s.driveId, n.node_id)} csrfToken={c.var.csrfToken} drive={driveParam}
      people={n.kind === 'folder' ? await peopleOf(n.node_id) : []} {...(flash ? { flash } : {})} />, { title: `Share ${n.name}` });
  });
  const sharePage = (c: Context<CairnEnv>) => `/drive/nodes/${encodeURIComponent(c.req.param('id') ?? '')}/share${driveQuery(c.req.query('drive') ?? '')}`;
  app.post('/nodes/:id/links', async (c) => {
    const f = await c.req.parseBody();
    return act(c, sharePage(c), 'link', async () => {
      const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'share');
      const expires = field(f, 'expires');
      const password = field(f, 'password');
      await deps.links().create(s.driveId, c.req.param('id'), {
        access: field(f, 'access') === 'restricted' ? 'restricted' : 'public',
        permission: field(f, 'permission') === 'upload' ? 'upload' : 'download',
        ...(password ? { password } : {}),
        ...(expires ? { expiresAt: new Date(restorePointFromForm(undefined, expires).iso) } : {}),
      }, uiMetadata(c));
    });
  });
  app.post('/nodes/:id/people', async (c) => {
    const f = await c.req.parseBody();
    return act(c, sharePage(c), 'shared', async () => {
      const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'share');
      const n = await node(c, s.driveId);
      if (n.kind !== 'folder') throw new ValidationError('share folders with people, files with links', { code: 'not_a_folder' });
      const who = await deps.auth().userByEmail(field(f, 'email').trim().toLowerCase());
      if (!who) throw new ValidationError('no such user', { code: 'no_such_user' });
      if (who.id === c.var.user!.id) throw new ValidationError('that is you', { code: 'share_self' });
      const right = (['read', 'write', 'share'] as const).find((r) => r === field(f, 'right')) ?? 'read';
      await deps.identity().grant(folderResource(n.node_id), { kind: 'user', id: who.id }, right as Right, { actor: c.var.user!.id, source: 'ui' });
    });
  });
  app.post('/nodes/:id/people/remove', async (c) => {
    const f = await c.req.parseBody();
    return act(c, sharePage(c), 'unshared', async () => {
      const s = await scope(c, c.req.query('drive'), c.req.param('id'), 'share');
      const n = await node(c, s.driveId);
      const key = field(f, 'principal');
      const principal: Principal | undefined = key === 'org' ? { kind: 'org' }
        : key.startsWith('user:') ? { kind: 'user', id: key.slice(5) } : key.startsWith('group:') ? { kind: 'group', id: key.slice(6) } : undefined;
      if (!principal) throw new ValidationError('no such person', { code: 'not_found' });
      await deps.identity().revokeGrant(folderResource(n.node_id), principal, { actor: c.var.user!.id, source: 'ui' });
    });
  });
  app.get('/links', async (c) => {
    const drive = await myDrive(c);
    const flash = flashOf(c);
    return c.render(<LinksPage links={await linkViews(c, drive.drive_id)} csrfToken={c.var.csrfToken} {...(flash ? { flash } : {})} />, { title: 'Share links' });
  });
  app.post('/links/:id/revoke', (c) => act(c, '/drive/links', 'revoked', async () => deps.links().revoke((await myDrive(c)).drive_id, c.req.param('id'), uiMetadata(c))));

  app.get('/trash', async (c) => {
    const drive = await myDrive(c);
    const flash = flashOf(c);
    return c.render(<TrashPage items={await svc().queries.trash(drive.drive_id)} csrfToken={c.var.csrfToken} {...(flash ? { flash } : {})} />, { title: 'Trash' });
  });
  app.post('/trash/empty', (c) => act(c, '/drive/trash', 'emptied', async () => svc().emptyTrash((await myDrive(c)).drive_id, uiMetadata(c))));
  app.post('/trash/:id/restore', (c) => act(c, '/drive/trash', 'restored', async () => svc().untrash((await myDrive(c)).drive_id, c.req.param('id'), uiMetadata(c))));
  app.post('/trash/:id/purge', (c) => act(c, '/drive/trash', 'purged', async () => svc().purge((await myDrive(c)).drive_id, c.req.param('id'), uiMetadata(c))));

  app.get('/restore', async (c) => {
    const drive = await myDrive(c);
    const folderId = c.req.query('folder') ?? ROOT;
    const folders = await svc().folderPaths(drive.drive_id);
    const folderName = folderId === ROOT ? 'My files' : folders.find((f) => f.id === folderId)?.path ?? '?';
    const base = { csrfToken: c.var.csrfToken, folderId, folderName, folders };
    if (!c.req.query('preset') && !c.req.query('at')) {
      const flash = flashOf(c);
      return c.render(<RestorePage {...base} {...(flash ? { flash } : {})} />, { title: 'Restore a folder' });
    }
    try {
      const { point, iso } = restorePointFromForm(c.req.query('preset'), c.req.query('at') || undefined);
      const summary = await svc().previewFolderRestore(drive.drive_id, folderId, point, uiMetadata(c));
      const choice = { preset: c.req.query('preset') ?? '', at: c.req.query('at') ? iso.slice(0, 19) : '' };
      return c.render(<RestorePage {...base} choice={choice} preview={{ at: iso, label: `${iso.replace('T', ' ').slice(0, 19)} UTC`, summary }} />, { title: 'Restore a folder' });
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      c.status(400);
      return c.render(<RestorePage {...base} flash={{ kind: 'error', text: e.message }} />, { title: 'Restore a folder' });
    }
  });
  app.post('/restore', async (c) => {
    const f = await c.req.parseBody();
    const folderId = field(f, 'folder');
    return act(c, folderHref(folderId), 'folder_restored', async () => svc().restoreFolder((await myDrive(c)).drive_id, folderId, restorePointFromForm(undefined, field(f, 'at')).point, uiMetadata(c)));
  });
  return app;
}
