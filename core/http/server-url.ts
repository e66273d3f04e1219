import type { Context } from 'hono';

/**
 * The address people and clients are told to use (share links, the login flow's link
 * and `server`): the configured public URL, or the request's own origin when the
 * configuration names port 0 (tests and ephemeral ports, where it is not reachable).
 * No trailing slash.
 */
export function serverUrl(c: Context, publicUrl: string): string {
  try {
    const url = new URL(publicUrl);
    if (url.port !== '0') return publicUrl.replace(/\/+$/, '');
  } catch { /* fall through to the request's origin */ }
  return new URL(c.req.url).origin;
}
