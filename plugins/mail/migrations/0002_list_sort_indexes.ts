// Indexes for the message list's other orders (from, subject, size): without them a
// page of a 100,000-message folder sorted by sender scans and sorts the whole folder.
// The expressions must match message-list-query.ts character for character, or SQLite
// will not use them.
import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const SORT_EXPRESSIONS = {
  from: "lower(json_extract(idx, '$.from'))",
  subject: "lower(json_extract(idx, '$.subject'))",
} as const;

export const createListSortIndexes: Migration = {
  name: '0002_list_sort_indexes',
  async up(db) {
    await sql.raw(`create index mail_messages_by_from on mail_messages (mailbox_id, ${SORT_EXPRESSIONS.from}, uid desc)`).execute(db);
    await sql.raw(`create index mail_messages_by_subject on mail_messages (mailbox_id, ${SORT_EXPRESSIONS.subject}, uid desc)`).execute(db);
    await sql`create index mail_messages_by_size on mail_messages (mailbox_id, size desc, uid desc)`.execute(db);
  },
};
