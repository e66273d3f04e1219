import { sql } from 'kysely';
import { defineProjection } from '../../../core/projections/types.ts';

/** mail_settings: one row per user with the three settings as JSON. */
export const mailSettingsProjection = defineProjection({
  name: 'mail.settings',
  version: 1,
  handles: ['mail.RedirectionsSet', 'mail.AutoReplySet', 'mail.RulesSet'],
  async handle(e, db) {
    const account = e.stream.slice('mail-settings:'.length);
    const column = e.type === 'mail.RedirectionsSet' ? 'redirections' : e.type === 'mail.AutoReplySet' ? 'autoreply' : 'rules';
    const value = JSON.stringify(e.type === 'mail.RulesSet' ? (e.data as { rules: unknown }).rules : e.data);
    await sql`insert into mail_settings (account_id, ${sql.ref(column)}) values (${account}, ${value})
      on conflict(account_id) do update set ${sql.ref(column)} = excluded.${sql.ref(column)}`.execute(db);
  },
  async truncate(db) { await sql`delete from mail_settings`.execute(db); },
});

export const settingsMigration = {
  name: '0002_mail_settings',
  async up(db: import('kysely').Kysely<any>) {
    await sql`create table mail_settings (account_id text primary key, redirections text, autoreply text, rules text)`.execute(db);
  },
};
