import { defineProjection } from '../../../core/projections/types.ts';
import type { DriveEvent } from '../events.ts';

/**
 * drive_drives, drive_nodes, drive_versions. Usage per drive counts the current
 * content of every file not yet purged (trash included: it still takes the space);
 * earlier versions are not counted.
 */
export const driveNodes = defineProjection({
  name: 'drive.nodes',
  version: 1,
  handles: ['drive.DriveCreated', 'drive.QuotaChanged', 'drive.FolderCreated', 'drive.FileWritten', 'drive.NodeMoved', 'drive.NodeTrashed', 'drive.NodeRestored', 'drive.NodePurged', 'drive.PropertiesChanged'],
  async handle(event, db) {
    const e = event as unknown as DriveEvent;
    const time = event.metadata.time;
    const position = event.position;
    const usage = async (driveId: string, delta: number) => {
      if (delta !== 0) await db.updateTable('drive_drives').set((eb) => ({ used_bytes: eb('used_bytes', '+', delta) })).where('drive_id', '=', driveId).execute();
    };
    switch (e.type) {
      case 'drive.DriveCreated':
        await db.insertInto('drive_drives').values({ drive_id: e.data.driveId, owner_id: e.data.ownerId, name: e.data.name, quota_bytes: e.data.quotaBytes, used_bytes: 0, created_at: time, position }).execute();
        return;
      case 'drive.QuotaChanged':
        await db.updateTable('drive_drives').set({ quota_bytes: e.data.quotaBytes, position }).where('drive_id', '=', e.data.driveId).execute();
        return;
      case 'drive.FolderCreated':
        await db.insertInto('drive_nodes').values({
          node_id: e.data.nodeId, drive_id: e.data.driveId, parent_id: e.data.parentId, name: e.data.name, kind: 'folder', size: 0, sha256: null,
          content_type: '', version: 0, etag: position, created: time, modified: time, trashed_at: null, props: '{}',
        }).onConflict((oc) => oc.column('node_id').doUpdateSet({ parent_id: e.data.parentId, name: e.data.name, kind: 'folder', trashed_at: null, etag: position, modified: time })).execute();
        return;
      case 'drive.FileWritten': {
        // The client's own file time when it gave one (X-OC-Mtime), else the write's.
        const modified = e.data.mtime !== undefined ? new Date(e.data.mtime).toISOString() : time;
        const before = await db.selectFrom('drive_nodes').select(['size', 'kind']).where('node_id', '=', e.data.nodeId).executeTakeFirst();
        await db.insertInto('drive_nodes').values({
          node_id: e.data.nodeId, drive_id: e.data.driveId, parent_id: e.data.parentId, name: e.data.name, kind: 'file', size: e.data.size, sha256: e.data.sha256,
          content_type: e.data.contentType, version: e.data.version, etag: position, created: time, modified, trashed_at: null, props: '{}',
        }).onConflict((oc) => oc.column('node_id').doUpdateSet({
          parent_id: e.data.parentId, name: e.data.name, size: e.data.size, sha256: e.data.sha256, content_type: e.data.contentType,
          version: e.data.version, etag: position, modified, trashed_at: null,
        })).execute();
        await db.insertInto('drive_versions').values({ node_id: e.data.nodeId, version: e.data.version, sha256: e.data.sha256, size: e.data.size, content_type: e.data.contentType, time, position, actor: event.metadata.actor })
          .onConflict((oc) => oc.columns(['node_id', 'version']).doNothing()).execute();
        await usage(e.data.driveId, e.data.size - (before?.kind === 'file' ? Number(before.size) : 0));
        return;
      }
      case 'drive.NodeMoved':
        await db.updateTable('drive_nodes').set({ parent_id: e.data.parentId, name: e.data.name, etag: position }).where('node_id', '=', e.data.nodeId).execute();
        return;
      case 'drive.NodeTrashed':
        await db.updateTable('drive_nodes').set({ trashed_at: time, etag: position }).where('node_id', '=', e.data.nodeId).execute();
        return;
      case 'drive.NodeRestored':
        await db.updateTable('drive_nodes').set({ trashed_at: null, parent_id: e.data.parentId, name: e.data.name, etag: position }).where('node_id', '=', e.data.nodeId).execute();
        return;
      case 'drive.NodePurged': {
        const before = await db.selectFrom('drive_nodes').select(['size', 'kind']).where('node_id', '=', e.data.nodeId).executeTakeFirst();
        await db.deleteFrom('drive_nodes').where('node_id', '=', e.data.nodeId).execute();
        await db.deleteFrom('drive_versions').where('node_id', '=', e.data.nodeId).execute();
        await usage(e.data.driveId, before?.kind === 'file' ? -Number(before.size) : 0);
        return;
      }
      case 'drive.PropertiesChanged': {
        const row = await db.selectFrom('drive_nodes').select('props').where('node_id', '=', e.data.nodeId).executeTakeFirst();
        if (!row) return;
        const props = { ...(JSON.parse(row.props as string) as Record<string, string>), ...e.data.set };
        for (const k of e.data.remove) delete props[k];
        // Dead properties do not change the content, so the ETag stays.
        await db.updateTable('drive_nodes').set({ props: JSON.stringify(props) }).where('node_id', '=', e.data.nodeId).execute();
        return;
      }
    }
  },
  async truncate(db) {
    await db.deleteFrom('drive_drives').execute();
    await db.deleteFrom('drive_nodes').execute();
    await db.deleteFrom('drive_versions').execute();
  },
});
