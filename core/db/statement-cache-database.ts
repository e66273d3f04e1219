import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

// Kysely's SQLite driver calls `prepare(sql)` for every query. Preparing costs more
// than running a simple statement, and projections replay hundreds of thousands of
// events through the same few statements, so prepared statements are cached by SQL.
const STATEMENT_CACHE_SIZE = 512; // distinct SQL texts; a plugin set uses a few hundred at most

export function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => { cache.clear(); db.close(); },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      // A statement being iterated cannot be re-entered; hand out a fresh one then.
      if (stmt && stmt.busy) return db.prepare(sql) as unknown as SqliteStatement;
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
}
