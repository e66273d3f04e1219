// The read side of the drive: everything here reads drive_* tables only.
import { sql, type Kysely } from 'kysely';
import { LimitExceededError } from '../../../core/errors.ts';

export interface DriveRow { drive_id: string; owner_id: string; name: string; quota_bytes: number; used_bytes: number; created_at: string; position: number }

export interface NodeRow {
  node_id: string; drive_id: string; parent_id: string; name: string; kind: 'folder' | 'file';
  size: number; sha256: string | null; content_type: string; version: number; etag: number;
  created: string; modified: string; trashed_at: string | null; props: string;
}

export interface VersionRow { node_id: string; version: number; sha256: string; size: number; content_type: string; time: string; position: number; actor: string }

/** The node id of a drive's root folder (which has no row of its own). */
export const ROOT = '';

/** Items walked at once by copy, purge and folder restore; past it, the client is told to split the work. */
export const MAX_SUBTREE_NODES = 10_000;

export type SortKey = 'name' | 'size' | 'modified';

const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

export function createDriveQueries(db: Kysely<any>) {
  const live = () => db.selectFrom('drive_nodes').selectAll().where('trashed_at', 'is', null);
  return {
    async drive(driveId: string): Promise<DriveRow | undefined> {
      return (await db.selectFrom('drive_drives').selectAll().where('drive_id', '=', driveId).executeTakeFirst()) as DriveRow | undefined;
    },
    async node(driveId: string, nodeId: string): Promise<NodeRow | undefined> {
      return (await db.selectFrom('drive_nodes').selectAll().where('drive_id', '=', driveId).where('node_id', '=', nodeId).executeTakeFirst()) as NodeRow | undefined;
    },
    async nodeById(nodeId: string): Promise<NodeRow | undefined> {
      return (await db.selectFrom('drive_nodes').selectAll().where('node_id', '=', nodeId).executeTakeFirst()) as NodeRow | undefined;
    },
    async child(driveId: string, parentId: string, name: string): Promise<NodeRow | undefined> {
      return (await live().where('drive_id', '=', driveId).where('parent_id', '=', parentId).where('name', '=', name).executeTakeFirst()) as NodeRow | undefined;
    },
    /** A folder's items in index order (PROPFIND: clients sort for themselves). */
    async listing(driveId: string, parentId: string): Promise<NodeRow[]> {
      return (await live().where('drive_id', '=', driveId).where('parent_id', '=', parentId).execute()) as NodeRow[];
    },
    /** A folder's items for people: folders first, then by name (case-insensitive, numbers in order), size or date. */
    async children(driveId: string, parentId: string, sort: SortKey = 'name', desc = false): Promise<NodeRow[]> {
      const rows = await this.listing(driveId, parentId);
      const byName = (a: NodeRow, b: NodeRow) => NAME_ORDER.compare(a.name, b.name);
      const cmp = sort === 'size' ? (a: NodeRow, b: NodeRow) => Number(a.size) - Number(b.size) || byName(a, b)
        : sort === 'modified' ? (a: NodeRow, b: NodeRow) => (a.modified < b.modified ? -1 : a.modified > b.modified ? 1 : byName(a, b))
          : byName;
      rows.sort((a, b) => (a.kind === b.kind ? (desc ? -cmp(a, b) : cmp(a, b)) : a.kind === 'folder' ? -1 : 1));
      return rows;
    },
    /** Follows names from the root; undefined when a segment is missing (or not a folder on the way). */
    async resolve(driveId: string, names: readonly string[], start: NodeRow | typeof ROOT = ROOT): Promise<NodeRow | typeof ROOT | undefined> {
      let parent: NodeRow | typeof ROOT = start;
      for (const name of names) {
        if (parent !== ROOT && parent.kind !== 'folder') return undefined;
        const next = await this.child(driveId, parent === ROOT ? ROOT : parent.node_id, name);
        if (!next) return undefined;
        parent = next;
      }
      return parent;
    },
    /** Ids from the node up to (excluding) the root; stops early at a missing or trashed ancestor and says so. */
    async ancestry(driveId: string, nodeId: string): Promise<{ chain: NodeRow[]; reachable: boolean }> {
      const chain: NodeRow[] = [];
      let id = nodeId;
      const seen = new Set<string>();
      while (id !== ROOT) {
        if (seen.has(id)) return { chain, reachable: false };
        seen.add(id);
        const row = await this.node(driveId, id);
        if (!row) return { chain, reachable: false };
        chain.push(row);
        if (row.trashed_at !== null && id !== nodeId) return { chain, reachable: false };
        id = row.parent_id;
      }
      return { chain, reachable: true };
    },
    /** The node and everything under it (live children only), parents before children. */
    async subtree(driveId: string, root: NodeRow): Promise<NodeRow[]> {
      const out: NodeRow[] = [root];
      for (let i = 0; i < out.length; i++) {
        const n = out[i]!;
        if (n.kind !== 'folder') continue;
        const kids = (await live().where('drive_id', '=', driveId).where('parent_id', '=', n.node_id).execute()) as NodeRow[];
        out.push(...kids);
        if (out.length > MAX_SUBTREE_NODES) throw new LimitExceededError(`at most ${MAX_SUBTREE_NODES} items at once; work on smaller folders`, 'subtree_too_large');
      }
      return out;
    },
    async trash(driveId: string): Promise<NodeRow[]> {
      return (await db.selectFrom('drive_nodes').selectAll().where('drive_id', '=', driveId).where('trashed_at', 'is not', null).orderBy('trashed_at', 'desc').execute()) as NodeRow[];
    },
    async versions(nodeId: string): Promise<VersionRow[]> {
      return (await db.selectFrom('drive_versions').selectAll().where('node_id', '=', nodeId).orderBy('version', 'desc').execute()) as VersionRow[];
    },
    /** Files changed most recently, newest first. */
    async recent(driveId: string, limit: number): Promise<NodeRow[]> {
      return (await live().where('drive_id', '=', driveId).where('kind', '=', 'file').orderBy('modified', 'desc').limit(limit).execute()) as NodeRow[];
    },
    async searchByName(driveId: string, text: string, limit: number): Promise<NodeRow[]> {
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return (await live().where('drive_id', '=', driveId).where(sql<boolean>`name like ${pattern} escape '\\'`)
        .orderBy('modified', 'desc').limit(limit).execute()) as NodeRow[];
    },
  };
}

export type DriveQueries = ReturnType<typeof createDriveQueries>;
