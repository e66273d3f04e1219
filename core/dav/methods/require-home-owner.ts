import { ForbiddenError } from '../../errors.ts';
import type { SessionUser } from '../../identity/auth-service.ts';
import type { DavContext } from '../types.ts';

/**
 * A home lists what its owner may see, so only its owner may list it; collections
 * shared with a user appear in that user's own home (the backend puts them there).
 */
export function requireHomeOwner(ctx: DavContext, home: SessionUser): void {
  if (ctx.user.id !== home.id) throw new ForbiddenError('this is another user\'s home; shared collections appear in your own', 'not_your_home');
}
