import type { Context } from 'hono';

/** True for API calls: a path with an `api` segment, or a client that asks for JSON over HTML. */
export function wantsJson(c: Context): boolean {
  if (/(^|\/)api(\/|$)/.test(c.req.path)) return true;
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** True when htmx made the request (it then wants a fragment, not a whole page). */
export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true';
}
