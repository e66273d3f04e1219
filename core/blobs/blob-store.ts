// Content-addressed blob store on the local filesystem.
//
// Implementation notes (invariants):
// - A blob lives at <dir>/<aa>/<bb>/<sha256> where aa, bb are the first 2+2 hex
//   characters of its sha256. The file's bytes always hash to its name: a file only
//   appears there by an atomic link/rename of a complete, fsynced temporary file.
// - write() streams into <dir>/tmp/<random>.tmp while hashing and counting; memory
//   use is bounded by WRITE_BUFFERS × WRITE_BATCH_BYTES whatever the size of the source.
// - write() resolves only after the blob's bytes and its directory entry are durable
//   (file fsync, link, directory fsync), so the caller may then append an event that
//   references it.
// - Blob files are created read-only (0444): a backup may hardlink them, and a write
//   through one link would silently change the other copy.
// - Every sha256 argument is checked against SHA256_RE before it touches a path;
//   that check is the guard against path traversal.
// - Within this process, the final step of write(), delete() and gc's decision for a
//   given sha256 are serialized by a per-sha lock, so gc can never delete a blob that
//   a concurrent write() has just deduplicated onto. (Run gc in the server process;
//   the lock does not span processes.)
// - A dedupe refreshes the existing blob's mtime, because gc's grace period is
//   measured from mtime: the caller is about to reference it.

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BlobIntegrityError, BlobNotFoundError, BlobTooLargeError, InvalidBlobIdError } from './errors.ts';
import type { InlineBlobs } from './inline-blobs.ts';

/** Default per-blob ceiling: well above any legitimate upload (disk images, long
 * videos in the drive), yet a runaway or hostile stream stops before filling the disk. */
export const DEFAULT_MAX_BLOB_BYTES = 50 * 1024 ** 3;

/** Default gc grace: a blob is written before the event that references it is
 * appended, so a young unreferenced blob may be about to be referenced. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

/** Temporary files older than this are leftovers of a crash or an abandoned upload;
 * younger ones may belong to a write in progress in another process (CLI, server). */
export const STALE_TMP_MS = 60 * 60 * 1000;

/** Small stream chunks are coalesced up to this size before each write(2); it is
 * also the most a write copies into memory at once. */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/** Batch buffers one write() may fill while earlier ones are still being written. */
export const WRITE_BUFFERS = 4;

/**
 * While a large blob streams in, its bytes are pushed to disk (fdatasync in the
 * background) every this many bytes. Otherwise the kernel holds them all as dirty pages
 * — up to a tenth of RAM before it even starts writing back — and the final fsync writes
 * the whole file after the last byte arrived: receive and disk in sequence, not side by
 * side. On the 1 GB upload benchmark that sequence was most of the time.
 */
export const SYNC_AHEAD_BYTES = 32 * 1024 * 1024;

/** Exactly 64 lowercase hex characters. */
export const SHA256_RE = /^[0-9a-f]{64}$/;

const FANOUT_RE = /^[0-9a-f]{2}$/;
const TMP_DIR = 'tmp';
const TMP_SUFFIX = '.tmp';
const BLOB_FILE_MODE = 0o444;

export interface BlobInfo {
  sha256: string;
  size: number;
  /** false when identical content was already stored (dedupe). */
  created: boolean;
}

export interface BlobStoreOptions {
  /** Per-blob size limit when write() is not given maxBytes. Default DEFAULT_MAX_BLOB_BYTES. */
  maxBlobBytes?: number;
}

export type BlobSource =
  | Buffer
  | Uint8Array
  | string
  | NodeJS.ReadableStream
  | AsyncIterable<Uint8Array>;

export interface BlobWriteOptions {
  /** Abort with BlobTooLargeError once more than this many bytes arrive. */
  maxBytes?: number;
  /** Fail with BlobIntegrityError (keeping nothing) if the content hashes otherwise. */
  expectedSha256?: string;
}

