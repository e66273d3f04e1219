import { defineProjection } from '../../../core/projections/types.ts';
import type { FavoriteEvent } from '../events.ts';

/** drive_favorites: one row per starred item per user. */
export const driveFavorites = defineProjection({
  name: 'drive.favorites',
  version: 1,
  handles: ['drive.FavoriteAdded', 'drive.FavoriteRemoved'],
  async handle(event, db) {
    const e = event as unknown as FavoriteEvent;
    if (e.type === 'drive.FavoriteAdded') {
      await db.insertInto('drive_favorites').values({ user_id: e.data.userId, node_id: e.data.nodeId, drive_id: e.data.driveId, added_at: event.metadata.time })
        .onConflict((oc) => oc.columns(['user_id', 'node_id']).doNothing()).execute();
    } else {
      await db.deleteFrom('drive_favorites').where('user_id', '=', e.data.userId).where('node_id', '=', e.data.nodeId).execute();
    }
  },
  async truncate(db) { await db.deleteFrom('drive_favorites').execute(); },
});
