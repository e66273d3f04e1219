import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { ForbiddenError } from '../errors.ts';
import { tokensMatch } from './csrf-token.ts';
import type { CairnEnv } from './env.ts';
import { isDavPath } from './is-dav-path.ts';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
/** Double-submit cookie for signed-out forms (the login form). */
export const CSRF_COOKIE = 'cairn_csrf';
/** A form body larger than this is not parsed to find `_csrf`: big uploads must send the header. */
const CSRF_BODY_PARSE_LIMIT = 1024 * 1024;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const COOKIE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfOptions {
  secureCookies: boolean;
  /** The configured public URL: its host is accepted in Origin besides the request's Host. */
  publicUrl: string;
  /**
   * Path prefixes whose POSTs carry their own secret (incoming webhooks: a token in the
   * URL) and come from servers, never browsers: no CSRF token is asked of them.
   */
  exempt?: readonly string[];
}

/**
 * CSRF protection for every state-changing request outside /dav/. Runs after `session`.
 * - Signed in: the token is derived from the session (csrf-token.ts).
 * - Signed out: a random double-submit cookie; the form must echo its value.
 * The token comes in the X-CSRF-Token header (htmx, via app.js) or the `_csrf` form
 * field. Cross-site requests are refused outright by Sec-Fetch-Site and Origin.
 * Sets c.var.csrfToken for pages to embed.
 */
export function csrfProtection(opts: CsrfOptions): MiddlewareHandler<CairnEnv> {
  const publicHost = hostOf(opts.publicUrl);
  return async (c, next) => {
    if (isDavPath(c.req.path)) return next();
    if (!c.var.sessionId) {
      let cookie = getCookie(c, CSRF_COOKIE);
      if (!cookie || !COOKIE_TOKEN.test(cookie)) {
        cookie = randomBytes(32).toString('base64url');
        setCookie(c, CSRF_COOKIE, cookie, { httpOnly: true, sameSite: 'Strict', path: '/', secure: opts.secureCookies });
      }
      c.set('csrfToken', cookie);
    }
    if (UNSAFE_METHODS.has(c.req.method)) {
      if (opts.exempt?.some((p) => c.req.path.startsWith(p))) return next();
      // A bearer token (bots, scripts) is not an ambient credential: a cross-site page cannot make a browser send it.
      if (!c.var.sessionId && /^Bearer\s+\S/i.test(c.req.header('authorization') ?? '')) return next();
      if (isCrossSite(c, publicHost)) throw new ForbiddenError('Cross-site requests are not accepted.', 'csrf_cross_site');
      const sent = c.req.header(CSRF_HEADER) ?? (await formToken(c));
      if (!sent || !tokensMatch(sent, c.var.csrfToken)) {
        throw new ForbiddenError('This form has expired or did not come from Cairn. Reload the page and try again.', 'csrf_failed');
      }
    }
    await next();
  };
}

function isCrossSite(c: Context, publicHost: string | undefined): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  // Browsers send "null" for opaque origins (sandboxed frames, some redirects): trust it only when Fetch Metadata vouches.
  if (origin === 'null') return site !== 'same-origin';
  const host = hostOf(origin);
  if (!host) return true;
  return host !== c.req.header('host') && host !== hostOf(c.req.url) && host !== publicHost;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

async function formToken(c: Context): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const length = Number(c.req.header('content-length') ?? 0);
  if (!Number.isFinite(length) || length > CSRF_BODY_PARSE_LIMIT) return undefined;
  try {
    // A clone: the handler (or a body limit, or a streaming upload) still reads the untouched original.
    const v = (await c.req.raw.clone().formData()).get(CSRF_FIELD);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
