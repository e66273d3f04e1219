// COPY (RFC 4918 §9.8): files and folders (Depth infinity, the default, copies the
// content; Depth 0 only the folder and its properties). The copies are new items that
// share their blobs with the originals. 201 new, 204 replaced (the old one to the trash),
// 412 when Overwrite is F and something is there, 409 without a destination parent.
import { ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { hrefIn, isFolder, nodeIdOf, textResponse, isScopeRoot, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { resolveDestination } from './destination.ts';
import { DestinationExistsError } from '../service/drive-service.ts';

export async function copy(req: FilesRequest): Promise<Response> {
  const t = req.target;
  if (t === undefined) throw new NotFoundError('no such file or folder');
  if (isScopeRoot(req, t)) throw new ForbiddenError('copy folders inside the drive, not the drive itself');
  const depth = (req.raw.headers.get('Depth') ?? 'infinity').trim().toLowerCase();
  if (depth !== '0' && depth !== 'infinity') throw new ValidationError('COPY takes Depth 0 or infinity', { code: 'bad_depth' });
  const dest = await resolveDestination(req);
  if (dest.parent === undefined) return textResponse(409, 'the destination folder does not exist');
  if (dest.existing !== undefined && dest.existing !== ROOT && dest.existing.node_id === (t as NodeRow).node_id) throw new ForbiddenError('source and destination are the same', 'same_resource');
  if (dest.existing !== undefined && !dest.overwrite) throw new DestinationExistsError();
  const href = hrefIn(req, dest.names, isFolder(t));
  await assertCanWrite(req, dest.existing !== undefined ? { node: dest.existing, parentId: nodeIdOf(dest.parent), deep: true, href } : { parentId: nodeIdOf(dest.parent), href });
  const { replaced } = await req.service.copy(req.drive.drive_id, (t as NodeRow).node_id, nodeIdOf(dest.parent), dest.names[dest.names.length - 1]!, { overwrite: dest.overwrite, deep: depth === 'infinity' }, req.ctx.metadata());
  return new Response(null, { status: replaced ? 204 : 201 });
}
