// The durability and checkpoint machinery of openDatabase, on a real file.
import { statSync } from 'node:fs';
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
});
