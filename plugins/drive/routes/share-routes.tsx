// /drive/s/<token>: what a share link opens, without an account for public links.
// Every answer for a link that does not work (unknown, revoked, expired, no access) is
// the same 404, so a token cannot be probed for its state. A password unlocks the link
// in that browser only (a cookie scoped to the link's path).
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { CairnEnv } from '../../../core/http/env.ts';
import { loginUrl } from '../../../core/http/require-user.ts';
import { isCairnError, NotFoundError } from '../../../core/errors.ts';
import { UNLOCK_COOKIE, unlockProof, UNLOCK_SECONDS, type LinkRow } from '../link/link-service.ts';
import type { NodeRow } from '../service/queries.ts';
import { serveFile } from '../webdav/get.ts';
import { attachment } from '../views/format.ts';
import { LinkGonePage, LinkPasswordPage, PublicLinkPage } from '../views/public-link-page.tsx';
import { uploadInput } from './upload-body.ts';
import { folderZip } from './folder-zip.ts';
import { errorText, uiMetadata, type DriveWebDeps } from './web-deps.ts';

/** Folder depth a link path may have: deeper than any real tree, shallow enough to bound the walk. */
const MAX_LINK_PATH_SEGMENTS = 64;

export function shareRoutes(deps: DriveWebDeps, secureCookies: () => boolean): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const links = () => deps.links();

  const pathOf = (c: Context<CairnEnv>): string[] => {
    const p = (c.req.query('path') ?? '').split('/').filter((s) => s.length > 0);
    if (p.length > MAX_LINK_PATH_SEGMENTS) throw new NotFoundError();
    return p;
  };
  const gone = (c: Context<CairnEnv>) => { c.status(404); return c.render(<LinkGonePage />, { title: 'Link not found' }); };

  /** The link and the item it opens, or the response that stands in the way (sign in, password, 404). */
  const open = async (c: Context<CairnEnv>): Promise<{ link: LinkRow; root: NodeRow; node: NodeRow; path: string[] } | Response> => {
    const token = c.req.param('token') ?? '';
    const opening = await links().open(token, c.var.user, getCookie(c, UNLOCK_COOKIE));
    if (opening.state === 'gone') return gone(c);
    if (opening.state === 'signin') return c.redirect(loginUrl(`/drive/s/${token}`), 302);
    if (opening.state === 'password') {
      c.status(401);
      return c.render(<LinkPasswordPage token={token} csrfToken={c.var.csrfToken} wrong={false} />, { title: 'Protected link' });
    }
    try {
      const path = pathOf(c);
      return { link: opening.link, root: opening.node, node: await links().within(opening.link, opening.node, path), path };
    } catch (e) {
      if (e instanceof NotFoundError) return gone(c);
      throw e;
    }
  };
  app.get('/:token', async (c) => {
    const o = await open(c);
    if (o instanceof Response) return o;
    const items = o.node.kind === 'folder' ? await deps.service().queries.children(o.link.drive_id, o.node.node_id) : [];
    const err = c.req.query('error');
    return c.render(<PublicLinkPage token={c.req.param('token')} csrfToken={c.var.csrfToken} root={o.root} path={o.path} node={o.node} items={items}
      canUpload={o.link.permission === 'upload' && o.node.kind === 'folder'} {...(err ? { flash: { kind: 'error' as const, text: errorText(err)! } } : {})} />, { title: o.root.name });
  });

  app.post('/:token/unlock', async (c) => {
    const token = c.req.param('token');
    const f = await c.req.parseBody();
    const link = await links().find(token);
    if (!link || link.password_hash === null) return c.redirect(`/drive/s/${token}`, 303); // the page says what the link is
    if (!(await links().unlock(link, typeof f.password === 'string' ? f.password : ''))) {
      c.status(401);
      return c.render(<LinkPasswordPage token={token} csrfToken={c.var.csrfToken} wrong />, { title: 'Protected link' });
    }
    setCookie(c, UNLOCK_COOKIE, unlockProof(link), { httpOnly: true, sameSite: 'Lax', secure: secureCookies(), path: `/drive/s/${token}`, maxAge: UNLOCK_SECONDS });
    return c.redirect(`/drive/s/${token}`, 303);
  });

  app.get('/:token/download', async (c) => {
    const o = await open(c);
    if (o instanceof Response) return o;
    if (o.node.kind !== 'file') return gone(c);
    return serveFile(deps.blobs(), o.node, c.req.raw.headers, false, { 'Content-Disposition': attachment(o.node.name), 'Cache-Control': 'private, no-cache' });
  });

  app.get('/:token/zip', async (c) => {
    const o = await open(c);
    if (o instanceof Response) return o;
    if (o.node.kind !== 'folder') return gone(c);
    return folderZip(deps.service(), deps.blobs(), o.link.drive_id, o.node);
  });

  app.post('/:token/upload', async (c) => {
    const o = await open(c);
    if (o instanceof Response) return c.json({ error: { code: 'link_closed', message: 'This link does not work.' } }, 404);
    try {
      links().requireUpload(o.link, o.node);
      // A drop box never overwrites: a second "report.pdf" becomes "report (2).pdf".
      const { node } = await deps.service().writeFile(o.link.drive_id, o.node.node_id, c.req.query('name') ?? '', { ...uploadInput(c), onConflict: 'keep-both' },
        uiMetadata(c, c.var.user?.id ?? `link:${o.link.link_id}`));
      return c.json({ name: node.name, size: Number(node.size) }, 201);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      const code = String((e.details as { code?: unknown } | undefined)?.code ?? e.code);
      return c.json({ error: { code, message: errorText(code) } }, e.status as 400);
    }
  });
  return app;
}
