// The durability and checkpoint machinery of openDatabase, on a real file.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir.ts';
import { openDatabase, type Db } from './open-database.ts';
import { START_AT_BYTES } from './wal-checkpointer.ts';

let dir: ReturnType<typeof tempDir> | undefined;
let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
  dir?.remove();
  dir = undefined;
});

async function open(): Promise<Db> {
  dir = tempDir();
  db = openDatabase(`${dir.path}/t.db`);
  db.raw.exec('create table t (x blob)');
  return db;
}

describe('openDatabase', () => {
  it('commits without fsync in COMMIT and makes them durable through durable()', async () => {
    const d = await open();
    expect(d.raw.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    d.raw.prepare('insert into t values (?)').run(Buffer.alloc(1000, 1));
    await d.durable();
    // Concurrent callers share rounds and all resolve.
    await Promise.all(Array.from({ length: 20 }, () => d.durable()));
  });

  it('keeps automatic checkpoints for a small WAL, then moves them to a worker thread', async () => {
    const d = await open();
    expect(d.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const insert = d.raw.prepare('insert into t values (?)');
    const chunk = Buffer.alloc(256 * 1024, 7);
    for (let i = 0; i * chunk.length < START_AT_BYTES * 2; i++) {
      insert.run(chunk);
      await d.durable();
    }
    // Past the threshold the main connection no longer checkpoints by itself …
    expect(d.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // … and the worker copies the WAL into the database file (which, without a checkpoint,
    // would hold none of these pages) within a few intervals.
    const written = START_AT_BYTES * 2;
    const deadline = Date.now() + 5_000;
    while (statSync(`${dir!.path}/t.db`).size < written && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(`${dir!.path}/t.db`).size).toBeGreaterThanOrEqual(written);
    expect((d.raw.prepare('select count(*) as n from t').get() as { n: number }).n).toBeGreaterThan(0);
  });

  it('lets a process that used the checkpoint worker close the database and exit on its own', async () => {
    dir = tempDir();
    // A process with nothing else to wait for: before the fix, close() waited on the
    // worker's exit while the unref'd worker kept nothing alive, and node quit with the
    // close unsettled (exit code 13, "unsettled top-level await").
    const script = `
      const { openDatabase } = await import(${JSON.stringify(new URL('./open-database.ts', import.meta.url).href)});
      const db = openDatabase(${JSON.stringify(`${dir.path}/child.db`)});
      db.raw.exec('create table t (x blob)');
      const insert = db.raw.prepare('insert into t values (?)');
      for (let i = 0; i < 24; i++) { insert.run(Buffer.alloc(256 * 1024, i)); await db.durable(); }
      if (db.raw.pragma('wal_autocheckpoint', { simple: true }) !== 0) throw new Error('the worker did not start');
      await db.close();
      console.log('closed');
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 });
    expect(stdout.trim()).toBe('closed');
  });
});
