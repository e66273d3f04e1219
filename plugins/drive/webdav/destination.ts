// The Destination and Overwrite headers of COPY and MOVE (RFC 4918 §10.3, §10.6).
// The destination goes through the same path checks as a request URL (core/dav/paths.ts)
// and must lie in the viewer's own home: for MOVE in the same scope (their drive, or the
// same shared folder), for COPY in any folder they may write (another drive included).
import { hrefPath, splitDavPath } from '../../../core/dav/paths.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { normalizeName } from '../node/names.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { isFolder, SHARED_DIR, type FilesRequest } from './files-request.ts';
import { resolveDavScope } from './dav-scope.ts';

export interface Destination {
  names: string[];
  parent: NodeRow | typeof ROOT | undefined;
  existing: NodeRow | typeof ROOT | undefined;
  overwrite: boolean;
}

/** The Destination's names from the home (NFC), after the checks every COPY and MOVE shares. */
function destinationNames(req: FilesRequest): string[] {
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
  return segs.slice(2).map(normalizeName);
}

function overwriteOf(req: FilesRequest): boolean {
  const overwriteHeader = (req.raw.headers.get('Overwrite') ?? 'T').trim().toUpperCase();
  if (overwriteHeader !== 'T' && overwriteHeader !== 'F') throw new ValidationError('Overwrite must be T or F', { code: 'bad_overwrite' });
  return overwriteHeader === 'T';
}

/** Parent and existing item at `names` below the scope's root. */
async function lookUp(req: FilesRequest, names: string[]): Promise<Pick<Destination, 'parent' | 'existing'>> {
  const q = req.service.queries;
  const parent = await q.resolve(req.drive.drive_id, names.slice(0, -1), req.root);
  const existing = isFolder(parent) ? await q.resolve(req.drive.drive_id, names, req.root) : undefined;
  return { parent: isFolder(parent) ? parent : undefined, existing };
}

/** MOVE's destination: inside the request's own scope (one's drive, or the same shared folder). */
export async function resolveDestination(req: FilesRequest): Promise<Destination> {
  const full = destinationNames(req);
  // Within the request's scope only: one's own drive, or the same shared folder.
  if (!req.base.every((b, i) => full[i] === b)) throw new ForbiddenError('copy and move within one drive or shared folder', 'cross_scope_destination');
  if (req.sharedVirtual && full[0] === SHARED_DIR) throw new ForbiddenError('Shared/ cannot be written', 'shared_dir_read_only');
  const names = full.slice(req.base.length);
  if (names.length === 0) throw new ForbiddenError('the drive itself cannot be replaced', 'destination_root');
  const overwrite = overwriteOf(req);
  return { names, ...(await lookUp(req, names)), overwrite };
}

/**
 * COPY's destination: anywhere the viewer may write — their own drive or a folder shared
 * with them, whichever the source is in. `req` is the request as seen from the destination's
 * scope (its drive, root and right), for the lock and If checks there.
 */
export async function resolveCopyDestination(req: FilesRequest): Promise<Destination & { req: FilesRequest }> {
  const full = destinationNames(req);
  const overwrite = overwriteOf(req);
  let scope;
  try {
    scope = await resolveDavScope(req.auth, req.service, req.ctx, full, true);
  } catch (e) {
    // Shared/<no such folder>/x: a missing parent, as for any other path (RFC 4918 §9.8.5: 409).
    if (e instanceof NotFoundError) return { names: full, parent: undefined, existing: undefined, overwrite, req };
    throw e;
  }
  if (scope.kind === 'shared-dir') throw new ForbiddenError('Shared/ cannot be written', 'shared_dir_read_only');
  if (scope.right === 'read') throw new ForbiddenError('that folder is shared with you read-only', 'read_only');
  if (scope.names.length === 0) throw new ForbiddenError('the drive itself cannot be replaced', 'destination_root');
  const there: FilesRequest = { ...req, drive: scope.drive, base: scope.base, root: scope.root, names: scope.names, right: scope.right, sharedVirtual: scope.sharedVirtual, target: undefined };
  const found = await lookUp(there, scope.names);
  return { names: scope.names, ...found, overwrite, req: { ...there, target: found.existing } };
}
