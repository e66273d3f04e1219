import type { Context, MiddlewareHandler } from 'hono';
import type { CairnEnv } from './env.ts';
import { safeNext } from './safe-next.ts';
import { isHtmx, wantsJson } from './wants-json.ts';

/**
 * Lets signed-in users through. Otherwise: API calls get 401 in the JSON error shape,
 * htmx requests get 401 with HX-Redirect to the login page, and browsers are
 * redirected to /login?next=<the page they wanted>.
 */
export const requireUser: MiddlewareHandler<CairnEnv> = async (c, next) => {
  if (c.var.user) return next();
  if (wantsJson(c)) {
    return c.json({ error: { code: 'unauthorized', message: 'Sign in first.', requestId: c.var.requestId } }, 401);
  }
  const location = loginUrl(wantedPath(c));
  if (isHtmx(c)) {
    c.header('HX-Redirect', location);
    return c.body(null, 401);
  }
  return c.redirect(location, 302);
};

/** /login with `next` set to a local path (left out for the home page). */
export function loginUrl(next: string | undefined): string {
  const safe = safeNext(next);
  return safe && safe !== '/' ? `/login?next=${encodeURIComponent(safe)}` : '/login';
}

function wantedPath(c: Context): string | undefined {
  if (isHtmx(c)) {
    // The page the user is on, not the fragment endpoint htmx called.
    const current = c.req.header('hx-current-url');
    if (!current) return undefined;
    try {
      const u = new URL(current);
      return u.host === new URL(c.req.url).host || u.host === c.req.header('host') ? u.pathname + u.search : undefined;
    } catch {
      return undefined;
    }
  }
  if (c.req.method !== 'GET') return undefined;
  const u = new URL(c.req.url);
  return u.pathname + u.search;
}
