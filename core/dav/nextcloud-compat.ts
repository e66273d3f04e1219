// The Nextcloud endpoints its sync clients (desktop, nextcloudcmd, Android, iOS) need
// before and around WebDAV, so they can sync a Cairn drive with no special setting:
//   GET  /status.php                         "is this a Nextcloud?" (anonymous)
//   GET  /ocs/v{1,2}.php/cloud/capabilities  what the server does (chunking v2)
//   GET  /ocs/v{1,2}.php/cloud/user          who the Basic credentials are (the DAV user id)
//   *    /remote.php/dav/…                   Cairn's /dav/… (files, uploads, calendars, …)
//   *    /remote.php/webdav/…                the old single-user root: /dav/files/<login>/…
//
// Implementation notes
// - The DAV requests are handed to the same DAV app as /dav/ (same authentication,
//   same limits, same code path): only the URL and the Destination header are mapped
//   on the way in, and the hrefs of a multistatus body (and a Location header) on the
//   way out, because clients match the hrefs they get against the paths they asked for.
// - Bodies other than XML multistatus (file downloads) pass through untouched and
//   streamed; uploads keep Node's request stream (c.env), so PUT stays zero-copy.
// - The user id Nextcloud clients put in /remote.php/dav/files/<id>/ is the login (the
//   email), which is what Cairn's DAV paths use.
// - Only what clients need is answered; anything else under /ocs/ is 404 in OCS form,
//   which clients treat as "feature not available".
import type { Hono } from 'hono';
import { Hono as HonoApp, type Context } from 'hono';
import type { CairnEnv } from '../http/env.ts';
import { clientIp } from '../http/client-ip.ts';
import { CairnError, UnauthorizedError } from '../errors.ts';
import type { AuthService } from '../identity/auth-service.ts';
import { CredentialCache } from './credential-cache.ts';
import { encodeSegment } from './multistatus.ts';
import { DAV_PREFIX } from './paths.ts';

/** The Nextcloud release whose client protocol this follows (clients refuse very old servers). */
export const NEXTCLOUD_COMPAT_VERSION = [27, 1, 0, 0] as const;
/** Multistatus bodies larger than this are passed through without href mapping (never hit by a folder listing within the DAV limits). */
const MAX_REWRITE_BYTES = 256 * 1024 * 1024;
const MAX_AUTHORIZATION_LENGTH = 2048;
const REMOTE_DAV = '/remote.php/dav';
const REMOTE_WEBDAV = '/remote.php/webdav';

export interface NextcloudCompatDeps {
  auth: AuthService;
  /** The DAV app (the one mounted at /dav); requests are forwarded to it with /dav/… paths. */
  dav: Hono<CairnEnv>;
  productName?: string;
}

