// Tables of the SMTP side of the mail plugin (all `mail_*`, the plugin's prefix):
// - mail_outbound: read model of the outbound queue, written only by the
//   smtpOutbound projection (rebuildable from mail.Outbound*/Delivery* events);
// - mail_outbound_leases: which worker is delivering which item right now. Plain table,
//   not events (DESIGN.md: queue leases are not user data);
// - mail_autoreply_sent: when each sender last got an out-of-office reply from each
//   user (RFC 3834 §2 "once per period"). Plain table: bookkeeping, not user data.
import type { Migration } from '../../../core/db/migrations.ts';

export const createOutboundTables: Migration = {
  name: '1001_smtp_outbound',
  async up(db) {
    await db.schema.createTable('mail_outbound')
      .addColumn('queue_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('last_host', 'text')
      .addColumn('last_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('queued_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mail_outbound_due').on('mail_outbound').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('mail_outbound_user').on('mail_outbound').columns(['user_id', 'queued_at']).execute();
    await db.schema.createTable('mail_outbound_leases')
      .addColumn('queue_id', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
  },
};

export const createAutoreplyTable: Migration = {
  name: '1002_smtp_autoreply',
  async up(db) {
    await db.schema.createTable('mail_autoreply_sent')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('mail_autoreply_sent_pk', ['user_id', 'sender'])
      .execute();
  },
};

export const smtpMigrations: readonly Migration[] = [createOutboundTables, createAutoreplyTable];
