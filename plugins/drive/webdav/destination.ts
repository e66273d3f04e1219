// The Destination and Overwrite headers of COPY and MOVE (RFC 4918 §10.3, §10.6).
// The destination goes through the same path checks as a request URL (core/dav/paths.ts)
// and must lie in the viewer's own drive.
import { hrefPath, splitDavPath } from '../../../core/dav/paths.ts';
import { ForbiddenError, ValidationError } from '../../../core/errors.ts';
import { normalizeName } from '../node/names.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { isFolder, SHARED_DIR, type FilesRequest } from './files-request.ts';

export interface Destination {
  names: string[];
  parent: NodeRow | typeof ROOT | undefined;
  existing: NodeRow | typeof ROOT | undefined;
  overwrite: boolean;
}

export async function resolveDestination(req: FilesRequest): Promise<Destination> {
  const header = req.raw.headers.get('Destination');
  if (!header) throw new ValidationError('COPY and MOVE need a Destination header', { code: 'no_destination' });
  const path = hrefPath(header, req.raw.url);
  try {
    const dest = new URL(header, req.raw.url);
    if (dest.host !== new URL(req.raw.url).host) throw new ForbiddenError('the destination is on another server', 'cross_server');
  } catch (e) {
    if (e instanceof ForbiddenError) throw e;
    throw new ValidationError('the Destination header is not a URL', { code: 'bad_destination' });
  }
  const segs = path === undefined ? undefined : splitDavPath(path);
  if (!segs) throw new ValidationError('the Destination is not a valid path', { code: 'bad_destination' });
  if (segs[0] !== 'files' || segs[1]?.toLowerCase() !== req.login.toLowerCase()) throw new ForbiddenError('the destination must be in your own drive', 'foreign_destination');
  const full = segs.slice(2).map(normalizeName);
  // Within the request's scope only: one's own drive, or the same shared folder.
  if (!req.base.every((b, i) => full[i] === b)) throw new ForbiddenError('copy and move within one drive or shared folder', 'cross_scope_destination');
  if (req.sharedVirtual && full[0] === SHARED_DIR) throw new ForbiddenError('Shared/ cannot be written', 'shared_dir_read_only');
  const names = full.slice(req.base.length);
  if (names.length === 0) throw new ForbiddenError('the drive itself cannot be replaced', 'destination_root');
  const overwriteHeader = (req.raw.headers.get('Overwrite') ?? 'T').trim().toUpperCase();
  if (overwriteHeader !== 'T' && overwriteHeader !== 'F') throw new ValidationError('Overwrite must be T or F', { code: 'bad_overwrite' });
  const q = req.service.queries;
  const parent = await q.resolve(req.drive.drive_id, names.slice(0, -1), req.root);
  const existing = isFolder(parent) ? await q.resolve(req.drive.drive_id, names, req.root) : undefined;
  return { names, parent: isFolder(parent) ? parent : undefined, existing, overwrite: overwriteHeader === 'T' };
}
