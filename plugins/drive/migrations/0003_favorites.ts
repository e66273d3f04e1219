import type { Migration } from '../../../core/db/migrations.ts';

export const createFavorites: Migration = {
  name: '0003_favorites',
  async up(db) {
    await db.schema.createTable('drive_favorites')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('drive_id', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('drive_favorites_pk', ['user_id', 'node_id'])
      .execute();
  },
};
