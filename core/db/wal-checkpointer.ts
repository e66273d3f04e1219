// WAL checkpoints on a worker thread.
//
// Implementation notes
//
// - SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages,
//   on the committing thread: it copies those 4 MB into the database file and fsyncs it.
//   better-sqlite3 being synchronous, that is tens of milliseconds during which the
//   appliance serves nobody — every few dozen commits under a mail burst of 50 KB
//   messages. A second connection on a worker thread does the same work beside the
//   event loop; PASSIVE checkpoints never block the writer.
// - Started on demand: only once the WAL file has grown past START_AT_BYTES does the
//   worker start and the main connection's automatic checkpoint stop. A small appliance
//   (and each test) never pays for a thread.
// - Bounded: a writer that never pauses can keep a passive checkpoint from ever
//   catching up (the WAL restarts only when every frame is copied). If the WAL file
//   passes MAX_WAL_BYTES the main thread checkpoints itself, once, which always
//   catches up because it is the only writer; journal_size_limit then truncates the
//   file at the next restart. If the worker fails, automatic checkpoints come back.
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL size at which checkpointing moves off the event loop (SQLite's own default is 4 MB). */
export const START_AT_BYTES = 2 * 1024 * 1024;
/** Past this the worker is not keeping up and the writer checkpoints itself. */
export const MAX_WAL_BYTES = 64 * 1024 * 1024;
/** Size the WAL file is truncated back to after a restart (PRAGMA journal_size_limit). */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
/** How often the worker checkpoints; a quarter second of writes is what the WAL holds beyond the database. */
export const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's default automatic checkpoint, restored when the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1_000;

// Plain JavaScript, evaluated in the worker (no TypeScript loader there).
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); }
  catch (e) { if (!String(e && e.code).startsWith('SQLITE_BUSY')) parentPort.postMessage({ error: String(e && e.message || e) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  try { db.close(); } finally { parentPort.close(); }
});
`;

export class WalCheckpointer {
  readonly #raw: Database.Database;
  readonly #path: string;
  #worker: Worker | undefined;
  #failed = false;
  #closed = false;

  constructor(raw: Database.Database, path: string) {
    this.#raw = raw;
    this.#path = path;
    raw.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  }

  /** After a commit: `walBytes` is the WAL file's current size. */
  committed(walBytes: number): void {
    if (this.#closed) return;
    if (walBytes > MAX_WAL_BYTES) {
      // Not inside someone's open transaction on this connection; the next commit retries.
      if (!this.#raw.inTransaction) this.#raw.pragma('wal_checkpoint(PASSIVE)');
      return;
    }
    if (!this.#worker && !this.#failed && walBytes >= START_AT_BYTES) this.#start();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = undefined;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    // Unref'd while it runs so it never keeps a process alive; waiting for it must.
    w.ref();
    w.postMessage('close');
    await exited;
  }

  #start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, path: this.#path, intervalMs: CHECKPOINT_INTERVAL_MS } });
    worker.unref();
    const fail = () => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failed = true;
      if (!this.#closed) this.#raw.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    };
    worker.on('message', (m: { error?: string }) => { if (m.error) { void worker.terminate(); fail(); } });
    worker.on('error', fail);
    worker.on('exit', fail);
    this.#worker = worker;
    this.#raw.pragma('wal_autocheckpoint = 0');
  }
}
