// MOVE (RFC 4918 §9.9): rename and/or move in one event; a folder moves with everything
// under it (Depth must be infinity or absent). An item in the way is trashed when
// Overwrite is T (204), else 412. Locks on the source are not moved (§7.5): they end.
import { ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { hrefIn, isFolder, nodeIdOf, textResponse, isScopeRoot, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { resolveDestination } from './destination.ts';

export async function move(req: FilesRequest): Promise<Response> {
  const t = req.target;
  if (t === undefined) throw new NotFoundError('no such file or folder');
  if (isScopeRoot(req, t)) throw new ForbiddenError('the drive (or a shared folder itself) cannot be moved here');
  const node = t as NodeRow;
  const depth = (req.raw.headers.get('Depth') ?? 'infinity').trim().toLowerCase();
  if (depth !== 'infinity') throw new ValidationError('MOVE takes Depth infinity', { code: 'bad_depth' });
  const dest = await resolveDestination(req);
  if (dest.parent === undefined) return textResponse(409, 'the destination folder does not exist');
  if (dest.existing !== undefined && dest.existing !== ROOT && dest.existing.node_id === node.node_id) throw new ForbiddenError('source and destination are the same', 'same_resource');
  const locks = await req.locks.active(req.drive.drive_id);
  await assertCanWrite(req, { node, parentId: node.parent_id, deep: true, href: hrefIn(req, req.names, isFolder(t)) }, locks);
  const destHref = hrefIn(req, dest.names, isFolder(t));
  await assertCanWrite(req, dest.existing !== undefined ? { node: dest.existing, parentId: nodeIdOf(dest.parent), deep: true, href: destHref } : { parentId: nodeIdOf(dest.parent), href: destHref }, locks);
  const moved = node.kind === 'folder' ? (await req.service.queries.subtree(req.drive.drive_id, node)).map((n) => n.node_id) : [node.node_id];
  const { replaced } = await req.service.move(req.drive.drive_id, node.node_id, nodeIdOf(dest.parent), dest.names[dest.names.length - 1]!, { overwrite: dest.overwrite }, req.ctx.metadata());
  await req.locks.removeNodes(moved);
  return new Response(null, { status: replaced ? 204 : 201 });
}
