// Who may use /mail/admin: the organization's owner and administrators. Everyone else is
// refused with 403 on every route, reads and writes alike (the page shows every local
// domain's settings and other people's queued mail).
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../../../core/errors.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import type { CairnEnv } from '../../../core/http/env.ts';

export function isMailAdmin(user: SessionUser | undefined): boolean {
  return user?.role === 'owner' || user?.role === 'admin';
}

/** The signed-in administrator; ForbiddenError for anyone else. Every handler calls it. */
export function mailAdmin(c: Context<CairnEnv>): SessionUser {
  const user = c.var.user;
  if (!user || !isMailAdmin(user)) throw new ForbiddenError('Only administrators can manage mail domains and the queue.', 'admin_only');
  return user;
}

/** The same check for a whole router (after requireUser), so no route can be added without it. */
export const requireMailAdmin: MiddlewareHandler<CairnEnv> = async (c, next) => {
  mailAdmin(c);
  await next();
};
