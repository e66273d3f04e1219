// Implementation notes — core's DAV engine, mounted at /dav/.
// - Authentication is HTTP Basic on every request (RFC 7617, UTF-8), with the account
//   password or an app password, through AuthService (throttled per login and IP); a
//   verified account password is remembered briefly (credential-cache.ts says why).
//   No cookie ever authorizes a DAV request (session and CSRF middleware skip /dav/).
// - Paths are decoded once (paths.ts) and resolved to a target; backends never see
//   raw paths and never see another user's home (resolve-target.ts).
// - Errors are mapped here only: CairnError → status (+ DAV:error body for
//   preconditions), anything else → 500 logged with the request id, generic body.
// - Methods: OPTIONS, PROPFIND, PROPPATCH, MKCALENDAR, MKCOL, GET, HEAD, PUT, DELETE,
//   REPORT. COPY/MOVE/LOCK are not offered on calendars and address books.
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../http/env.ts';
import { clientIp } from '../http/client-ip.ts';
import { CairnError, ForbiddenError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { AuthenticatedUser } from '../identity/auth-service.ts';
import type { DavDeps, DavRequest } from './dav-request.ts';
import { DavPreconditionError } from './errors.ts';
import { renderError } from './multistatus.ts';
import { splitDavPath } from './paths.ts';
import { CredentialCache } from './credential-cache.ts';
import { resolveTarget } from './resolve-target.ts';
import type { DavContext } from './types.ts';
import { del } from './methods/delete.ts';
import { get } from './methods/get.ts';
import { mkcol } from './methods/mkcol.ts';
import { propfind } from './methods/propfind.ts';
import { proppatch } from './methods/proppatch.ts';
import { put } from './methods/put.ts';
import { report } from './methods/report.ts';
import { XML_TYPE } from './methods/responses.ts';

export const DAV_METHODS = ['OPTIONS', 'PROPFIND', 'PROPPATCH', 'MKCALENDAR', 'MKCOL', 'GET', 'HEAD', 'PUT', 'DELETE', 'REPORT'] as const;
/** Longest Authorization header read: a login (≤ 320) and a password (≤ 1024), base64. */
const MAX_AUTHORIZATION_LENGTH = 2048;
const REALM = 'Basic realm="Cairn", charset="UTF-8"';

export function createDavApp(deps: DavDeps): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const credentials = new CredentialCache(deps.auth);
  const trees = deps.trees ?? [];
  const davHeader = ['1', '3', 'extended-mkcol', 'access-control', ...new Set([...deps.backends, ...trees].flatMap((b) => b.davClasses))].join(', ');

  const handle = async (c: Context<CairnEnv>): Promise<Response> => {
    try {
      const segs = splitDavPath(new URL(c.req.url).pathname);
      if (!segs) throw new ValidationError('that is not a valid DAV path', { code: 'bad_path' });
      const user = await authenticate(c);
      // Guests (invited from outside) have chat, not calendars, address books or files.
      if (user.role === 'guest') throw new ForbiddenError('DAV is for members of the organization', 'guest_restricted');
      const ctx: DavContext = {
        user,
        requestId: c.var.requestId,
        metadata: () => ({ actor: user.id, source: 'dav', requestId: c.var.requestId, time: new Date().toISOString() }),
      };
      const method = c.req.method.toUpperCase();
      const tree = trees.find((t) => t.root === segs[0]);
      if (method === 'OPTIONS') {
        const allow = [...DAV_METHODS, ...(tree?.methods ?? [])].join(', ');
        return new Response(null, { status: 200, headers: { DAV: davHeader, Allow: allow, 'Content-Length': '0' } });
      }
      if (tree) {
        const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
        return await tree.handle({ raw: c.req.raw, ctx, segments: segs.slice(1), ...(incoming ? { incoming } : {}) });
      }
      const target = await resolveTarget(deps, ctx, segs);
      const req: DavRequest = { c, ctx, deps, target, href: new URL(c.req.url).pathname };
      switch (method) {
        case 'PROPFIND': return await propfind(req);
        case 'PROPPATCH': return await proppatch(req);
        case 'REPORT': return await report(req);
        case 'GET': return await get(req, false);
        case 'HEAD': return await get(req, true);
        case 'PUT': return await put(req);
        case 'DELETE': return await del(req);
        case 'MKCALENDAR': return await mkcol(req, 'MKCALENDAR');
        case 'MKCOL': return await mkcol(req, 'MKCOL');
        default:
          return new Response('method not allowed here\n', { status: 405, headers: { Allow: DAV_METHODS.join(', '), 'Content-Type': 'text/plain; charset=utf-8' } });
      }
    } catch (e) {
      return errorResponse(c, e);
    }
  };

  async function authenticate(c: Context<CairnEnv>): Promise<AuthenticatedUser> {
    const header = c.req.header('Authorization') ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header.slice(0, MAX_AUTHORIZATION_LENGTH + 1));
    if (!m || header.length > MAX_AUTHORIZATION_LENGTH) throw new UnauthorizedError('DAV needs HTTP Basic authentication', 'auth_required');
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new UnauthorizedError('malformed Basic credentials', 'auth_malformed');
    return credentials.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1), { ip: clientIp(c) });
  }

  function errorResponse(c: Context<CairnEnv>, e: unknown): Response {
    if (e instanceof DavPreconditionError) {
      return new Response(renderError(e.condition, e.extraXml), { status: e.status, headers: { 'Content-Type': XML_TYPE } });
    }
    if (e instanceof CairnError && e.kind !== 'server') {
      const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
      if (e instanceof UnauthorizedError) headers['WWW-Authenticate'] = REALM;
      if (e instanceof RateLimitedError) headers['Retry-After'] = String(e.retryAfterSeconds);
      return new Response(`${e.message}\n`, { status: e.status, headers });
    }
    deps.logger.error({ err: e, requestId: c.var.requestId, method: c.req.method, path: c.req.path }, 'DAV request failed');
    return new Response(`internal error (request ${c.var.requestId})\n`, { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }

  app.all('/', handle);
  app.all('/*', handle);
  return app;
}

/** RFC 6764 §5: /.well-known/caldav and /carddav point clients at the DAV root, where current-user-principal leads on. */
export function wellKnownDavApp(): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.all('*', (c) => c.redirect('/dav/', 301));
  return app;
}
