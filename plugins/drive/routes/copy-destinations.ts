// Where "Copy to…" may put an item: every folder the viewer may write — their own drive
// and each folder shared with them with at least the write right — grouped by drive,
// for the copy page's folder picker. The service checks the rights again on copy.
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import { sharedWithMe } from '../service/access.ts';
import type { DriveService } from '../service/drive-service.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';

export interface DestinationGroup {
  /** "My files", or "Plans · from Ann". */
  label: string;
  driveId: string;
  /** Top of the group: ROOT of one's own drive, or the shared folder. */
  rootId: string;
  /** Folders to choose from, the top first, paths as the viewer sees them. */
  folders: { id: string; path: string }[];
}

/** A choice in the picker: `<driveId>:<folderId>` (ids are ULIDs, without colons). */
export const destinationValue = (driveId: string, folderId: string) => `${driveId}:${folderId}`;

export function parseDestinationValue(value: string): { driveId: string; parentId: string } | undefined {
  const i = value.indexOf(':');
  return i <= 0 ? undefined : { driveId: value.slice(0, i), parentId: value.slice(i + 1) };
}

/** The folders of a drive at or under `rootId`, paths shown from that folder's own name. */
export function foldersUnder(all: { id: string; path: string }[], rootId: string): { id: string; path: string }[] {
  const root = all.find((f) => f.id === rootId);
  if (!root) return [];
  const name = root.path.slice(root.path.lastIndexOf('/') + 1);
  return [{ id: root.id, path: name }, ...all.filter((f) => f.path.startsWith(`${root.path}/`)).map((f) => ({ id: f.id, path: name + f.path.slice(root.path.length) }))];
}

/** Leaves out a folder being copied and what lies under it: a folder is not copied into itself. */
export function withoutItem(group: DestinationGroup, node: NodeRow): DestinationGroup {
  if (node.kind !== 'folder' || group.driveId !== node.drive_id) return group;
  const path = group.folders.find((f) => f.id === node.node_id)?.path;
  return { ...group, folders: group.folders.filter((f) => f.id !== node.node_id && !(path !== undefined && f.path.startsWith(`${path}/`))) };
}

export async function copyDestinations(service: DriveService, auth: AuthService, user: SessionUser, ownDriveId: string, node: NodeRow): Promise<DestinationGroup[]> {
  const own = await service.folderPaths(ownDriveId);
  const groups: DestinationGroup[] = [{ label: 'My files', driveId: ownDriveId, rootId: ROOT, folders: [{ id: ROOT, path: '/ (My files)' }, ...own] }];
  for (const { node: shared, right } of await sharedWithMe(auth, service.queries, user)) {
    if (right === 'read') continue;
    const owner = await auth.userById((await service.queries.drive(shared.drive_id))!.owner_id);
    const folders = foldersUnder(await service.folderPaths(shared.drive_id), shared.node_id);
    if (folders.length > 0) groups.push({ label: `${shared.name} · from ${owner?.displayName || owner?.email || '?'}`, driveId: shared.drive_id, rootId: shared.node_id, folders });
  }
  return groups.map((g) => withoutItem(g, node));
}
