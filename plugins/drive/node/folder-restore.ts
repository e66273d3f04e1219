// "Restore this folder as it was at T", on core's point-in-time helper. The collection
// is every node stream of the drive (a folder's content can move in from anywhere);
// diff then only touches the nodes that were under the folder at T or are under it now.
// Order of the appends matters (they run in order inside one transaction, against the
// unique (parent, name) index): first what goes to the trash, then what comes back or
// changes, parents before children.
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import type { CollectionSpec } from '../../../core/restore/point-in-time.ts';
import { driveNodeStreams, nodeStream, type NodeEvent } from '../events.ts';
import { evolveNode, type DriveNode } from './state.ts';

export type DriveTree = Map<string, DriveNode>;

/** Live nodes under `folderId` (itself excluded), parents before children. */
export function liveUnder(tree: DriveTree, folderId: string): DriveNode[] {
  const kids = new Map<string, DriveNode[]>();
  for (const n of tree.values()) {
    if (n.trashed || n.purged) continue;
    const list = kids.get(n.parentId);
    if (list) list.push(n); else kids.set(n.parentId, [n]);
  }
  const out: DriveNode[] = [];
  const queue = [folderId];
  while (queue.length > 0) {
    for (const n of kids.get(queue.shift()!) ?? []) { out.push(n); if (n.kind === 'folder') queue.push(n.id); }
  }
  return out;
}

const sameProps = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

export function folderRestoreSpec(driveId: string, folderId: string): CollectionSpec<DriveTree> {
  return {
    streams: driveNodeStreams(driveId),
    initialState: () => new Map(),
    evolve(tree, e: StoredEvent) {
      const id = (e.data as { nodeId?: string }).nodeId;
      if (!id) return tree;
      const next = evolveNode(tree.get(id), e);
      if (next) tree.set(id, next);
      return tree;
    },
    diff(current, target) {
      const then = liveUnder(target, folderId);
      const now = liveUnder(current, folderId);
      const keep = new Set(then.map((n) => n.id));
      const out: { stream: string; events: NewEvent[] }[] = [];
      // Created (or moved in) since T: to the trash, only the topmost of each subtree.
      const leaving = new Set(now.filter((n) => !keep.has(n.id)).map((n) => n.id));
      for (const n of now) {
        if (!leaving.has(n.id) || leaving.has(n.parentId)) continue;
        out.push({ stream: nodeStream(driveId, n.id), events: [{ type: 'drive.NodeTrashed', data: { driveId, nodeId: n.id } }] });
      }
      for (const t of then) {
        const c = current.get(t.id);
        const events: NodeEvent[] = [];
        const place = { driveId, nodeId: t.id, parentId: t.parentId, name: t.name };
        if (!c || c.purged) {
          events.push(t.kind === 'folder'
            ? { type: 'drive.FolderCreated', data: place }
            : { type: 'drive.FileWritten', blobs: [t.sha256!], data: { ...place, sha256: t.sha256!, size: t.size, contentType: t.contentType, version: (c?.version ?? t.version) + 1 } });
        } else {
          if (c.trashed) events.push({ type: 'drive.NodeRestored', data: place });
          else if (c.parentId !== t.parentId || c.name !== t.name) events.push({ type: 'drive.NodeMoved', data: place });
          if (t.kind === 'file' && c.sha256 !== t.sha256) {
            events.push({ type: 'drive.FileWritten', blobs: [t.sha256!], data: { ...place, sha256: t.sha256!, size: t.size, contentType: t.contentType, version: c.version + 1 } });
          }
        }
        const propsNow = c && !c.purged ? c.props : {};
        if (!sameProps(propsNow, t.props)) {
          events.push({ type: 'drive.PropertiesChanged', data: { driveId, nodeId: t.id, set: t.props, remove: Object.keys(propsNow).filter((k) => !(k in t.props)) } });
        }
        if (events.length > 0) out.push({ stream: nodeStream(driveId, t.id), events });
      }
      return out;
    },
  };
}
