// Small blobs kept in the database instead of files. A file blob costs two fsyncs of
// its own (the file and its directory) before the event that refers to it can be
// appended; a small blob staged here is inserted by that event's append, inside the
// same transaction, so it becomes durable with the event and shares the group
// commit's single fsync with every other append of the batch. Mail is mostly small
// messages, which is where this matters.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

/** Largest blob kept inline; bigger ones are files (streamed, never held whole). */
export const INLINE_MAX_BYTES = 512 * 1024;
/** Staged bytes waiting for their event at once; past it, writers fall back to files. */
export const MAX_STAGED_BYTES = 256 * 1024 * 1024;
/** A staged blob whose event never came (the command failed) is dropped after this. */
export const STAGED_TTL_MS = 5 * 60_000;

interface Staged { data: Buffer; expires: number }

export class InlineBlobs {
  readonly #raw: Database.Database;
  readonly #staged = new Map<string, Staged>();
  #stagedBytes = 0;
  readonly #stmts;

  constructor(raw: Database.Database) {
    this.#raw = raw;
    this.#stmts = {
      insert: raw.prepare('insert or ignore into core_blob_data (sha256, size, data, created_at) values (?, ?, ?, ?)'),
      get: raw.prepare<[string], { data: Buffer }>('select data from core_blob_data where sha256 = ?'),
      range: raw.prepare<[number, number, string], { data: Buffer }>('select substr(data, ?, ?) as data from core_blob_data where sha256 = ?'),
      stat: raw.prepare<[string], { size: number; created_at: number }>('select size, created_at from core_blob_data where sha256 = ?'),
      all: raw.prepare<[], { sha256: string; size: number; created_at: number }>('select sha256, size, created_at from core_blob_data'),
      delete: raw.prepare('delete from core_blob_data where sha256 = ?'),
    };
  }

  /** Holds the bytes until an append that refers to them commits; undefined when they should be a file instead. */
  stage(data: Buffer): { sha256: string; size: number } | undefined {
    if (data.length > INLINE_MAX_BYTES) return undefined;
    this.#expire();
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (this.#staged.has(sha256)) return { sha256, size: data.length };
    if (this.#stagedBytes + data.length > MAX_STAGED_BYTES) return undefined;
    this.#staged.set(sha256, { data, expires: Date.now() + STAGED_TTL_MS });
    this.#stagedBytes += data.length;
    return { sha256, size: data.length };
  }

  isStaged(sha256: string): boolean { return this.#staged.has(sha256); }

  /** Inside the append's transaction: writes the staged bytes of these blobs. */
  persist(sha256s: readonly string[]): void {
    for (const sha of sha256s) {
      const s = this.#staged.get(sha);
      if (s) this.#stmts.insert.run(sha, s.data.length, s.data, Date.now());
    }
  }

  /** After commit: the rows are durable, the memory can go. */
  committed(sha256s: readonly string[]): void {
    for (const sha of sha256s) {
      const s = this.#staged.get(sha);
      if (s) { this.#staged.delete(sha); this.#stagedBytes -= s.data.length; }
    }
  }

  get(sha256: string): Buffer | undefined {
    return this.#staged.get(sha256)?.data ?? this.#stmts.get.get(sha256)?.data;
  }

  /** Bytes [start, end] inclusive, like fs ranges. */
  range(sha256: string, start: number, end: number | undefined): Buffer | undefined {
    const staged = this.#staged.get(sha256);
    if (staged) return staged.data.subarray(start, end === undefined ? undefined : end + 1);
    const len = end === undefined ? 2 ** 31 - 1 : end - start + 1;
    return this.#stmts.range.get(start + 1, len, sha256)?.data;
  }

  stat(sha256: string): { size: number; mtimeMs: number } | null {
    const s = this.#staged.get(sha256);
    if (s) return { size: s.data.length, mtimeMs: Date.now() };
    const r = this.#stmts.stat.get(sha256);
    return r ? { size: r.size, mtimeMs: r.created_at } : null;
  }

  *list(): Iterable<{ sha256: string; size: number; createdAt: number }> {
    for (const r of this.#stmts.all.all()) yield { sha256: r.sha256, size: r.size, createdAt: r.created_at };
  }

  delete(sha256: string): boolean {
    return this.#stmts.delete.run(sha256).changes > 0;
  }

  #expire(): void {
    const now = Date.now();
    for (const [sha, s] of this.#staged) {
      if (s.expires > now) break; // insertion order ≈ expiry order
      this.#staged.delete(sha);
      this.#stagedBytes -= s.data.length;
    }
  }
}
