// The drive's commands. Every change is decided per node stream (node/decide.ts) and
// appended; changes that touch several nodes (copy of a folder, also into another
// drive; move over an existing item; purge of a folder) are one atomic multi-stream
// append. Uniqueness of a name in a folder spans streams, so it is checked against the
// read model before appending and enforced by the unique index drive_nodes_live_name
// inside the append transaction.
import type { Kysely } from 'kysely';
import type { BlobSource, BlobStore } from '../../../core/blobs/index.ts';
import { BlobTooLargeError } from '../../../core/blobs/index.ts';
import { INLINE_MAX_BYTES } from '../../../core/blobs/inline-blobs.ts';
import type { EventLog, StreamAppend } from '../../../core/events/event-log.ts';
import { fold, handleCommand } from '../../../core/events/handle-command.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { CairnError, ConflictError, LimitExceededError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import { newId } from '../../../core/ids.ts';
import { driveDecider } from '../drive/decide.ts';
import { driveStream, favoritesStream, nodeStream, type NodeEvent } from '../events.ts';
import { favoritesDecider } from '../favorites/decide.ts';
import { decideNode, nodeDecider, type NodeCommand } from '../node/decide.ts';
import { alternativeName, assertValidName, normalizeName } from '../node/names.ts';
import { contentTypeFor } from './content-type.ts';
import { createDriveQueries, ROOT, type DriveRow, type NodeRow } from './queries.ts';
import { requireAccess } from './access.ts';
import { planRestore, restoreCollection, type RestorePlan } from '../../../core/restore/point-in-time.ts';
import type { RestorePoint } from '../../../core/restore/restore-point.ts';
import { folderRestoreSpec, type DriveTree } from '../node/folder-restore.ts';

/**
 * What a folder restore does, by item name (the preview, and the result): `reverted` get
 * their earlier content (or properties) back, `moved` their earlier name or place
 * (`from` is the name now, `to` the name then).
 */
export interface FolderRestoreSummary { position: number; removed: string[]; broughtBack: string[]; reverted: string[]; moved: { from: string; to: string }[] }

function summarize(plan: RestorePlan<DriveTree>): FolderRestoreSummary {
  const out: FolderRestoreSummary = { position: plan.position, removed: [], broughtBack: [], reverted: [], moved: [] };
  for (const a of plan.appends) {
    const id = (a.events[0]!.data as { nodeId: string }).nodeId;
    const now = plan.current.get(id);
    const name = plan.target.get(id)?.name ?? now?.name ?? id;
    const types = a.events.map((e) => e.type);
    if (types.includes('drive.NodeTrashed')) out.removed.push(name);
    else if (types.includes('drive.NodeRestored') || types.includes('drive.FolderCreated') || (types.includes('drive.FileWritten') && (!now || now.purged))) out.broughtBack.push(name);
    else if (types.includes('drive.FileWritten') || !types.includes('drive.NodeMoved')) out.reverted.push(name);
    else out.moved.push({ from: now?.name ?? name, to: name });
  }
  return out;
}

/** Quota of a new personal drive unless the config's drive.quotaBytes says otherwise. */
export const DEFAULT_QUOTA_BYTES = 10 * 1024 ** 3;
/** How long trash is kept when the organization turned restore off (retention 0). */
const DEFAULT_TRASH_DAYS = 30;
/** Events per append when purging or copying many items: the event log's own ceiling is 10,000. */
const APPEND_CHUNK = 5_000;
/** Folders offered in move and restore pickers; a drive with more is better served by WebDAV clients. */
const MAX_FOLDER_CHOICES = 5_000;
/** Names tried for "report (n).pdf" before giving up on a free one. */
const MAX_ALTERNATIVE_NAMES = 100;

export interface DriveServiceDeps { db: Kysely<any>; events: EventLog; blobs: BlobStore; auth: AuthService; config: Record<string, unknown> }

export interface WriteInput {
  /** The body, streamed into the blob store. */
  source: BlobSource;
  contentType?: string;
  /** Content-Length when the client sent one: a too-large upload is refused before any byte is stored. */
  declaredLength?: number;
  /** 'replace' (default) adds a version to a file of that name; 'keep-both' picks "name (2).ext" (drop boxes). */
  onConflict?: 'replace' | 'keep-both';
  /** The file's own modification time (ms), when the client says it (X-OC-Mtime); otherwise the write's time. */
  mtime?: number;
}

