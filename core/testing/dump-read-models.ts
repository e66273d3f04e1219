import type Database from 'better-sqlite3';

/** Tables that are the log itself or plain operational state, not projections of it. */
export const NOT_READ_MODELS = new Set([
  'core_events', 'core_streams', 'core_idempotency', 'core_event_blobs', 'core_projections', 'core_migrations',
  'core_sessions', 'core_app_password_usage', 'core_blob_data', 'sqlite_sequence',
]);

/** Every read-model table's rows, in a stable order, as one string: equal strings ⇔ identical read models. */
export function dumpReadModels(raw: Database.Database): string {
  // FTS shadow tables hold an index whose layout depends on how rows were batched; the
  // virtual table itself (its rows) is compared instead.
  const tables = (raw.prepare("select name from pragma_table_list where schema = 'main' and type in ('table', 'virtual') and name not like 'sqlite_%' order by name").all() as { name: string }[])
    .map((t) => t.name).filter((t) => !NOT_READ_MODELS.has(t));
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const cols = (raw.prepare(`select name from pragma_table_info(?)`).all(t) as { name: string }[]).map((c) => `"${c.name}"`);
    out[t] = raw.prepare(`select ${cols.join(', ')} from "${t}" order by ${cols.join(', ')}`).raw().all();
  }
  return JSON.stringify(out);
}
