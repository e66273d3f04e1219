import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const createMailStore: Migration = {
  name: '0001_mail_store',
  async up(db) {
    await sql`create table mail_mailboxes (
      id text primary key,
      account_id text not null,
      name text not null,
      special_use text,
      uid_validity integer not null,
      uid_next integer not null,
      highest_modseq integer not null,
      messages integer not null default 0,
      unseen integer not null default 0,
      deleted_count integer not null default 0,
      size integer not null default 0,
      unique (account_id, name)
    )`.execute(db);
    await sql`create table mail_subscriptions (account_id text not null, name text not null, primary key (account_id, name)) without rowid`.execute(db);
    await sql`create table mail_aliases (address text primary key, account_id text not null)`.execute(db);
    await sql`create index mail_aliases_account on mail_aliases (account_id)`.execute(db);
    await sql`create table mail_quota (account_id text primary key, limit_bytes integer, used_bytes integer not null default 0, messages integer not null default 0)`.execute(db);
    await sql`create table mail_messages (
      mailbox_id text not null,
      uid integer not null,
      account_id text not null,
      message_id text not null,
      sha256 text not null,
      size integer not null,
      internal_date integer not null,
      flags text not null,
      seen integer not null,
      deleted integer not null,
      modseq integer not null,
      envelope text not null,
      structure text not null,
      idx text not null,
      primary key (mailbox_id, uid)
    ) without rowid`.execute(db);
    await sql`create index mail_messages_modseq on mail_messages (mailbox_id, modseq)`.execute(db);
    await sql`create index mail_messages_sha on mail_messages (sha256)`.execute(db);
    await sql`create table mail_expunged (
      mailbox_id text not null,
      uid integer not null,
      account_id text not null,
      mailbox_name text,
      modseq integer not null,
      expunged_at text not null,
      message_id text not null,
      sha256 text not null,
      size integer not null,
      internal_date integer not null,
      flags text not null,
      envelope text not null,
      structure text not null,
      idx text not null,
      moved integer not null default 0,
      primary key (mailbox_id, uid)
    ) without rowid`.execute(db);
    await sql`create index mail_expunged_account on mail_expunged (account_id, expunged_at)`.execute(db);
    await sql`create index mail_expunged_modseq on mail_expunged (mailbox_id, modseq)`.execute(db);
  },
};
