// Maps a decoded /dav/ path to what it names. Home owners are looked up by login;
// collection existence is asked of the backend; object existence is left to the
// method (PUT creates, the others 404).
import { NotFoundError } from '../errors.ts';
import type { DavDeps, DavTarget } from './dav-request.ts';
import type { DavContext } from './types.ts';
import { GROUPS_SEGMENT, RESOURCES_SEGMENT } from './paths.ts';

export async function resolveTarget(deps: DavDeps, ctx: DavContext, segs: string[]): Promise<DavTarget> {
  if (segs.length === 0) return { kind: 'root' };
  const [first, login, slug, name, ...rest] = segs;
  if (first === 'principals') {
    if (login === undefined) return { kind: 'principals' };
    // Group principals live under a segment no login can take (logins contain '@').
    if (login === RESOURCES_SEGMENT && slug !== undefined && name === undefined) {
      for (const b of deps.backends) {
        const found = (await b.resourcePrincipals?.(ctx))?.find((r) => r.id === slug);
        if (found) return { kind: 'resource-principal', resource: found };
      }
      throw new NotFoundError('no such resource');
    }
    if (login === GROUPS_SEGMENT && slug !== undefined && name === undefined && ctx.user.role !== 'guest') {
      const group = (await deps.groups?.())?.find((g) => g.id === slug);
      if (group) return { kind: 'group-principal', group };
      throw new NotFoundError('no such group');
    }
    if (slug !== undefined) throw new NotFoundError('no such principal resource');
    const user = await deps.auth.userByEmail(login);
    // Guests see only themselves: they must not be able to probe the directory.
    if (!user || (ctx.user.role === 'guest' && user.id !== ctx.user.id)) throw new NotFoundError('no such principal');
    return { kind: 'principal', user };
  }
  const backend = deps.backends.find((b) => b.root === first);
  if (!backend) throw new NotFoundError('nothing is served here');
  if (login === undefined) return { kind: 'backend-root', backend };
  const home = await deps.auth.userByEmail(login);
  if (!home) throw new NotFoundError('no such home');
  if (slug === undefined) return { kind: 'home', backend, home };
  if (rest.length > 0) throw new NotFoundError('no such resource');
  // Another user's home: only the owner sees into it; answer as if absent so homes cannot be probed.
  if (home.id !== ctx.user.id) throw new NotFoundError('no such collection');
  const collection = await backend.getCollection(ctx, home, slug);
  if (!collection) {
    if (name !== undefined) throw new NotFoundError('no such collection');
    return { kind: 'missing-collection', backend, home, slug };
  }
  if (name === undefined) return { kind: 'collection', backend, home, collection };
  return { kind: 'object', backend, home, collection, name };
}
