import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const createDrive: Migration = {
  name: '0001_drive',
  async up(db) {
    await db.schema.createTable('drive_drives')
      .addColumn('drive_id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('quota_bytes', 'integer', (c) => c.notNull())
      .addColumn('used_bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('drive_drives_owner').on('drive_drives').column('owner_id').execute();

    await db.schema.createTable('drive_nodes')
      .addColumn('node_id', 'text', (c) => c.primaryKey())
      .addColumn('drive_id', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('etag', 'integer', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .addColumn('trashed_at', 'text')
      .addColumn('props', 'text', (c) => c.notNull())
      .execute();
    // Listing a folder (PROPFIND depth 1, the browser) and resolving a path segment both
    // walk this index; it is also the backstop for "one live node per (parent, name)".
    await sql`create unique index drive_nodes_live_name on drive_nodes (drive_id, parent_id, name) where trashed_at is null`.execute(db);
    await db.schema.createIndex('drive_nodes_parent').on('drive_nodes').columns(['drive_id', 'parent_id']).execute();
    await db.schema.createIndex('drive_nodes_trash').on('drive_nodes').columns(['drive_id', 'trashed_at']).execute();

    await db.schema.createTable('drive_versions')
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('drive_versions_pk', ['node_id', 'version'])
      .execute();

    // WebDAV locks are coordination, not user data: a plain table, never events.
    await db.schema.createTable('drive_locks')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('drive_id', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('depth', 'text', (c) => c.notNull())
      .addColumn('owner_xml', 'text', (c) => c.notNull())
      .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('drive_locks_drive').on('drive_locks').columns(['drive_id', 'expires_at']).execute();
  },
};
