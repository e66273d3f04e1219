// The catch-all per local domain (projection mail.catchall). Looked up by the exact
// domain of an address nobody has, so the domain is the key.
import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const createCatchAll: Migration = {
  name: '0003_mail_catch_all',
  async up(db) {
    await sql`create table mail_catch_all (domain text primary key, account_id text not null)`.execute(db);
  },
};