export interface BlobRange {
  /** First byte, default 0. */
  start?: number;
  /** Last byte, inclusive (as fs.createReadStream); default the end of the blob. */
  end?: number;
}

export interface BlobStat {
  size: number;
  mtimeMs: number;
}

export interface BlobGcOptions {
  isReferenced: (sha256: string) => boolean | Promise<boolean>;
  /** Unreferenced blobs younger than this (by mtime) are kept. Default DEFAULT_GC_GRACE_MS. */
  graceMs?: number;
  /** Clock for the grace comparison. Default Date.now() at the start of the run. */
  now?: number;
  /** Count what would be deleted without deleting. */
  dryRun?: boolean;
}

export interface BlobGcResult {
  examined: number;
  deleted: number;
  bytesFreed: number;
}

export function isBlobId(value: unknown): value is string {
  return typeof value === 'string' && SHA256_RE.test(value);
}

export function assertBlobId(value: unknown): asserts value is string {
  if (!isBlobId(value)) throw new InvalidBlobIdError(value);
}

export class BlobStore {
  readonly dir: string;
  readonly maxBlobBytes: number;
  /** Small blobs in the database (see inline-blobs.ts); files only when absent. */
  #inline: InlineBlobs | undefined;
  private readonly tmpDir: string;
  private readonly locks = new Map<string, Promise<void>>();
  /** Fan-out directories whose entries (and parents' entries) this process has fsynced. */
  private readonly durableDirs = new Set<string>();

  constructor(dir: string, opts: BlobStoreOptions = {}) {
    this.dir = path.resolve(dir);
    this.tmpDir = path.join(this.dir, TMP_DIR);
    this.maxBlobBytes = checkLimit(opts.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES, 'maxBlobBytes');
  }

  /** Keep small staged blobs in the database from now on. */
  attachInline(inline: InlineBlobs): void {
    this.#inline = inline;
  }

  /**
   * For bytes already in memory: a small blob is staged and becomes durable together
   * with the event that refers to it (one shared fsync); a large one is written as a
   * file now. Either way, append the referring event before relying on the blob.
   */
  async stage(data: Buffer): Promise<BlobInfo> {
    const staged = this.#inline?.stage(data);
    if (staged) return { ...staged, created: true };
    return this.write(data);
  }

  /** Create the directories and remove temporary files left over by a crash. */
  async init(): Promise<void> {
    await fsp.mkdir(this.tmpDir, { recursive: true });
    const cutoff = Date.now() - STALE_TMP_MS;
    for (const name of await fsp.readdir(this.tmpDir)) {
      const p = path.join(this.tmpDir, name);
      const st = await fsp.lstat(p).catch(ignoreCode('ENOENT'));
      if (st && st.mtimeMs < cutoff) await fsp.rm(p, { force: true, recursive: true });
    }
  }