/** 507 (RFC 4918 §11.5); `destination_full` when the drive charged is not the user's own (a copy into a shared folder). */
export class QuotaExceededError extends LimitExceededError {
  constructor(message = 'not enough space left in this drive', code = 'quota_exceeded') { super(message, code, 507); }
}

/** Where a copy goes: a folder (ROOT for the top) of a drive, under the source's name unless `name` is given. */
export interface CopyDestination { driveId: string; parentId: string; name?: string }
/** An item of that name in the destination: replaced (to the trash), refused (412), or the copy is named "name (2)". */
export type CopyConflict = 'overwrite' | 'fail' | 'keep-both';
export interface CopyResult { replaced: boolean; nodeId: string; name: string }

/** The destination of a MOVE or COPY exists and Overwrite was F (RFC 4918 §10.6): 412. */
export class DestinationExistsError extends CairnError {
  constructor() { super('destination_exists', 'an item with that name exists there already', { status: 412 }); }
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_CONSTRAINT');
}
function translate(e: unknown): unknown {
  return isUniqueViolation(e) ? new ConflictError('an item with that name exists in that folder already', 'name_taken') : e;
}

export function createDriveService(deps: DriveServiceDeps) {
  const q = createDriveQueries(deps.db);
  const configured = deps.config.quotaBytes;
  const defaultQuota = typeof configured === 'number' && Number.isSafeInteger(configured) && configured >= 0 ? configured : DEFAULT_QUOTA_BYTES;

  const run = async (driveId: string, nodeId: string, command: NodeCommand, metadata: EventMetadata) => {
    try {
      return await handleCommand(deps.events, nodeStream(driveId, nodeId), nodeDecider, command, { metadata });
    } catch (e) {
      throw translate(e);
    }
  };

  /** Decides a command without appending: one part of a multi-node append. */
  const plan = async (driveId: string, nodeId: string, command: NodeCommand): Promise<StreamAppend | undefined> => {
    const stream = nodeStream(driveId, nodeId);
    const history = await deps.events.readStream(stream);
    const events: NodeEvent[] = decideNode(command, fold(nodeDecider, history));
    if (events.length === 0) return undefined;
    return { stream, expected: history.length === 0 ? 0 : history[history.length - 1]!.streamPosition, events };
  };

  const commit = async (parts: (StreamAppend | undefined)[], metadata: EventMetadata) => {
    const list = parts.filter((p): p is StreamAppend => p !== undefined);
    for (let i = 0; i < list.length; i += APPEND_CHUNK) {
      try {
        await deps.events.appendMulti(list.slice(i, i + APPEND_CHUNK), { metadata });
      } catch (e) {
        throw translate(e);
      }
    }
  };

  /** A live folder reachable from the root (or the root itself), else 409: the parent of a new item must exist. */
  const requireFolder = async (driveId: string, folderId: string): Promise<void> => {
    if (folderId === ROOT) return;
    const { chain, reachable } = await q.ancestry(driveId, folderId);
    if (!reachable || chain[0]?.kind !== 'folder' || chain[0].trashed_at !== null) throw new ConflictError('the parent folder does not exist', 'parent_missing');
  };

  const requireLive = async (driveId: string, nodeId: string): Promise<NodeRow> => {
    const n = await q.node(driveId, nodeId);
    if (!n || n.trashed_at !== null) throw new NotFoundError('no such file or folder');
    return n;
  };

  const available = async (driveId: string): Promise<number> => {
    const d = await q.drive(driveId);
    if (!d) throw new NotFoundError('no such drive');
    return Math.max(0, Number(d.quota_bytes) - Number(d.used_bytes));
  };

  const freeName = async (driveId: string, parentId: string, name: string): Promise<string> => {
    if (!(await q.child(driveId, parentId, name))) return name;
    for (let n = 2; n < MAX_ALTERNATIVE_NAMES; n++) {
      const alt = alternativeName(name, n);
      if (Buffer.byteLength(alt) <= 255 && !(await q.child(driveId, parentId, alt))) return alt;
    }
    throw new ConflictError('no free name left for that item', 'name_taken');
  };

  /**
   * The copy itself: new nodes in the destination drive sharing the originals' blobs (no
   * byte is copied, so only the destination's quota is charged), appended at once.
   */
  const copyTree = async (node: NodeRow, to: CopyDestination, opts: { onConflict: CopyConflict; deep: boolean; quotaCode?: string }, metadata: EventMetadata): Promise<CopyResult> => {
    const driveId = to.driveId;
    const toParentId = to.parentId;
    let name = normalizeName(to.name ?? node.name);
    assertValidName(name);
    await requireFolder(driveId, toParentId);
    if (node.kind === 'folder' && opts.deep && toParentId !== ROOT && node.drive_id === driveId) {
      const { chain } = await q.ancestry(driveId, toParentId);
      if (chain.some((a) => a.node_id === node.node_id)) throw new ConflictError('a folder cannot be copied into itself', 'copy_into_self');
    }
    let dest = await q.child(driveId, toParentId, name);
    if (dest?.node_id === node.node_id && opts.onConflict !== 'keep-both') throw new ConflictError('source and destination are the same', 'same_resource');
    if (dest && opts.onConflict === 'fail') throw new DestinationExistsError();
    if (dest && opts.onConflict === 'keep-both') {
      name = await freeName(driveId, toParentId, name);
      dest = undefined;
    }
    const items = opts.deep ? await q.subtree(node.drive_id, node) : [node];
    const bytes = items.reduce((s, n) => s + (n.kind === 'file' ? Number(n.size) : 0), 0);
    if (bytes > (await available(driveId)) + (dest?.kind === 'file' ? Number(dest.size) : 0)) {
      throw new QuotaExceededError(opts.quotaCode === 'destination_full' ? 'not enough space left in the destination drive' : undefined, opts.quotaCode);
    }
    const ids = new Map<string, string>();
    const parts: (StreamAppend | undefined)[] = [dest ? await plan(driveId, dest.node_id, { type: 'trash' }) : undefined];
    for (const item of items) {
      const id = newId();
      ids.set(item.node_id, id);
      const parentId = item === node ? toParentId : ids.get(item.parent_id)!;
      const itemName = item === node ? name : item.name;
      const events: NodeEvent[] = item.kind === 'folder'
        ? [{ type: 'drive.FolderCreated', data: { driveId, nodeId: id, parentId, name: itemName } }]
        : [{ type: 'drive.FileWritten', blobs: [item.sha256!], data: { driveId, nodeId: id, parentId, name: itemName, sha256: item.sha256!, size: Number(item.size), contentType: item.content_type, version: 1 } }];
      const props = JSON.parse(item.props) as Record<string, string>;
      if (Object.keys(props).length > 0) events.push({ type: 'drive.PropertiesChanged', data: { driveId, nodeId: id, set: props, remove: [] } });
      parts.push({ stream: nodeStream(driveId, id), expected: 'no-stream', events });
    }
    await commit(parts, metadata);
    return { replaced: !!dest, nodeId: ids.get(node.node_id)!, name };
  };

  const service = {
    queries: q,

    /** The user's personal drive, created on first use (its id is the user's id, so creation is idempotent). */
    async personalDrive(user: SessionUser, metadata: EventMetadata): Promise<DriveRow> {
      const existing = await q.drive(user.id);
      if (existing) return existing;
      await handleCommand(deps.events, driveStream(user.id), driveDecider, { type: 'create', driveId: user.id, ownerId: user.id, name: user.displayName || user.email, quotaBytes: defaultQuota }, { metadata });
      return (await q.drive(user.id))!;
    },

    async setQuota(driveId: string, quotaBytes: number, metadata: EventMetadata): Promise<void> {
      await handleCommand(deps.events, driveStream(driveId), driveDecider, { type: 'setQuota', quotaBytes }, { metadata });
    },

    async createFolder(driveId: string, parentId: string, rawName: string, metadata: EventMetadata): Promise<NodeRow> {
      const name = normalizeName(rawName.trim());
      assertValidName(name);
      await requireFolder(driveId, parentId);
      if (await q.child(driveId, parentId, name)) throw new ConflictError('an item with that name exists in that folder already', 'name_taken');
      const nodeId = newId();
      await run(driveId, nodeId, { type: 'createFolder', driveId, nodeId, parentId, name }, metadata);
      return (await q.node(driveId, nodeId))!;
    },

    /**
     * Streams the body into the blob store (bounded by the space left), then appends
     * FileWritten: a new file, or a new version of the live file with that name.
     */
    async writeFile(driveId: string, parentId: string, rawName: string, input: WriteInput, metadata: EventMetadata): Promise<{ node: NodeRow; created: boolean }> {
      let name = normalizeName(rawName);
      assertValidName(name);
      await requireFolder(driveId, parentId);
      if (input.onConflict === 'keep-both') name = await freeName(driveId, parentId, name);
      const existing = await q.child(driveId, parentId, name);
      if (existing?.kind === 'folder') throw new ConflictError('a folder has that name', 'is_folder');
      const room = (await available(driveId)) + (existing ? Number(existing.size) : 0);
      if (input.declaredLength !== undefined && input.declaredLength > room) throw new QuotaExceededError();
      let blob;
      try {
        // A small file whose length is declared is read into memory and staged: it becomes
        // durable with the FileWritten event, in the same group commit, instead of costing a
        // file, its fsync and a directory fsync of its own (10,000 small files over rclone).
        const small = input.declaredLength !== undefined && input.declaredLength <= INLINE_MAX_BYTES && input.declaredLength <= room
          ? await readSmall(input.source, input.declaredLength) : undefined;
        blob = small ? await deps.blobs.stage(small) : await deps.blobs.write(input.source, { maxBytes: Math.min(room, deps.blobs.maxBlobBytes) });
      } catch (e) {
        if (e instanceof BlobTooLargeError) throw room < deps.blobs.maxBlobBytes ? new QuotaExceededError() : new LimitExceededError(e.message, 'file_too_large', 413);
        throw e;
      }
      const contentType = contentTypeFor(name, input.contentType);
      for (let attempt = 0; ; attempt++) {
        const current = attempt === 0 ? existing : await q.child(driveId, parentId, name);
        const nodeId = current?.node_id ?? newId();
        try {
          await run(driveId, nodeId, { type: 'writeFile', driveId, nodeId, parentId, name, sha256: blob.sha256, size: blob.size, contentType, ...(input.mtime !== undefined ? { mtime: input.mtime } : {}) }, metadata);
          return { node: (await q.node(driveId, nodeId))!, created: !current };
        } catch (e) {
          // Two clients created the same new name at once: the second becomes a new version.
          if (attempt === 0 && e instanceof ConflictError && e.code === 'name_taken') continue;
          throw e;
        }
      }
    },

    /** Rename and/or move; `overwrite` trashes an item in the way (recoverable), else DestinationExistsError. */
    async move(driveId: string, nodeId: string, toParentId: string, rawName: string, opts: { overwrite: boolean }, metadata: EventMetadata): Promise<{ replaced: boolean }> {
      const name = normalizeName(rawName);
      assertValidName(name);
      const node = await requireLive(driveId, nodeId);
      await requireFolder(driveId, toParentId);
      if (node.kind === 'folder' && toParentId !== ROOT) {
        const { chain } = await q.ancestry(driveId, toParentId);
        if (chain.some((a) => a.node_id === nodeId)) throw new ConflictError('a folder cannot be moved into itself', 'move_into_self');
      }
      const dest = await q.child(driveId, toParentId, name);
      if (dest?.node_id === nodeId) return { replaced: false };
      if (dest && !opts.overwrite) throw new DestinationExistsError();
      await commit([
        dest ? await plan(driveId, dest.node_id, { type: 'trash' }) : undefined,
        await plan(driveId, nodeId, { type: 'move', parentId: toParentId, name }),
      ], metadata);
      return { replaced: !!dest };
    },

    /** Copies a file, or a folder with (deep) or without its content, inside one drive (WebDAV semantics: Overwrite or 412). */
    async copy(driveId: string, nodeId: string, toParentId: string, rawName: string, opts: { overwrite: boolean; deep: boolean }, metadata: EventMetadata): Promise<{ replaced: boolean; nodeId: string }> {
      const node = await requireLive(driveId, nodeId);
      const { replaced, nodeId: copyId } = await copyTree(node, { driveId, parentId: toParentId, name: rawName }, { onConflict: opts.overwrite ? 'overwrite' : 'fail', deep: opts.deep }, metadata);
      return { replaced, nodeId: copyId };
    },

    /**
     * Copies an item the user may read into a folder they may write, in the same drive or
     * another one (their own, or a folder shared with them): the same copy as above, with
     * the rights checked here so that every edge (browser, WebDAV) gets them.
     */
    async copyTo(user: SessionUser, from: { driveId: string; nodeId: string }, to: CopyDestination, opts: { onConflict: CopyConflict; deep: boolean }, metadata: EventMetadata): Promise<CopyResult> {
      await requireAccess(deps.auth, q, user, from.driveId, from.nodeId, 'read');
      await requireAccess(deps.auth, q, user, to.driveId, to.parentId, 'write');
      const node = await requireLive(from.driveId, from.nodeId);
      const destination = await q.drive(to.driveId);
      return copyTree(node, to, { ...opts, quotaCode: destination?.owner_id === user.id ? 'quota_exceeded' : 'destination_full' }, metadata);
    },

    /** To the trash: recoverable until purged. A folder goes with everything in it. */
    async trash(driveId: string, nodeId: string, metadata: EventMetadata): Promise<void> {
      await requireLive(driveId, nodeId);
      await run(driveId, nodeId, { type: 'trash' }, metadata);
    },

    /** Back from the trash to where it was, or to the root when that folder is gone; renamed if its name is taken. */
    async untrash(driveId: string, nodeId: string, metadata: EventMetadata): Promise<NodeRow> {
      const node = await q.node(driveId, nodeId);
      if (!node || node.trashed_at === null) throw new NotFoundError('that item is not in the trash');
      const parent = node.parent_id === ROOT ? ROOT : (await q.ancestry(driveId, node.parent_id)).reachable && (await q.node(driveId, node.parent_id))?.trashed_at === null ? node.parent_id : ROOT;
      const name = await freeName(driveId, parent, node.name);
      await run(driveId, nodeId, { type: 'restore', parentId: parent, name }, metadata);
      return (await q.node(driveId, nodeId))!;
    },

    /** Permanently removes a trashed item and everything under it. */
    async purge(driveId: string, nodeId: string, metadata: EventMetadata): Promise<void> {
      const node = await q.node(driveId, nodeId);
      if (!node || node.trashed_at === null) throw new NotFoundError('that item is not in the trash');
      const items = await q.subtree(driveId, node);
      // Children first, so the read model never holds an orphan while the append runs.
      const parts = await Promise.all(items.reverse().map((n) => plan(driveId, n.node_id, { type: 'purge' })));
      await commit(parts, metadata);
    },

    async emptyTrash(driveId: string, metadata: EventMetadata): Promise<number> {
      const items = await q.trash(driveId);
      for (const n of items) if (await q.node(driveId, n.node_id)) await service.purge(driveId, n.node_id, metadata);
      return items.length;
    },

    /**
     * Purges what has been in the trash longer than the organization's retention window
     * (30 days when restore is off): past it, a folder restore could not bring it back anyway.
     */
    async purgeExpiredTrash(now = new Date()): Promise<number> {
      const days = (await deps.auth.retentionDays()) || DEFAULT_TRASH_DAYS;
      const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
      const rows = (await deps.db.selectFrom('drive_nodes').select(['drive_id', 'node_id']).where('trashed_at', 'is not', null)
        .where('trashed_at', '<', cutoff).limit(APPEND_CHUNK).execute()) as { drive_id: string; node_id: string }[];
      const metadata: EventMetadata = { actor: 'system', source: 'system', time: now.toISOString() };
      let purged = 0;
      for (const r of rows) {
        if (!(await q.node(r.drive_id, r.node_id))) continue; // went with a purged folder
        await service.purge(r.drive_id, r.node_id, metadata);
        purged++;
      }
      return purged;
    },

    async patchProps(driveId: string, nodeId: string, set: Record<string, string>, remove: string[], metadata: EventMetadata): Promise<void> {
      await run(driveId, nodeId, { type: 'patchProps', set, remove }, metadata);
    },

    /** Makes an earlier version the current one (as a new version: history is kept). */
    async restoreVersion(driveId: string, nodeId: string, version: number, metadata: EventMetadata): Promise<void> {
      const node = await requireLive(driveId, nodeId);
      const v = (await q.versions(nodeId)).find((r) => r.version === version);
      if (!v) throw new NotFoundError('no such version');
      if (v.size > (await available(driveId)) + Number(node.size)) throw new QuotaExceededError();
      await run(driveId, nodeId, { type: 'writeFile', driveId, nodeId, parentId: node.parent_id, name: node.name, sha256: v.sha256, size: v.size, contentType: v.content_type }, metadata);
    },

    async usage(driveId: string): Promise<{ used: number; quota: number; available: number }> {
      const d = await q.drive(driveId);
      if (!d) throw new NotFoundError('no such drive');
      return { used: Number(d.used_bytes), quota: Number(d.quota_bytes), available: Math.max(0, Number(d.quota_bytes) - Number(d.used_bytes)) };
    },

    /** What restoring the folder (or the whole drive: ROOT) to `at` would do. */
    async previewFolderRestore(driveId: string, folderId: string, at: RestorePoint, metadata: EventMetadata): Promise<FolderRestoreSummary> {
      if (folderId !== ROOT) await requireLive(driveId, folderId);
      return summarize(await planRestore(deps.events, folderRestoreSpec(driveId, folderId), at, metadata, await deps.auth.retentionDays()));
    },

    /** Restores the folder's content as it was at `at`, in one atomic append (undoable by another restore). */
    async restoreFolder(driveId: string, folderId: string, at: RestorePoint, metadata: EventMetadata): Promise<FolderRestoreSummary> {
      if (folderId !== ROOT) await requireLive(driveId, folderId);
      try {
        const { plan } = await restoreCollection(deps.events, folderRestoreSpec(driveId, folderId), at, metadata, await deps.auth.retentionDays());
        return summarize(plan);
      } catch (e) {
        throw translate(e);
      }
    },

    /** Every live folder of the drive with its path ("Projects/2026"), for move and restore pickers. */
    async folderPaths(driveId: string): Promise<{ id: string; path: string }[]> {
      const rows = (await deps.db.selectFrom('drive_nodes').select(['node_id', 'parent_id', 'name']).where('drive_id', '=', driveId)
        .where('kind', '=', 'folder').where('trashed_at', 'is', null).limit(MAX_FOLDER_CHOICES).execute()) as { node_id: string; parent_id: string; name: string }[];
      const byId = new Map(rows.map((r) => [r.node_id, r]));
      const paths = new Map<string, string | null>();
      const pathOf = (id: string, depth = 0): string | null => {
        if (paths.has(id)) return paths.get(id)!;
        const r = byId.get(id);
        const parent = r === undefined || depth > 100 ? null : r.parent_id === ROOT ? '' : pathOf(r.parent_id, depth + 1);
        const p = r === undefined || parent === null ? null : parent === '' ? r.name : `${parent}/${r.name}`;
        paths.set(id, p);
        return p;
      };
      return rows.map((r) => ({ id: r.node_id, path: pathOf(r.node_id) })).filter((f): f is { id: string; path: string } => f.path !== null)
        .sort((a, b) => a.path.localeCompare(b.path));
    },

    /** Stars or unstars an item for a user (who must be able to see it: the caller checks). */
    async setFavorite(userId: string, driveId: string, nodeId: string, on: boolean, metadata: EventMetadata): Promise<void> {
      await handleCommand(deps.events, favoritesStream(userId), favoritesDecider, on ? { type: 'add', userId, driveId, nodeId } : { type: 'remove', userId, nodeId }, { metadata });
    },

    /** A user's starred items that still exist, newest star first. */
    async favorites(userId: string): Promise<NodeRow[]> {
      return (await deps.db.selectFrom('drive_favorites as f').innerJoin('drive_nodes as n', 'n.node_id', 'f.node_id').selectAll('n')
        .where('f.user_id', '=', userId).where('n.trashed_at', 'is', null).orderBy('f.added_at', 'desc').execute()) as NodeRow[];
    },

    async favoriteIds(userId: string): Promise<Set<string>> {
      return new Set((await deps.db.selectFrom('drive_favorites').select('node_id').where('user_id', '=', userId).execute()).map((r) => r.node_id as string));
    },

    /** Names from the root to the node (for hrefs and breadcrumbs). */
    async pathOf(driveId: string, nodeId: string): Promise<NodeRow[]> {
      if (nodeId === ROOT) return [];
      const { chain, reachable } = await q.ancestry(driveId, nodeId);
      if (!reachable) throw new NotFoundError('no such file or folder');
      return chain.reverse();
    },
  };
  return service;
}

export type DriveService = ReturnType<typeof createDriveService>;

/** The whole body of a small upload, refused when it does not have its declared length. */
async function readSmall(source: BlobSource, declared: number): Promise<Buffer | undefined> {
  if (Buffer.isBuffer(source)) return source.length === declared ? source : undefined;
  if (typeof source === 'string' || ArrayBuffer.isView(source)) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of source as AsyncIterable<Uint8Array | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    size += b.length;
    if (size > declared) throw new ValidationError('the body is longer than its Content-Length', { code: 'length_mismatch' });
    chunks.push(b);
  }
  if (size !== declared) throw new ValidationError('the body is shorter than its Content-Length', { code: 'length_mismatch' });
  return Buffer.concat(chunks, size);
}
