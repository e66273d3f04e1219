// DELETE (RFC 4918 §9.6): moves the item (with everything under it) to the trash, where
// the browser app can restore or purge it. Locks on it and under it must be submitted.
import { ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { hrefIn, isFolder, isScopeRoot, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { assertWriteConditions } from './write-conditions.ts';

export async function del(req: FilesRequest): Promise<Response> {
  const t = req.target;
  if (t === undefined) throw new NotFoundError('no such file or folder');
  if (isScopeRoot(req, t)) throw new ForbiddenError('the drive (or a shared folder itself) cannot be deleted here');
  const node = t as NodeRow;
  assertWriteConditions(req.raw.headers, node);
  await assertCanWrite(req, { node, parentId: node.parent_id, deep: true, href: hrefIn(req, req.names, isFolder(t)) });
  const ids = node.kind === 'folder' ? (await req.service.queries.subtree(req.drive.drive_id, node)).map((n) => n.node_id) : [node.node_id];
  await req.service.trash(req.drive.drive_id, node.node_id, req.ctx.metadata());
  await req.locks.removeNodes(ids);
  return new Response(null, { status: 204 });
}
