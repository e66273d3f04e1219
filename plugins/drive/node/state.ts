import type { StoredEvent } from '../../../core/events/types.ts';
import type { NodeEvent } from '../events.ts';

export interface DriveNode {
  id: string;
  driveId: string;
  kind: 'folder' | 'file';
  parentId: string;
  name: string;
  sha256: string | null;
  size: number;
  contentType: string;
  version: number;
  trashed: boolean;
  /** Purged nodes keep their last content in state, so a restore inside retention can bring them back. */
  purged: boolean;
  props: Record<string, string>;
}
export type NodeState = DriveNode | undefined;

export const initialNode = (): NodeState => undefined;

export const isLive = (n: NodeState): n is DriveNode => !!n && !n.trashed && !n.purged;

export function evolveNode(state: NodeState, event: StoredEvent): NodeState {
  const e = event as unknown as NodeEvent;
  switch (e.type) {
    case 'drive.FolderCreated':
      return { id: e.data.nodeId, driveId: e.data.driveId, kind: 'folder', parentId: e.data.parentId, name: e.data.name, sha256: null, size: 0, contentType: '', version: 0, trashed: false, purged: false, props: state && !state.purged ? state.props : {} };
    case 'drive.FileWritten':
      return {
        id: e.data.nodeId, driveId: e.data.driveId, kind: 'file', parentId: e.data.parentId, name: e.data.name, sha256: e.data.sha256,
        size: e.data.size, contentType: e.data.contentType, version: e.data.version,
        // A new version of a trashed or purged file (a restore) brings it back.
        trashed: false, purged: false, props: state && !state.purged ? state.props : {},
      };
    case 'drive.NodeMoved':
      return state && { ...state, parentId: e.data.parentId, name: e.data.name };
    case 'drive.NodeTrashed':
      return state && { ...state, trashed: true };
    case 'drive.NodeRestored':
      return state && { ...state, trashed: false, purged: false, parentId: e.data.parentId, name: e.data.name };
    case 'drive.NodePurged':
      return state && { ...state, trashed: true, purged: true };
    case 'drive.PropertiesChanged': {
      if (!state) return state;
      const props = { ...state.props, ...e.data.set };
      for (const k of e.data.remove) delete props[k];
      return { ...state, props };
    }
    default:
      return state;
  }
}
