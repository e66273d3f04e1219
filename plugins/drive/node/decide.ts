import type { Decider } from '../../../core/events/handle-command.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { NodeEvent } from '../events.ts';
import { assertValidName } from './names.ts';
import { evolveNode, initialNode, isLive, type NodeState } from './state.ts';

/** Dead properties one node keeps: clients store a handful (Finder tags, Windows attributes). */
export const MAX_DEAD_PROPS = 100;

export type NodeCommand =
  | { type: 'createFolder'; driveId: string; nodeId: string; parentId: string; name: string }
  /** A new file, or a new version of a live file (parentId/name then only for a new one). */
  | { type: 'writeFile'; driveId: string; nodeId: string; parentId: string; name: string; sha256: string; size: number; contentType: string; mtime?: number }
  | { type: 'move'; parentId: string; name: string }
  | { type: 'trash' }
  | { type: 'restore'; parentId: string; name: string }
  | { type: 'purge' }
  | { type: 'patchProps'; set: Record<string, string>; remove: string[] };

export function decideNode(c: NodeCommand, s: NodeState): NodeEvent[] {
  switch (c.type) {
    case 'createFolder':
      if (s && !s.purged) throw new ConflictError('that node already exists', 'node_exists');
      assertValidName(c.name);
      return [{ type: 'drive.FolderCreated', data: { driveId: c.driveId, nodeId: c.nodeId, parentId: c.parentId, name: c.name } }];
    case 'writeFile': {
      if (s && !s.trashed && !s.purged) {
        if (s.kind !== 'file') throw new ConflictError('a folder cannot be overwritten with a file', 'is_folder');
        return [{
          type: 'drive.FileWritten', blobs: [c.sha256],
          data: { driveId: s.driveId, nodeId: s.id, parentId: s.parentId, name: s.name, sha256: c.sha256, size: c.size, contentType: c.contentType, version: s.version + 1, ...(c.mtime !== undefined ? { mtime: c.mtime } : {}) },
        }];
      }
      if (s && !s.purged) throw new ConflictError('that file is in the trash', 'node_trashed');
      assertValidName(c.name);
      return [{
        type: 'drive.FileWritten', blobs: [c.sha256],
        data: { driveId: c.driveId, nodeId: c.nodeId, parentId: c.parentId, name: c.name, sha256: c.sha256, size: c.size, contentType: c.contentType, version: (s?.version ?? 0) + 1, ...(c.mtime !== undefined ? { mtime: c.mtime } : {}) },
      }];
    }
    case 'move':
      if (!isLive(s)) throw new NotFoundError('no such file or folder');
      assertValidName(c.name);
      if (c.parentId === s.id) throw new ConflictError('a folder cannot be moved into itself', 'move_into_self');
      if (c.parentId === s.parentId && c.name === s.name) return [];
      return [{ type: 'drive.NodeMoved', data: { driveId: s.driveId, nodeId: s.id, parentId: c.parentId, name: c.name } }];
    case 'trash':
      if (!s || s.trashed) return [];
      return [{ type: 'drive.NodeTrashed', data: { driveId: s.driveId, nodeId: s.id } }];
    case 'restore':
      if (!s || s.purged) throw new NotFoundError('that item is no longer in the trash');
      if (!s.trashed) return [];
      assertValidName(c.name);
      return [{ type: 'drive.NodeRestored', data: { driveId: s.driveId, nodeId: s.id, parentId: c.parentId, name: c.name } }];
    case 'purge':
      if (!s || s.purged) return [];
      return [{ type: 'drive.NodePurged', data: { driveId: s.driveId, nodeId: s.id } }];
    case 'patchProps': {
      if (!isLive(s)) throw new NotFoundError('no such file or folder');
      const next = new Set(Object.keys(s.props));
      for (const k of Object.keys(c.set)) next.add(k);
      for (const k of c.remove) next.delete(k);
      if (next.size > MAX_DEAD_PROPS) throw new ValidationError(`at most ${MAX_DEAD_PROPS} properties per item`, { code: 'too_many_props' });
      const set = Object.fromEntries(Object.entries(c.set).filter(([k, v]) => s.props[k] !== v));
      const remove = c.remove.filter((k) => k in s.props && !(k in c.set));
      if (Object.keys(set).length === 0 && remove.length === 0) return [];
      return [{ type: 'drive.PropertiesChanged', data: { driveId: s.driveId, nodeId: s.id, set, remove } }];
    }
  }
}

export const nodeDecider: Decider<NodeState, NodeCommand, NodeEvent> = {
  initialState: initialNode,
  evolve: evolveNode,
  decide: (c, s) => decideNode(c, s),
};
