// MKCOL (RFC 4918 §9.3): 201, 405 when something is there, 409 when the parent is
// missing, 415 for a body (we support no extended MKCOL on files).
import { hrefIn, nodeIdOf, parentOf, textResponse, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';

export async function mkcol(req: FilesRequest): Promise<Response> {
  if (req.target !== undefined) return textResponse(405, 'something exists at that path already', { Allow: 'OPTIONS, PROPFIND, PROPPATCH, DELETE, COPY, MOVE, LOCK, UNLOCK, GET, HEAD, PUT' });
  const length = req.raw.headers.get('Content-Length');
  if ((length !== null && length !== '0') || req.raw.headers.get('Transfer-Encoding') !== null) return textResponse(415, 'MKCOL with a body is not supported');
  const parent = await parentOf(req);
  if (parent === undefined) return textResponse(409, 'the parent folder does not exist');
  await assertCanWrite(req, { parentId: nodeIdOf(parent), href: hrefIn(req, req.names, true) });
  await req.service.createFolder(req.drive.drive_id, nodeIdOf(parent), req.names[req.names.length - 1]!, req.ctx.metadata());
  return new Response(null, { status: 201 });
}
