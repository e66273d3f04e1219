// Who may do what in a drive: its owner everything; anyone else what a grant on a
// folder (`drive-folder:<nodeId>`, given to a user, a group or the organization) allows
// on that folder and everything under it. Without any right an item does not exist.
import { ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import { RIGHT_RANK, type AuthService, type Right, type SessionUser } from '../../../core/identity/auth-service.ts';
import { ROOT, type DriveQueries, type NodeRow } from './queries.ts';

export type Access = Right | 'owner';
const RANK: Record<Access, number> = { ...RIGHT_RANK, owner: 4 };

export const folderResource = (nodeId: string) => `drive-folder:${nodeId}`;

export interface Scope {
  driveId: string;
  right: Access;
  /** Top of what the viewer may see: ROOT for the owner, else the highest granted folder. */
  rootId: string;
}

export async function accessTo(auth: AuthService, q: DriveQueries, user: SessionUser, driveId: string, nodeId: string): Promise<Scope | undefined> {
  const drive = await q.drive(driveId);
  if (!drive) return undefined;
  if (drive.owner_id === user.id) return { driveId, right: 'owner', rootId: ROOT };
  if (nodeId === ROOT) return undefined;
  const { chain, reachable } = await q.ancestry(driveId, nodeId);
  if (!reachable || chain.length === 0 || chain[0]!.trashed_at !== null) return undefined;
  let best: Scope | undefined;
  for (const n of chain) {
    if (n.kind !== 'folder') continue;
    const r = await auth.rightOn(user, folderResource(n.node_id));
    if (r && (!best || RANK[r] >= RANK[best.right])) best = { driveId, right: r, rootId: n.node_id };
  }
  return best;
}

/** The scope, or 404 without any right and 403 with too little. */
export async function requireAccess(auth: AuthService, q: DriveQueries, user: SessionUser, driveId: string, nodeId: string, need: Access): Promise<Scope> {
  const scope = await accessTo(auth, q, user, driveId, nodeId);
  if (!scope) throw new NotFoundError('no such file or folder');
  if (RANK[scope.right] < RANK[need]) throw new ForbiddenError(need === 'write' ? 'you may only look at this folder' : 'you may not share this folder', 'insufficient_right');
  return scope;
}

/** Folders shared with the user (directly, through a group or the organization), with the owner's drive. */
export async function sharedWithMe(auth: AuthService, q: DriveQueries, user: SessionUser): Promise<{ node: NodeRow; right: Right }[]> {
  const out: { node: NodeRow; right: Right }[] = [];
  for (const { resource, right } of await auth.resourcesFor(user, 'drive-folder:')) {
    const node = await q.nodeById(resource.slice('drive-folder:'.length));
    if (!node || node.trashed_at !== null || node.kind !== 'folder') continue;
    const drive = await q.drive(node.drive_id);
    if (!drive || drive.owner_id === user.id) continue;
    if (!(await q.ancestry(node.drive_id, node.node_id)).reachable) continue;
    out.push({ node, right });
  }
  return out.sort((a, b) => a.node.name.localeCompare(b.node.name));
}