/** Login named by a Basic header, unverified (the DAV app verifies it): for the /remote.php/webdav/ mapping only. */
function basicLogin(header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec((header ?? '').slice(0, MAX_AUTHORIZATION_LENGTH + 1));
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function ocs(c: Context<CairnEnv>, version: 1 | 2, status: number, data: unknown, message = 'OK'): Response {
  const statuscode = status === 200 ? (version === 1 ? 100 : 200) : status;
  const body = { ocs: { meta: { status: status === 200 ? 'ok' : 'failure', statuscode, message }, data } };
  // v1 answers errors with HTTP 200 and the code in the body; v2 with the HTTP status.
  return c.json(body, (version === 2 ? status : 200) as 200);
}

export function nextcloudCompatApp(deps: NextcloudCompatDeps): Hono<CairnEnv> {
  const app = new HonoApp<CairnEnv>();
  const credentials = new CredentialCache(deps.auth);
  // The DAV app behind /dav/, reached by fetch: the outer request's id comes along in env.
  const dav = new HonoApp<CairnEnv>();
  dav.use('*', async (c, next) => {
    c.set('requestId', (c.env as { cairnRequestId?: string }).cairnRequestId ?? '');
    await next();
  });
  dav.route(DAV_PREFIX, deps.dav);
  const [major, minor, micro] = NEXTCLOUD_COMPAT_VERSION;
  const versionString = `${major}.${minor}.${micro}`;

  app.get('/status.php', (c) => c.json({
    installed: true, maintenance: false, needsDbUpgrade: false,
    version: NEXTCLOUD_COMPAT_VERSION.join('.'), versionstring: versionString, edition: '',
    productname: deps.productName ?? 'Cairn', extendedSupport: false,
  }));

  for (const version of [1, 2] as const) {
    const base = `/ocs/v${version}.php`;
    app.get(`${base}/cloud/capabilities`, (c) => ocs(c, version, 200, {
      version: { major, minor, micro, string: versionString, edition: '', extendedSupport: false },
      capabilities: {
        core: { pollinterval: 60, 'webdav-root': 'remote.php/webdav' },
        // "1.0": chunked uploads under uploads/ (the desktop clients' zero-padded offsets;
        // /dav/uploads/ also takes chunking v2's 1…10,000 numbering). No bulk upload.
        dav: { chunking: '1.0', bulkupload: '' },
        files: { bigfilechunking: true, undelete: true, versioning: true },
      },
    }));
    app.get(`${base}/cloud/user`, async (c) => {
      try {
        const header = c.req.header('Authorization') ?? '';
        const login = basicLogin(header);
        if (!login) throw new UnauthorizedError('HTTP Basic authentication is needed', 'auth_required');
        const decoded = Buffer.from(header.replace(/^Basic\s+/i, '').trim(), 'base64').toString('utf8');
        const user = await credentials.authenticate(login, decoded.slice(login.length + 1), { ip: clientIp(c) });
        return ocs(c, version, 200, {
          id: user.email, 'display-name': user.displayName || user.email, displayname: user.displayName || user.email, email: user.email,
          enabled: true, quota: { free: -3, used: 0, total: -3, relative: 0, quota: -3 },
        });
      } catch (e) {
        if (e instanceof CairnError && e.kind !== 'server') {
          c.header('WWW-Authenticate', 'Basic realm="Cairn", charset="UTF-8"');
          return c.json({ ocs: { meta: { status: 'failure', statuscode: 997, message: e.message }, data: [] } }, 401);
        }
        throw e;
      }
    });
    app.all(`${base}/*`, (c) => ocs(c, version, 404, [], 'not available on this server'));
  }

  const forward = async (c: Context<CairnEnv>, fromPrefix: string, toPrefix: string): Promise<Response> => {
    const url = new URL(c.req.url);
    url.pathname = toPrefix + url.pathname.slice(fromPrefix.length);
    const headers = new Headers(c.req.raw.headers);
    const destination = headers.get('Destination');
    if (destination) {
      try {
        const d = new URL(destination, url);
        if (d.pathname.startsWith(`${fromPrefix}/`) || d.pathname === fromPrefix) {
          d.pathname = toPrefix + d.pathname.slice(fromPrefix.length);
          headers.set('Destination', d.href);
        }
      } catch { /* the DAV app answers a malformed Destination */ }
    }
    const method = c.req.method;
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (method !== 'GET' && method !== 'HEAD') {
      init.body = lazyBody(c.req.raw);
      init.duplex = 'half';
    }
    const res = await dav.fetch(new Request(url, init), { ...(c.env as object), cairnRequestId: c.var.requestId });
    return mapResponse(res, toPrefix, fromPrefix);
  };

  // The DAV app may read Node's request directly (c.env.incoming, the drive's PUT): the
  // mapped Request's body is lazy, so unless a handler reads that body, Node's stream is
  // left untouched for it.
  app.all(`${REMOTE_DAV}`, (c) => forward(c, REMOTE_DAV, DAV_PREFIX));
  app.all(`${REMOTE_DAV}/*`, (c) => forward(c, REMOTE_DAV, DAV_PREFIX));
  const legacy = (c: Context<CairnEnv>) => {
    const login = basicLogin(c.req.header('Authorization'));
    // Without credentials the DAV app answers 401 with the challenge.
    return forward(c, REMOTE_WEBDAV, login ? `${DAV_PREFIX}/files/${encodeSegment(login)}` : `${DAV_PREFIX}/files`);
  };
  app.all(REMOTE_WEBDAV, legacy);
  app.all(`${REMOTE_WEBDAV}/*`, legacy);
  return app;
}

/**
 * The original body, opened only when someone reads it. Touching `raw.body` turns
 * Node's request into a web stream (and starts it flowing), which would take the
 * drive's direct path from the socket to disk away from uploads.
 */
function lazyBody(raw: Request): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!reader) {
        const body = raw.body;
        if (!body) { controller.close(); return; }
        reader = body.getReader();
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) { return reader?.cancel(reason); },
  }, { highWaterMark: 0 });
}

/** Maps hrefs (and Location) of a DAV answer from the internal prefix back to the one the client used. */
async function mapResponse(res: Response, internal: string, external: string): Promise<Response> {
  const headers = new Headers(res.headers);
  const location = headers.get('Location');
  if (location?.startsWith(`${internal}/`)) headers.set('Location', external + location.slice(internal.length));
  const type = headers.get('Content-Type') ?? '';
  const length = Number(headers.get('Content-Length') ?? 0);
  if (res.status !== 207 || !/xml/i.test(type) || length > MAX_REWRITE_BYTES) {
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
  const text = await res.text();
  const from = `<d:href>${internal}/`;
  const mapped = text.split(from).join(`<d:href>${external}/`);
  headers.delete('Content-Length');
  return new Response(mapped, { status: res.status, headers });
}
