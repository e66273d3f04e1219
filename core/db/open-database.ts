import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { withStatementCache } from './statement-cache-database.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';
import { WalSync } from './wal-sync.ts';

/** How long a writer waits for another process's write transaction (the CLI while the server runs). */
export const BUSY_TIMEOUT_MS = 30_000;

export interface Db {
  /** Kysely over the single connection; plugin code uses only this (dialect-neutral). */
  kysely: Kysely<any>;
  /** The raw handle, for core's hot paths (event append, replay) and PRAGMAs. SQLite only. */
  raw: Database.Database;
  path: string;
  /**
   * Resolves once every commit made so far is on disk (see wal-sync.ts). Commits do not
   * fsync by themselves; whoever acknowledges a write awaits this first.
   */
  durable(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the SQLite database in WAL mode with synchronous=NORMAL; durability of a commit
 * is `durable()`, an fsync of the WAL off the event loop (wal-sync.ts), which the append
 * path awaits before it acknowledges anything.
 */
export function openDatabase(path: string, opts: { readonly?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path, { readonly: opts.readonly ?? false });
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!opts.readonly) {
    if (path !== ':memory:') raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
  }
  const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  // An in-memory database has nothing to make durable; a read-only one never commits.
  const wal = path === ':memory:' || opts.readonly ? undefined : new WalSync(path);
  const checkpointer = wal ? new WalCheckpointer(raw, path) : undefined;
  return {
    kysely,
    raw,
    path,
    durable: async () => {
      if (!wal) return;
      await wal.sync();
      checkpointer!.committed(wal.walBytes);
    },
    async close() {
      await checkpointer?.close();
      await kysely.destroy();
      wal?.close();
    },
  };
}
