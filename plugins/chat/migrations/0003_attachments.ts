import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const addAttachments: Migration = {
  name: '0003_attachments',
  async up(db) {
    // JSON [{sha256, name, type, size}], kept when the message is deleted (a restore brings them back).
    await sql`alter table chat_messages add column attachments text not null default '[]'`.execute(db);
  },
};
