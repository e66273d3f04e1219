import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { withStatementCache } from './statement-cache-database.ts';

/** How long a writer waits for another process's write transaction (the CLI while the server runs). */
export const BUSY_TIMEOUT_MS = 30_000;

export interface Db {
  /** Kysely over the single connection; plugin code uses only this (dialect-neutral). */
  kysely: Kysely<any>;
  /** The raw handle, for core's hot paths (event append, replay) and PRAGMAs. SQLite only. */
  raw: Database.Database;
  path: string;
  close(): Promise<void>;
}

/**
 * Opens the SQLite database in WAL mode with synchronous=FULL: a commit returns only
 * once the WAL is fsynced, which is the durability the append path promises.
 */
export function openDatabase(path: string, opts: { readonly?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path, { readonly: opts.readonly ?? false });
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!opts.readonly) {
    if (path !== ':memory:') raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
  }
  const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  return {
    kysely,
    raw,
    path,
    async close() { await kysely.destroy(); },
  };
}
