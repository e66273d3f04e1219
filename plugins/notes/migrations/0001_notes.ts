import type { Migration } from '../../../core/db/migrations.ts';

export const createNotes: Migration = {
  name: '0001_notes',
  async up(db) {
    await db.schema.createTable('notes_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('notes_notes_owner').on('notes_notes').columns(['owner', 'updated_at']).execute();
  },
};
