import { defineProjection } from '../../../core/projections/types.ts';
import type { LinkEvent } from '../events.ts';

/** drive_links: one row per share link, revoked ones kept with revoked_at. */
export const driveLinks = defineProjection({
  name: 'drive.links',
  version: 1,
  handles: ['drive.LinkCreated', 'drive.LinkRevoked'],
  async handle(event, db) {
    const e = event as unknown as LinkEvent;
    if (e.type === 'drive.LinkCreated') {
      await db.insertInto('drive_links').values({
        link_id: e.data.linkId, token: e.data.token, drive_id: e.data.driveId, node_id: e.data.nodeId, created_by: e.data.createdBy,
        access: e.data.access, permission: e.data.permission, password_hash: e.data.passwordHash, expires_at: e.data.expiresAt,
        created_at: event.metadata.time, revoked_at: null,
      }).execute();
    } else {
      await db.updateTable('drive_links').set({ revoked_at: event.metadata.time }).where('link_id', '=', e.data.linkId).execute();
    }
  },
  async truncate(db) { await db.deleteFrom('drive_links').execute(); },
});
