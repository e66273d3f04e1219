// DELETE (RFC 4918 §9.6) of an object or a whole collection. Whether a sharee's
// DELETE of a shared collection means "leave it" is the backend's decision.
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';
import { writeConditions } from './write-conditions.ts';

export async function del(req: DavRequest): Promise<Response> {
  const { c, ctx, target } = req;
  if (target.kind === 'object') {
    if (target.collection.right === 'read') throw new ForbiddenError('you may only read this collection', 'read_only');
    await target.backend.deleteObject(ctx, target.collection, target.name, writeConditions(c));
    return new Response(null, { status: 204 });
  }
  if (target.kind === 'collection') {
    await target.backend.deleteCollection(ctx, target.collection);
    return new Response(null, { status: 204 });
  }
  if (target.kind === 'missing-collection') throw new NotFoundError('no such collection');
  throw new ForbiddenError('this resource cannot be deleted', 'delete_not_allowed');
}
