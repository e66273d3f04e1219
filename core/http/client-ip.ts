import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The peer address of the connection (for login throttling and the devices list).
 * Forwarded headers are not trusted: anyone could send them to dodge throttling.
 * In-process requests (app.request in tests) have no socket and get 'local'.
 */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}