  async write(source: BlobSource, opts: BlobWriteOptions = {}): Promise<BlobInfo> {
    const expected = opts.expectedSha256;
    if (expected !== undefined) assertBlobId(expected);
    const maxBytes = opts.maxBytes === undefined ? this.maxBlobBytes : checkLimit(opts.maxBytes, 'maxBytes');

    const whole = wholeBytes(source);
    if (whole && whole.byteLength > maxBytes) throw new BlobTooLargeError(maxBytes);

    const tmpPath = path.join(this.tmpDir, randomBytes(16).toString('hex') + TMP_SUFFIX);
    const hash = createHash('sha256');
    let size = 0;
    let fh: FileHandle | undefined;
    try {
      fh = await this.openTmp(tmpPath);
      if (whole) {
        hash.update(whole);
        size = whole.byteLength;
        await writeFully(fh, whole, 0);
      } else {
        size = await copyStream(fh, iterableOf(source), hash, maxBytes);
      }
      await fh.sync();
      await fh.close();
      fh = undefined;
    } catch (err) {
      await fh?.close().catch(() => {});
      await fsp.rm(tmpPath, { force: true });
      throw err;
    }

    const sha256 = hash.digest('hex');
    if (expected !== undefined && expected !== sha256) {
      await fsp.rm(tmpPath, { force: true });
      throw new BlobIntegrityError(expected, sha256);
    }

    try {
      return await this.withLock(sha256, () => this.commit(tmpPath, sha256, size));
    } finally {
      await fsp.rm(tmpPath, { force: true });
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<BlobStat | null> {
    const inline = this.#inline?.stat(sha256);
    if (inline) return inline;
    const st = await fsp.stat(this.pathOf(sha256)).catch(ignoreCode('ENOENT', 'ENOTDIR'));
    return st ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  }

  /**
   * A stream of the blob's bytes, or of the inclusive range [start, end].
   * The file is opened before this resolves (BlobNotFoundError if absent), so a
   * concurrent delete cannot cut the stream short. Consume or destroy the stream.
   */
  async read(sha256: string, range: BlobRange = {}): Promise<NodeJS.ReadableStream> {
    const start = range.start ?? 0;
    const end = range.end;
    if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`invalid range start ${start}`);
    if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
      throw new RangeError(`invalid range end ${end} (start ${start})`);
    }
    assertBlobId(sha256);
    const inline = this.#inline?.range(sha256, start, end);
    if (inline) return Readable.from([inline]);
    const fh = await this.openBlob(sha256);
    return fh.createReadStream({ start, end, autoClose: true });
  }

