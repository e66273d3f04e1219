// COPY (RFC 4918 §9.8): files and folders (Depth infinity, the default, copies the
// content; Depth 0 only the folder and its properties). The copies are new items that
// share their blobs with the originals. 201 new, 204 replaced (the old one to the trash),
// 412 when Overwrite is F and something is there, 409 without a destination parent.
// The destination may be in another drive (one's own from a shared folder, or a shared
// folder one may write): the service's copyTo checks read on the source and write on the
// destination, and charges the destination drive's quota (507).
import { ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { hrefIn, isFolder, nodeIdOf, textResponse, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { resolveCopyDestination } from './destination.ts';

export async function copy(req: FilesRequest): Promise<Response> {
  const t = req.target;
  if (t === undefined) throw new NotFoundError('no such file or folder');
  // A shared folder itself may be copied (the viewer may read it); one's whole drive may not.
  if (t === ROOT) throw new ForbiddenError('copy folders inside the drive, not the drive itself');
  const depth = (req.raw.headers.get('Depth') ?? 'infinity').trim().toLowerCase();
  if (depth !== '0' && depth !== 'infinity') throw new ValidationError('COPY takes Depth 0 or infinity', { code: 'bad_depth' });
  const dest = await resolveCopyDestination(req);
  if (dest.parent === undefined) return textResponse(409, 'the destination folder does not exist');
  if (dest.existing !== undefined && dest.existing !== ROOT && dest.existing.node_id === (t as NodeRow).node_id) throw new ForbiddenError('source and destination are the same', 'same_resource');
  const href = hrefIn(dest.req, dest.names, isFolder(t));
  await assertCanWrite(dest.req, dest.existing !== undefined ? { node: dest.existing, parentId: nodeIdOf(dest.parent), deep: true, href } : { parentId: nodeIdOf(dest.parent), href });
  const { replaced } = await req.service.copyTo(req.ctx.user, { driveId: req.drive.drive_id, nodeId: (t as NodeRow).node_id },
    { driveId: dest.req.drive.drive_id, parentId: nodeIdOf(dest.parent), name: dest.names[dest.names.length - 1]! },
    { onConflict: dest.overwrite ? 'overwrite' : 'fail', deep: depth === 'infinity' }, req.ctx.metadata());
  return new Response(null, { status: replaced ? 204 : 201 });
}
