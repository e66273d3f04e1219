import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../core/testing/temp-dir.ts';

const ROUNDS = 3;

function runAndKill(dbPath: string, afterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'append-worker.ts'), dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buf = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'ready') setTimeout(() => child.kill('SIGKILL'), afterMs);
        else if (l) acked.push(l);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`worker exited by itself (code ${code}): ${err}`));
      else resolve(acked);
    });
  });
}

describe('durability', () => {
  it('loses no acknowledged append when the process is killed with SIGKILL mid-load', async () => {
    const dir = tempDir();
    try {
      const dbPath = join(dir.path, 'cairn.db');
      const allAcked: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const acked = await runAndKill(dbPath, 400 + round * 300);
        expect(acked.length).toBeGreaterThan(100);
        allAcked.push(...acked);
        const db = new Database(dbPath, { readonly: true });
        try {
          const ids = new Set((db.prepare("select json_extract(data, '$.id') as id from core_events").all() as { id: string }[]).map((r) => r.id));
          const missing = allAcked.filter((id) => !ids.has(id));
          expect(missing).toEqual([]);
          // The inline read model committed atomically with the events: same count.
          const count = (db.prepare('select n from test_count where id = 1').get() as { n: number }).n;
          expect(count).toBe(ids.size);
          // Every stream is gap-free and its recorded version matches.
          const bad = db.prepare('select s.stream from core_streams s where s.version != (select count(*) from core_events e where e.stream = s.stream) or s.version != (select max(stream_position) from core_events e where e.stream = s.stream)').all();
          expect(bad).toEqual([]);
        } finally { db.close(); }
      }
    } finally { dir.remove(); }
  });
});
