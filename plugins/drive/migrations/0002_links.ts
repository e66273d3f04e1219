import type { Migration } from '../../../core/db/migrations.ts';

export const createLinks: Migration = {
  name: '0002_links',
  async up(db) {
    await db.schema.createTable('drive_links')
      .addColumn('link_id', 'text', (c) => c.primaryKey())
      .addColumn('token', 'text', (c) => c.notNull().unique())
      .addColumn('drive_id', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('access', 'text', (c) => c.notNull())
      .addColumn('permission', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('drive_links_drive').on('drive_links').columns(['drive_id', 'node_id']).execute();
  },
};
