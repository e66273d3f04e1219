// `cairn restore --at … --out …`: a complete data directory as of a moment, built from
// the live one without touching it. The log up to the position is copied as is; every
// read model is then rebuilt by replay when the new directory is opened, which is the
// same code path as a projection version bump (so it is exercised all the time).
import Database from 'better-sqlite3';
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATABASE_FILE, openAppliance } from '../appliance.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import { coreMigrations } from '../db/core-migrations.ts';
import { runMigrations } from '../db/migrations.ts';
import { openDatabase } from '../db/open-database.ts';
import { ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { KEY_DIRS } from './key-dirs.ts';
import type { RestorePoint } from './restore-point.ts';

export { parseRestorePoint } from './restore-point.ts';

export interface InstanceRestoreResult {
  outDir: string; position: number; recordedAt: number | undefined; events: number; blobs: number; missingBlobs: number; ms: number;
}

export async function restoreInstance(opts: { config: ResolvedConfig; at: RestorePoint; outDir: string; logger: Logger }): Promise<InstanceRestoreResult> {
  const t0 = performance.now();
  const { config, outDir } = opts;
  const source = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new ValidationError(`no data directory at ${config.dataDir}`);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new ValidationError(`${outDir} is not empty; restore into a new directory`);
  mkdirSync(outDir, { recursive: true });

  const target = openDatabase(join(outDir, DATABASE_FILE));
  let position = 0; let recordedAt: number | undefined; let events = 0; let shas: string[] = []; let inlineBlobs = 0;
  try {
    await runMigrations(target.kysely, 'core', coreMigrations);
    const raw = target.raw;
    raw.prepare('attach database ? as src').run(source);
    try {
      position = 'position' in opts.at
        ? Math.min(opts.at.position, (raw.prepare('select max(position) as p from src.core_events').get() as { p: number | null }).p ?? 0)
        : (raw.prepare('select max(position) as p from src.core_events where recorded_at <= ?').get(opts.at.time.getTime()) as { p: number | null }).p ?? 0;
      raw.transaction(() => {
        events = raw.prepare('insert into core_events select * from src.core_events where position <= ?').run(position).changes;
        raw.prepare('insert into core_event_blobs select * from src.core_event_blobs where position <= ?').run(position);
        // Small blobs live in the database: copy the ones the copied events refer to.
        raw.prepare('insert into core_blob_data select * from src.core_blob_data where sha256 in (select sha256 from core_event_blobs)').run();
        raw.prepare('insert into core_idempotency select * from src.core_idempotency where last_position <= ?').run(position);
        raw.prepare('insert into core_streams (stream, version, last_position) select stream, max(stream_position), max(position) from core_events group by stream').run();
      })();
      recordedAt = (raw.prepare('select recorded_at as t from core_events where position = ?').get(position) as { t: number } | undefined)?.t;
      // File blobs only: the inline ones came along with the rows above.
      shas = (raw.prepare('select distinct sha256 from core_event_blobs where sha256 not in (select sha256 from core_blob_data)').all() as { sha256: string }[]).map((r) => r.sha256);
      inlineBlobs = (raw.prepare('select count(*) as c from core_blob_data').get() as { c: number }).c;
    } finally {
      raw.exec('detach database src');
    }
  } finally {
    await target.close();
  }

  // Blobs are immutable and content-addressed: a hard link is a safe, instant copy.
  let blobs = inlineBlobs; let missingBlobs = 0;
  for (const sha of shas) {
    const from = join(config.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
    const to = join(outDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
    if (!existsSync(from)) { missingBlobs++; continue; }
    mkdirSync(dirname(to), { recursive: true });
    try { linkSync(from, to); } catch { copyFileSync(from, to); }
    blobs++;
  }
  if (missingBlobs > 0) opts.logger.warn({ missingBlobs }, 'some blobs referenced before that moment were already collected (outside the retention window)');
  for (const keys of KEY_DIRS) {
    if (existsSync(join(config.dataDir, keys))) cpSync(join(config.dataDir, keys), join(outDir, keys), { recursive: true });
  }

  // Opening the new directory rebuilds every read model from the copied log.
  const restored = await openAppliance({ ...config, dataDir: outDir }, { logger: opts.logger });
  await restored.projections.settle();
  await restored.close();
  return { outDir, position, recordedAt, events, blobs, missingBlobs, ms: performance.now() - t0 };
}

/** Checks that a data directory opens read-only and counts its events (used by tests). */
export function countEvents(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try { return (db.prepare('select count(*) as c from core_events').get() as { c: number }).c; } finally { db.close(); }
}
