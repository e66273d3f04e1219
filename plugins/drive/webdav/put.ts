// PUT (RFC 4918 §9.7, RFC 9110 §9.3.4): the body streams from the socket into the blob
// store (hashing as it goes) and only then is FileWritten appended; nothing is buffered
// whole. Over quota: refused with 507 before reading when Content-Length says so, and
// aborted (the partial blob discarded) as soon as the bytes received exceed the space left.
import { ValidationError } from '../../../core/errors.ts';
import { bodySource } from '../routes/request-body.ts';
import { nodeIdOf, hrefIn, isFolder, parentOf, textResponse, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { OC_MTIME_ACCEPTED, ocMtime } from './oc-mtime.ts';
import { assertWriteConditions } from './write-conditions.ts';

export async function put(req: FilesRequest): Promise<Response> {
  const { raw, names } = req;
  if (names.length === 0 || isFolder(req.target)) return textResponse(405, 'a folder cannot be written with PUT', { Allow: 'OPTIONS, PROPFIND, PROPPATCH, MKCOL, DELETE, COPY, MOVE, LOCK, UNLOCK' });
  // RFC 9110 §14.4: a partial PUT would be taken as the whole content; refuse it.
  if (raw.headers.get('Content-Range') !== null) throw new ValidationError('partial PUT (Content-Range) is not supported', { code: 'partial_put' });
  const parent = await parentOf(req);
  if (parent === undefined) return textResponse(409, 'the parent folder does not exist');
  assertWriteConditions(raw.headers, req.target);
  const href = hrefIn(req, names, false);
  await assertCanWrite(req, req.target !== undefined ? { node: req.target, href } : { parentId: nodeIdOf(parent), href });
  const length = raw.headers.get('Content-Length');
  const declared = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  const mtime = ocMtime(raw.headers);
  const { node, created } = await req.service.writeFile(req.drive.drive_id, nodeIdOf(parent), names[names.length - 1]!, {
    source: bodySource(raw, req.incoming),
    ...(raw.headers.get('Content-Type') ? { contentType: raw.headers.get('Content-Type')! } : {}),
    ...(declared !== undefined ? { declaredLength: declared } : {}),
    ...(mtime !== undefined ? { mtime } : {}),
  }, req.ctx.metadata());
  // OC-FileId / OC-ETag: Nextcloud clients record the new item from these instead of asking again.
  return new Response(null, { status: created ? 201 : 204, headers: {
    ETag: `"${node.etag}"`, 'Last-Modified': new Date(node.modified).toUTCString(), 'OC-FileId': node.node_id, 'OC-ETag': `"${node.etag}"`,
    ...(mtime !== undefined ? OC_MTIME_ACCEPTED : {}),
  } });
}
