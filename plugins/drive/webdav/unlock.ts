// UNLOCK (RFC 4918 §9.11): the Lock-Token header names a lock covering the request URI;
// only its owner may remove it. 204 on success.
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { ForbiddenError, ValidationError } from '../../../core/errors.ts';
import { ROOT } from '../service/queries.ts';
import { nodeIdOf, type FilesRequest } from './files-request.ts';

export async function unlock(req: FilesRequest): Promise<Response> {
  // RFC 4918 §10.5 wants a Coded-URL (<token>); some clients (the `webdav` npm library) send the bare token.
  const m = /^\s*<([^>]+)>\s*$/.exec(req.raw.headers.get('Lock-Token') ?? '') ?? /^\s*((?:urn:uuid|opaquelocktoken):[^\s<>]+)\s*$/.exec(req.raw.headers.get('Lock-Token') ?? '');
  if (!m) throw new ValidationError('UNLOCK needs a Lock-Token header', { code: 'no_lock_token' });
  const t = req.target;
  const all = await req.locks.active(req.drive.drive_id);
  const lock = all.find((l) => l.token === m[1]);
  let covers = false;
  if (lock && t !== undefined) {
    const id = nodeIdOf(t);
    if (lock.node_id === id) covers = true;
    else if (lock.depth === 'infinity' && t !== ROOT) {
      covers = lock.node_id === ROOT || (await req.service.queries.ancestry(req.drive.drive_id, id)).chain.some((a) => a.node_id === lock.node_id);
    }
  }
  if (!lock || !covers) throw new DavPreconditionError('{DAV:}lock-token-matches-request-uri', 'that lock token does not cover this resource', 409);
  if (lock.user_id !== req.ctx.user.id) throw new ForbiddenError('that lock belongs to someone else', 'not_lock_owner');
  await req.locks.remove(lock.token);
  return new Response(null, { status: 204 });
}
