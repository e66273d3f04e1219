import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export interface Migration {
  /** Unique within its owner and sortable: '0001_notes'. Applied in name order. */
  name: string;
  up(db: Kysely<any>): Promise<void>;
}

/**
 * Applies each owner's (core or a plugin id) migrations that have not run yet, each in
 * its own transaction together with its bookkeeping row, so a crash never leaves a
 * migration half-applied and recorded, or applied and unrecorded.
 */
export async function runMigrations(db: Kysely<any>, owner: string, migrations: readonly Migration[]): Promise<string[]> {
  await db.schema.createTable('core_migrations').ifNotExists()
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('core_migrations_pk', ['owner', 'name'])
    .execute();
  const done = new Set((await db.selectFrom('core_migrations').select('name').where('owner', '=', owner).execute()).map((r) => r.name as string));
  const applied: string[] = [];
  for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
    if (done.has(m.name)) continue;
    await db.transaction().execute(async (trx) => {
      await m.up(trx);
      await trx.insertInto('core_migrations').values({ owner, name: m.name, applied_at: Date.now() }).execute();
    });
    applied.push(m.name);
  }
  return applied;
}

export async function tableNames(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}
