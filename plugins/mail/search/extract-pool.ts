// Body-text extraction (mailparser, html-to-text) costs about as much CPU per message as
// accepting it over SMTP. Done on the event loop's thread it halves ingest throughput
// and adds latency to every IMAP and HTTP request; a small pool of worker threads runs
// it on the other cores instead. Extraction is stateless, so one pool serves every
// appliance in the process. If workers cannot start, extraction runs in this thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MimePart } from '../mime/types.ts';
import { extractBodyText } from './extract-body-text.ts';

/**
 * Workers only where there are cores to spare: one is the event loop's, one goes to
 * libuv's I/O threads and the GC. On a 2-core machine a worker made delivery slower
 * (store.deliver 1,278 → 839 msgs/s measured), so there extraction stays in this
 * thread, where the async projection simply lags behind bursts of mail.
 */
export const EXTRACT_WORKERS = Math.max(0, Math.min(2, availableParallelism() - 2));

interface Job { resolve(text: string): void; reject(e: Error): void; worker: Worker }

export class ExtractPool {
  readonly #workers: Worker[] = [];
  readonly #jobs = new Map<number, Job>();
  /** Jobs in flight per worker: a worker keeps the process alive only while it has some. */
  readonly #busy = new Map<Worker, number>();
  #next = 0;
  #turn = 0;
  #broken = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      try {
        const w = new Worker(new URL('./extract-worker.mjs', import.meta.url));
        w.on('message', (m: { id?: number; text?: string; error?: string }) => {
          if (m.id === undefined) return;
          const job = this.#jobs.get(m.id);
          if (!job) return;
          this.#jobs.delete(m.id);
          this.#release(job.worker);
          if (m.error !== undefined) job.reject(new Error(m.error)); else job.resolve(m.text ?? '');
        });
        w.on('error', () => this.#fail());
        // After the listeners (adding a 'message' listener refs the worker's port again):
        // an idle worker never keeps the process alive.
        w.unref();
        this.#workers.push(w);
      } catch {
        this.#broken = true;
      }
    }
  }

  #release(worker: Worker): void {
    const busy = (this.#busy.get(worker) ?? 1) - 1;
    this.#busy.set(worker, busy);
    if (busy === 0) worker.unref();
  }

  get size(): number { return this.#workers.length; }
  get broken(): boolean { return this.#broken; }

  #fail(): void {
    // A worker died: finish what was in flight in this thread and stop using the pool.
    this.#broken = true;
    for (const [, job] of this.#jobs) { job.reject(new Error('extraction worker failed')); job.worker.unref(); }
    this.#jobs.clear();
  }

  async extract(raw: Buffer, structure?: MimePart): Promise<string> {
    // (With no workers configured this is a plain call in this thread.)
    if (this.#broken || this.#workers.length === 0) return extractBodyText(raw, structure);
    const id = this.#next++;
    const worker = this.#workers[this.#turn++ % this.#workers.length]!;
    try {
      return await new Promise<string>((resolve, reject) => {
        this.#jobs.set(id, { resolve, reject, worker });
        const busy = this.#busy.get(worker) ?? 0;
        if (busy === 0) worker.ref();
        this.#busy.set(worker, busy + 1);
        worker.postMessage({ id, raw, structure });
      });
    } catch {
      return extractBodyText(raw, structure);
    }
  }
}

let pool: ExtractPool | undefined;

/** Text of a message body, computed on a worker thread when possible. */
export function extractInWorker(raw: Buffer, structure?: MimePart): Promise<string> {
  pool ??= new ExtractPool(EXTRACT_WORKERS);
  return pool.extract(raw, structure);
}

/** For tests and diagnostics: how many workers run, and whether the pool fell back to this thread. */
export function extractPoolState(): { workers: number; broken: boolean } {
  return { workers: pool ? pool.size : 0, broken: pool ? pool.broken : false };
}
