import type { Migration } from '../../../core/db/migrations.ts';

export const createOutgoingHooksTable: Migration = {
  name: '0002_outgoing_webhooks',
  async up(db) {
    await db.schema.createTable('chat_outgoing_hooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      /** JSON array; empty = every message. */
      .addColumn('trigger_words', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('chat_outgoing_hooks_channel').on('chat_outgoing_hooks').columns(['channel_id']).execute();
  },
};
