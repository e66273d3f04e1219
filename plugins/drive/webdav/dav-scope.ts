// Which drive a /dav/files/<login>/… path lands in: the viewer's own, or — under the
// virtual Shared/ folder — a folder someone shared with them (one entry per folder,
// named after it, "Plans (2)" when two share a name). The virtual folder only exists
// while the viewer has no item called Shared of their own.
import type { DavContext } from '../../../core/dav/types.ts';
import { ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import { alternativeName } from '../node/names.ts';
import { sharedWithMe, type Access } from '../service/access.ts';
import type { DriveService } from '../service/drive-service.ts';
import { ROOT, type DriveRow, type NodeRow } from '../service/queries.ts';
import { SHARED_DIR } from './files-request.ts';

export interface SharedEntry { name: string; node: NodeRow; right: Access }

export type DavScope =
  | { kind: 'drive'; drive: DriveRow; base: string[]; root: NodeRow | typeof ROOT; names: string[]; right: Access; sharedVirtual: boolean }
  | { kind: 'shared-dir'; entries: SharedEntry[] };

/** The folders shared with the viewer, each under a unique name. */
export async function sharedEntries(auth: AuthService, service: DriveService, ctx: DavContext): Promise<SharedEntry[]> {
  const taken = new Set<string>();
  const out: SharedEntry[] = [];
  for (const { node, right } of await sharedWithMe(auth, service.queries, ctx.user)) {
    let name = node.name;
    for (let n = 2; taken.has(name); n++) name = alternativeName(node.name, n);
    taken.add(name);
    out.push({ name, node, right });
  }
  return out;
}

export async function resolveDavScope(auth: AuthService, service: DriveService, ctx: DavContext, names: string[], writing = false): Promise<DavScope> {
  const own = await service.personalDrive(ctx.user, ctx.metadata());
  const sharedVirtual = !(await service.queries.child(own.drive_id, ROOT, SHARED_DIR));
  if (!sharedVirtual || names[0] !== SHARED_DIR) return { kind: 'drive', drive: own, base: [], root: ROOT, names, right: 'owner', sharedVirtual };
  const entries = await sharedEntries(auth, service, ctx);
  if (names.length === 1) return { kind: 'shared-dir', entries };
  const entry = entries.find((e) => e.name === names[1]);
  // Creating Shared/<new> is not for the viewer: folders appear there when someone shares them (RFC 4918 §9.3.1: 403).
  if (!entry && writing && names.length === 2) throw new ForbiddenError('folders appear in Shared/ when someone shares them', 'shared_dir_read_only');
  if (!entry) throw new NotFoundError('no such shared folder');
  const drive = await service.queries.drive(entry.node.drive_id);
  if (!drive) throw new NotFoundError('no such shared folder');
  return { kind: 'drive', drive, base: names.slice(0, 2), root: entry.node, names: names.slice(2), right: entry.right, sharedVirtual: false };
}
