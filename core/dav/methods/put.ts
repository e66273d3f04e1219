// PUT of an object (RFC 4918 §9.7, RFC 4791 §5.3.2, RFC 6352 §6.3.2): size bounded
// before the body is buffered (max-resource-size), conditions passed to the backend,
// which validates and appends. 201 with the new ETag on create, 204 on replace.
import { DavPreconditionError } from '../errors.ts';
import { ConflictError, ForbiddenError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';
import { readBodyText } from '../read-body.ts';
import { writeConditions } from './write-conditions.ts';

export async function put(req: DavRequest): Promise<Response> {
  const { c, ctx, target } = req;
  if (target.kind === 'missing-collection') throw new ConflictError('the parent collection does not exist', 'no_parent');
  if (target.kind !== 'object') throw new ForbiddenError('PUT creates or replaces objects inside a calendar or address book', 'put_not_allowed');
  const { backend, collection, name } = target;
  if (collection.right === 'read') throw new ForbiddenError('you may only read this collection', 'read_only');
  const ns = backend.dataProperty.slice(1, backend.dataProperty.indexOf('}'));
  const body = await readBodyText(c, backend.maxObjectBytes, () => new DavPreconditionError(`{${ns}}max-resource-size`, `objects here are limited to ${backend.maxObjectBytes} bytes`, 413));
  const result = await backend.putObject(ctx, collection, name, body, c.req.header('Content-Type'), writeConditions(c));
  return new Response(null, { status: result.created ? 201 : 204, headers: { ETag: result.etag } });
}
