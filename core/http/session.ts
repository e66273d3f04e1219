import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { IdentityApi } from '../identity/identity-api.ts';
import { csrfTokenFor } from './csrf-token.ts';
import type { CairnEnv } from './env.ts';
import { isDavPath } from './is-dav-path.ts';

export const SESSION_COOKIE = 'cairn_session';
/** How long the browser keeps the cookie; identity decides how long the session itself lives. */
const SESSION_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;
/** Longer values are not tokens identity issued; they are refused without a lookup. */
const MAX_TOKEN_LENGTH = 512;

export interface SessionOptions {
  identity: IdentityApi;
  secureCookies: boolean;
}

/**
 * Resolves the `cairn_session` cookie through identity and sets c.var.user, sessionId
 * and csrfToken (derived from the session's secret). Unknown or expired cookies are
 * cleared. Not applied under /dav/ (Basic auth only, so a browser's cookie can never
 * authorize a cross-site DAV request). Signed-in responses and all pages are marked `no-store`.
 */
export function session(opts: SessionOptions): MiddlewareHandler<CairnEnv> {
  return async (c, next) => {
    c.set('user', undefined);
    c.set('sessionId', undefined);
    c.set('csrfToken', '');
    if (isDavPath(c.req.path)) return next();
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const info = token.length <= MAX_TOKEN_LENGTH ? await opts.identity.resolveSession(token) : undefined;
      if (info) {
        c.set('user', info.user);
        c.set('sessionId', info.sessionId);
        c.set('csrfToken', csrfTokenFor(info.csrfSecret, info.sessionId));
      } else {
        clearSessionCookie(c, opts.secureCookies);
      }
    }
    await next();
    // Pages are personal (and carry a CSRF token): no cache may keep them.
    const html = (c.res.headers.get('Content-Type') ?? '').startsWith('text/html');
    if ((c.var.user || html) && !c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'private, no-store');
  };
}

export function setSessionCookie(c: Context, token: string, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', secure, maxAge: SESSION_COOKIE_MAX_AGE_SECONDS });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}
