// `cairn backup --out <dir>`: an online, consistent copy while the server runs. SQLite's
// backup API copies a single consistent snapshot of the database; blobs are immutable
// and content-addressed, so copying the files referenced by that snapshot after it is
// taken is consistent too (GC never deletes a blob an event in the window refers to).
import Database from 'better-sqlite3';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATABASE_FILE } from '../appliance.ts';
import { ValidationError } from '../errors.ts';
import { KEY_DIRS } from './key-dirs.ts';

export async function backupInstance(opts: { dataDir: string; outDir: string }): Promise<{ outDir: string; events: number; blobs: number; ms: number }> {
  const t0 = performance.now();
  const source = join(opts.dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new ValidationError(`no data directory at ${opts.dataDir}`);
  if (existsSync(opts.outDir) && readdirSync(opts.outDir).length > 0) throw new ValidationError(`${opts.outDir} is not empty`);
  mkdirSync(opts.outDir, { recursive: true });
  const src = new Database(source);
  try {
    await src.backup(join(opts.outDir, DATABASE_FILE));
  } finally {
    src.close();
  }
  const copy = new Database(join(opts.outDir, DATABASE_FILE));
  let events = 0; let blobs = 0;
  try {
    copy.pragma('journal_mode = WAL');
    events = (copy.prepare('select count(*) as c from core_events').get() as { c: number }).c;
    const blobDir = join(opts.dataDir, 'blobs');
    // Every blob on disk, not only those the log refers to: read models may refer to
    // blobs whose events fell out of the retention window.
    if (existsSync(blobDir)) {
      for (const a of readdirSync(blobDir)) {
        if (a === 'tmp') continue;
        for (const b of readdirSync(join(blobDir, a))) {
          for (const sha of readdirSync(join(blobDir, a, b))) {
            const to = join(opts.outDir, 'blobs', a, b, sha);
            mkdirSync(dirname(to), { recursive: true });
            copyFileSync(join(blobDir, a, b, sha), to);
            blobs++;
          }
        }
      }
    }
  } finally {
    copy.close();
  }
  // Keys that live beside the database (TLS pair, DKIM keys published in DNS) go along.
  for (const keys of KEY_DIRS) {
    if (existsSync(join(opts.dataDir, keys))) cpSync(join(opts.dataDir, keys), join(opts.outDir, keys), { recursive: true });
  }
  return { outDir: opts.outDir, events, blobs, ms: performance.now() - t0 };
}
