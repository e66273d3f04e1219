// Conversations: which thread each message belongs to, per account and across folders.
// mail_thread_messages: one row per live message (mailbox_id, uid) with its thread.
// mail_thread_ids: every Message-ID seen in an account — a message's own, and the ones
// it refers to — mapped to the thread it belongs to, so a reply finds its thread and a
// parent that arrives after its replies joins theirs.
import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const createMailThreads: Migration = {
  name: '0200_mail_threads',
  async up(db) {
    await sql`create table mail_thread_messages (
      mailbox_id text not null,
      uid integer not null,
      account_id text not null,
      thread_id text not null,
      primary key (mailbox_id, uid)
    ) without rowid`.execute(db);
    await sql`create index mail_thread_messages_thread on mail_thread_messages (account_id, thread_id)`.execute(db);
    await sql`create table mail_thread_ids (
      account_id text not null,
      message_id_header text not null,
      thread_id text not null,
      primary key (account_id, message_id_header)
    ) without rowid`.execute(db);
    await sql`create index mail_thread_ids_thread on mail_thread_ids (account_id, thread_id)`.execute(db);
  },
};

/** The list's conversation mode groups a folder's messages by thread: a covering index for it. */
export const indexThreadsByMailbox: Migration = {
  name: '0201_mail_threads_by_mailbox',
  async up(db) {
    await sql`create index mail_thread_messages_mailbox on mail_thread_messages (mailbox_id, thread_id, uid)`.execute(db);
  },
};

/**
 * The newest message of each conversation per folder, kept by the projection, so the
 * list's conversation mode pages by an index instead of grouping the whole folder.
 */
export const createThreadHeads: Migration = {
  name: '0202_mail_thread_heads',
  async up(db) {
    await sql`create table mail_thread_heads (
      mailbox_id text not null,
      thread_id text not null,
      head_uid integer not null,
      messages integer not null,
      primary key (mailbox_id, thread_id)
    ) without rowid`.execute(db);
    await sql`create index mail_thread_heads_page on mail_thread_heads (mailbox_id, head_uid)`.execute(db);
  },
};
