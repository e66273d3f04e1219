import type { Context } from 'hono';
import type { Actor } from '../identity/identity-api.ts';
import type { CairnEnv } from './env.ts';

/** The signed-in user as the actor of identity commands made from the browser UI. */
export function uiActor(c: Context<CairnEnv>): Actor {
  const user = c.var.user;
  if (!user) throw new Error('uiActor called without a signed-in user');
  return { actor: user.id, source: 'ui', requestId: c.var.requestId };
}
