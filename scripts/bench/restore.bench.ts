// Instance restore of a 1,000,000-event log to its middle: copy half the log, rebuild
// every read model (identity + notes) by replay, link blobs.
import { join } from 'node:path';
import { openAppliance } from '../../core/appliance.ts';
import { loadConfig } from '../../core/config/load-config.ts';
import { silentLogger } from '../../core/logger.ts';
import { restoreInstance } from '../../core/restore/instance-restore.ts';
import { tempDir } from '../../core/testing/temp-dir.ts';
import { meta } from '../../core/testing/event-log-kit.ts';

export async function benchInstanceRestore(total: number): Promise<{ seconds: number; events: number; notes: number }> {
  const dir = tempDir('cairn-bench-');
  try {
    const config = loadConfig({}, { dataDir: join(dir.path, 'live'), plugins: ['notes'], hostname: 'bench.test', logLevel: 'silent' });
    const a = await openAppliance(config, { logger: silentLogger() });
    const owner = (await a.identity.listUsers())[0]!.id;
    // Setup: a log of notes being created and edited, written directly for speed.
    const raw = a.db.raw;
    const head = a.log.headSync();
    const ins = raw.prepare('insert into core_events (stream, stream_position, type, data, metadata, recorded_at) values (?, ?, ?, ?, ?, ?)');
    const m = JSON.stringify(meta(owner));
    const NOTES = 10_000;
    const versions = new Array<number>(NOTES).fill(0);
    const t = Date.now() - total;
    raw.transaction(() => {
      for (let i = 0; i < total - head; i++) {
        const n = i % NOTES;
        const stream = `notes-note:${owner}/n${n}`;
        const v = ++versions[n]!;
        const data = v === 1 ? { noteId: `n${n}`, owner, title: `note ${n}`, body: `body ${i}` } : { noteId: `n${n}`, title: `note ${n}`, body: `body ${i}` };
        ins.run(stream, v, v === 1 ? 'notes.NoteCreated' : 'notes.NoteEdited', JSON.stringify(data), m, t + i);
      }
      raw.prepare('insert or replace into core_streams (stream, version, last_position) select stream, max(stream_position), max(position) from core_events group by stream').run();
    })();
    await a.close();
    const t0 = performance.now();
    const r = await restoreInstance({ config, at: { position: Math.floor(total / 2) }, outDir: join(dir.path, 'restored'), logger: silentLogger() });
    const seconds = (performance.now() - t0) / 1000;
    const restored = await openAppliance({ ...config, dataDir: r.outDir }, { logger: silentLogger() });
    const notes = (raw.open ? 0 : 0) + Number((restored.db.raw.prepare('select count(*) as c from notes_notes').get() as { c: number }).c);
    await restored.close();
    return { seconds, events: r.events, notes };
  } finally { dir.remove(); }
}