  async readAll(sha256: string): Promise<Buffer> {
    assertBlobId(sha256);
    const inline = this.#inline?.get(sha256);
    if (inline) return inline;
    const fh = await this.openBlob(sha256);
    try {
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  /** Absolute path of the blob's file (it may not exist), for hardlinking in backup/restore. */
  pathOf(sha256: string): string {
    assertBlobId(sha256);
    return path.join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Every stored sha256: inline ones, then files directory by directory (not sorted globally). */
  async *list(): AsyncIterable<string> {
    if (this.#inline) for (const b of this.#inline.list()) yield b.sha256;
    yield* this.#listFiles();
  }

  async *#listFiles(): AsyncIterable<string> {
    for (const a of await subdirs(this.dir)) {
      const aPath = path.join(this.dir, a);
      for (const b of await subdirs(aPath)) {
        const prefix = a + b;
        const entries = await fsp.readdir(path.join(aPath, b), { withFileTypes: true }).catch(ignoreCode('ENOENT', 'ENOTDIR'));
        for (const e of entries ?? []) {
          if (e.isFile() && SHA256_RE.test(e.name) && e.name.startsWith(prefix)) yield e.name;
        }
      }
    }
  }

  /** Remove a blob. Resolves false if it was not there. */
  async delete(sha256: string): Promise<boolean> {
    const p = this.pathOf(sha256);
    if (this.#inline?.delete(sha256)) return true;
    return this.withLock(sha256, async () => {
      try {
        await fsp.unlink(p);
        return true;
      } catch (err) {
        if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR') return false;
        throw err;
      }
    });
  }

  /**
   * Delete every blob that is unreferenced and older than the grace period.
   * isReferenced is only asked about blobs past the grace period.
   */
  async gc(opts: BlobGcOptions): Promise<BlobGcResult> {
    const graceMs = opts.graceMs ?? DEFAULT_GC_GRACE_MS;
    if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`invalid graceMs ${graceMs}`);
    const cutoff = (opts.now ?? Date.now()) - graceMs;
    const result: BlobGcResult = { examined: 0, deleted: 0, bytesFreed: 0 };
    if (this.#inline) {
      for (const b of [...this.#inline.list()]) {
        result.examined++;
        if (b.createdAt >= cutoff || (await opts.isReferenced(b.sha256))) continue;
        if (!opts.dryRun) this.#inline.delete(b.sha256);
        result.deleted++;
        result.bytesFreed += b.size;
      }
    }
    for await (const sha256 of this.#listFiles()) {
      result.examined++;
      await this.withLock(sha256, async () => {
        const p = this.pathOf(sha256);
        const st = await fsp.stat(p).catch(ignoreCode('ENOENT'));
        if (!st || st.mtimeMs >= cutoff) return;
        if (await opts.isReferenced(sha256)) return;
        if (!opts.dryRun) {
          try {
            await fsp.unlink(p);
          } catch (err) {
            if (codeOf(err) === 'ENOENT') return;
            throw err;
          }
        }
        result.deleted++;
        result.bytesFreed += st.size;
      });
    }
    return result;
  }

  // --- internals ---



  /** Move a complete, fsynced tmp file into place. Runs under the sha's lock. */
  private async commit(tmpPath: string, sha256: string, size: number): Promise<BlobInfo> {
    const target = this.pathOf(sha256);
    const leafDir = path.dirname(target);
    await this.ensureFanout(leafDir);
    let created: boolean;
    try {
      // link(2) fails with EEXIST instead of replacing: exactly one of several
      // concurrent writers of the same content creates the blob.
      await fsp.link(tmpPath, target);
      created = true;
    } catch (err) {
      const code = codeOf(err);
      if (code === 'EEXIST') {
        created = await this.dedupeOnto(tmpPath, target, size);
      } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
        // Filesystem without hard links: rename, which replaces identical content atomically.
        const existing = await fsp.stat(target).catch(ignoreCode('ENOENT'));
        if (existing) {
          created = await this.dedupeOnto(tmpPath, target, size);
        } else {
          await fsp.rename(tmpPath, target);
          created = true;
        }
      } else {
        throw err;
      }
    }
    if (created) await fsyncDir(leafDir);
    return { sha256, size, created };
  }

  /** The target exists. Refresh its mtime (gc grace) or, if its size is wrong, repair it. */
  private async dedupeOnto(tmpPath: string, target: string, size: number): Promise<boolean> {
    const existing = await fsp.stat(target);
    if (existing.size !== size) {
      // Damaged outside this store (the name proves what the content must be).
      await fsp.rename(tmpPath, target);
      return true;
    }
    const now = new Date();
    await fsp.utimes(target, now, now).catch(ignoreCode('EPERM', 'EACCES'));
    return false;
  }

  private async ensureFanout(leafDir: string): Promise<void> {
    await fsp.mkdir(leafDir, { recursive: true });
    if (this.durableDirs.has(leafDir)) return;
    // Make the new directory entries durable, whether this or a concurrent writer
    // created them, before the first blob in them is reported written.
    const mid = path.dirname(leafDir);
    await fsyncDir(mid);
    await fsyncDir(this.dir);
    this.durableDirs.add(leafDir);
  }

  private async openTmp(tmpPath: string): Promise<FileHandle> {
    try {
      return await fsp.open(tmpPath, 'wx', BLOB_FILE_MODE);
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') throw err;
      await fsp.mkdir(this.tmpDir, { recursive: true }); // init() was not called, or tmp was removed
      return await fsp.open(tmpPath, 'wx', BLOB_FILE_MODE);
    }
  }

  private async openBlob(sha256: string): Promise<FileHandle> {
    const p = this.pathOf(sha256);
    try {
      return await fsp.open(p, 'r');
    } catch (err) {
      if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR') throw new BlobNotFoundError(sha256);
      throw err;
    }
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = prev.then(() => mine);
    this.locks.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

// --- helpers ---

function checkLimit(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}

/** The source's bytes if it is already in memory, else undefined. */
function wholeBytes(source: BlobSource): Uint8Array | undefined {
  if (typeof source === 'string') return Buffer.from(source, 'utf8');
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return undefined;
}

function iterableOf(source: BlobSource): AsyncIterable<unknown> {
  const s = source as unknown as Record<PropertyKey, unknown>;
  if (typeof s[Symbol.asyncIterator] === 'function') return source as AsyncIterable<unknown>;
  if (typeof s.pipe === 'function') return new Readable().wrap(source as NodeJS.ReadableStream);
  throw new TypeError('blob source must be a Buffer, Uint8Array, string, readable stream or async iterable');
}

function chunkBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`blob source yielded a ${typeof chunk}, expected bytes`);
}

/**
 * Copy a stream into fh while hashing; returns the byte count. Small chunks are
 * copied into batch buffers (so a source that reuses its buffer is safe and tiny
 * chunks do not cost a syscall each); large chunks are written as they are, and the
 * next chunk is only pulled once that write is done. Throwing out of the loop ends the
 * source (for-await calls return(), which destroys a Node stream).
 */
async function copyStream(
  fh: FileHandle,
  chunks: AsyncIterable<unknown>,
  hash: ReturnType<typeof createHash>,
  maxBytes: number,
): Promise<number> {
  let size = 0;
  let position = 0;
  // A ring of batch buffers: while some are being written (positional writes, so they
  // may complete in any order), the next chunks are received and hashed into a free
  // one. The disk, the thread pool and the socket all work at the same time; memory
  // stays at WRITE_BUFFERS batches. A buffer is refilled only once its write is done.
  const buffers: (Buffer | undefined)[] = new Array(WRITE_BUFFERS).fill(undefined);
  const writes: Promise<void>[] = new Array(WRITE_BUFFERS).fill(Promise.resolve());
  let current = 0;
  let fill = 0;
  // At most one background fdatasync; the final fsync of write() still covers everything.
  let syncing: Promise<void> | undefined;
  let syncedUpTo = 0;
  const syncAhead = () => {
    if (syncing || position - syncedUpTo < SYNC_AHEAD_BYTES) return;
    syncedUpTo = position;
    syncing = Promise.all(writes).then(() => fh.datasync()).finally(() => { syncing = undefined; });
    syncing.catch(() => {});
  };
  const write = (slot: number, bytes: Uint8Array): Promise<void> => {
    const at = position;
    position += bytes.byteLength;
    const w = writeFully(fh, bytes, at);
    // Awaited later (before the slot is reused, or at the end); a failure surfaces
    // there, never as an unhandled rejection.
    w.catch(() => {});
    writes[slot] = w;
    syncAhead();
    return w;
  };
  const flush = async () => {
    if (fill === 0) return;
    write(current, buffers[current]!.subarray(0, fill));
    fill = 0;
    current = (current + 1) % WRITE_BUFFERS;
    await writes[current];
  };
  try {
    for await (const raw of chunks) {
      const chunk = chunkBytes(raw);
      if (chunk.byteLength === 0) continue;
      size += chunk.byteLength;
      if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
      hash.update(chunk);
      if (chunk.byteLength >= WRITE_BATCH_BYTES / 2) {
        await flush();
        // The source's own memory: written before the next chunk is pulled.
        await write(current, chunk);
      } else {
        if (fill + chunk.byteLength > WRITE_BATCH_BYTES) await flush();
        const batch = (buffers[current] ??= Buffer.allocUnsafeSlow(WRITE_BATCH_BYTES));
        batch.set(chunk, fill);
        fill += chunk.byteLength;
      }
    }
    await flush();
    await Promise.all(writes);
  } finally {
    // Never leave a write or a datasync running on a handle the caller is about to close.
    await Promise.allSettled(writes);
    await syncing?.catch(() => {});
  }
  return size;
}

async function writeFully(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off, position + off);
    off += bytesWritten;
  }
}

/** fsync a directory so the entries just created in it survive a crash. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // Platforms that cannot open or fsync a directory (Windows, some network filesystems).
    const code = codeOf(err);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EBADF') throw err;
  } finally {
    await fh?.close();
  }
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(ignoreCode('ENOENT', 'ENOTDIR'));
  return (entries ?? []).filter((e) => e.isDirectory() && FANOUT_RE.test(e.name)).map((e) => e.name);
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** A .catch handler that turns the given errno codes into undefined and rethrows the rest. */
function ignoreCode(...codes: string[]): (err: unknown) => undefined {
  return (err) => {
    if (codes.includes(codeOf(err) ?? '')) return undefined;
    throw err;
  };
}
