// Chunked uploads in progress: transient state on disk, not events (DESIGN.md "Not
// everything is an event") — nothing of an upload is user data until it is assembled
// and FileWritten is appended.
//
// Implementation notes (invariants):
// - Layout: <dataDir>/uploads/<owner key>/<upload id>/manifest.json and one file per
//   received chunk named by its number ("1", "2", …). The owner key is the user id when
//   it is a plain segment, else its sha256; the upload id matches UPLOAD_ID_RE. Both are
//   checked before they touch a path: that check is the guard against path traversal.
// - A chunk streams into "<n>.part-<random>", is fsynced and then renamed over "<n>":
//   a chunk listed as received is always complete, and sending it again replaces it.
// - manifest.json is replaced by rename too; its touchedAt moves on every chunk, so an
//   upload in use is never purged.
// - Chunks of one upload may arrive in parallel, but not the same chunk twice at once,
//   and nothing is written while the upload is assembled or deleted (in-process state:
//   the appliance is one process per data directory). Parallel chunks may overshoot the
//   quota bound by what is in flight; assembly checks the real space left anyway.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BlobSource } from '../../../core/blobs/index.ts';
import { QuotaExceededError } from '../service/drive-service.ts';
import { BadChunkError, ChunkTooLargeError, TooManyUploadsError, UploadBusyError, UploadExistsError, UploadNotFoundError } from './upload-errors.ts';
import { MAX_CHUNK_BYTES, MAX_CHUNKS, MAX_OPEN_UPLOADS_PER_USER, UPLOAD_ID_RE, UPLOAD_TTL_MS } from './upload-limits.ts';

const MANIFEST = 'manifest.json';
/**
 * A chunk's name in a request: digits. Chunking v2 numbers chunks 1…10,000; the desktop
 * clients' older "NG" chunking names them by their byte offset, zero-padded to 16
 * digits ("0000000000000000", "0000000010485760"). Both order numerically.
 */
const CHUNK_NAME_RE = /^[0-9]{1,16}$/;
/** A chunk file on disk: its number, written without leading zeros. */
const CHUNK_FILE_RE = /^(0|[1-9][0-9]{0,15})$/;
/** Read size when assembling: big enough for few syscalls, small enough to bound memory. */
const ASSEMBLE_READ_BYTES = 1024 * 1024;

/** Where the assembled file goes when the browser started the upload (DAV names it in MOVE). */
export interface BrowserTarget { drive: string; parent: string; name: string; contentType?: string; /** The file's own last-modified time (ms). */ mtime?: number }

export interface UploadManifest {
  id: string;
  ownerId: string;
  createdAt: string;
  touchedAt: string;
  /** Announced size of the whole file (OC-Total-Length, or the browser's file size). */
  totalLength?: number;
  /** The Destination header given to MKCOL or a chunk PUT (a /dav/files/… URL). */
  destination?: string;
  target?: BrowserTarget;
}

export interface ChunkInfo { n: number; size: number; modified: string }

/** A chunk number from a path segment or URL parameter (its place in the file: chunks are assembled in numeric order). */
export function parseChunkNumber(segment: string): number {
  if (!CHUNK_NAME_RE.test(segment) || !Number.isSafeInteger(Number(segment))) throw new BadChunkError('a chunk is named by a number (its index or its byte offset)');
  return Number(segment);
}

export function assertUploadId(id: string): void {
  if (!UPLOAD_ID_RE.test(id)) throw new BadChunkError('an upload id is 1–100 letters, digits, "-", "_" or "." (not first)');
}

export function createUploadStore(dir: string) {
  const root = path.resolve(dir);
  /** Uploads being assembled or deleted. */
  const busy = new Set<string>();
  /** Chunk numbers being written, by upload. */
  const writing = new Map<string, Set<number>>();

  const ownerKey = (ownerId: string) => (/^[A-Za-z0-9_-]{1,64}$/.test(ownerId) ? ownerId : createHash('sha256').update(ownerId).digest('hex'));
  const uploadDir = (ownerId: string, id: string) => {
    assertUploadId(id);
    return path.join(root, ownerKey(ownerId), id);
  };

  async function readManifest(ownerId: string, id: string): Promise<UploadManifest | undefined> {
    try {
      const m = JSON.parse(await fsp.readFile(path.join(uploadDir(ownerId, id), MANIFEST), 'utf8')) as UploadManifest;
      return m.ownerId === ownerId ? m : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return undefined;
      throw e;
    }
  }

  async function writeManifest(m: UploadManifest): Promise<void> {
    const d = uploadDir(m.ownerId, m.id);
    const tmp = path.join(d, `${MANIFEST}.${randomBytes(6).toString('hex')}`);
    try {
      await fsp.writeFile(tmp, JSON.stringify(m));
      await fsp.rename(tmp, path.join(d, MANIFEST));
    } catch (e) {
      // Aborted (or purged) by another request meanwhile.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UploadNotFoundError();
      throw e;
    }
  }

  const store = {
    dir: root,

    async get(ownerId: string, id: string): Promise<UploadManifest> {
      const m = await readManifest(ownerId, id);
      if (!m) throw new UploadNotFoundError();
      return m;
    },

    async list(ownerId: string): Promise<UploadManifest[]> {
      const names = await fsp.readdir(path.join(root, ownerKey(ownerId))).catch(() => [] as string[]);
      const out: UploadManifest[] = [];
      for (const n of names) {
        if (!UPLOAD_ID_RE.test(n)) continue;
        const m = await readManifest(ownerId, n);
        if (m) out.push(m);
      }
      return out;
    },

    async create(ownerId: string, id: string, init: Pick<UploadManifest, 'totalLength' | 'destination' | 'target'> = {}, now = new Date()): Promise<UploadManifest> {
      const d = uploadDir(ownerId, id);
      if ((await store.list(ownerId)).length >= MAX_OPEN_UPLOADS_PER_USER) throw new TooManyUploadsError(MAX_OPEN_UPLOADS_PER_USER);
      await fsp.mkdir(path.dirname(d), { recursive: true });
      try {
        await fsp.mkdir(d);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UploadExistsError();
        throw e;
      }
      const m: UploadManifest = { id, ownerId, createdAt: now.toISOString(), touchedAt: now.toISOString(), ...init };
      await writeManifest(m);
      return m;
    },

    /** Records what a later request announced (total length, destination) and marks the upload as in use. */
    async touch(m: UploadManifest, changes: Pick<UploadManifest, 'totalLength' | 'destination'> = {}, now = new Date()): Promise<UploadManifest> {
      const next = { ...m, ...changes, touchedAt: now.toISOString() };
      await writeManifest(next);
      return next;
    },

    async chunks(ownerId: string, id: string): Promise<ChunkInfo[]> {
      const d = uploadDir(ownerId, id);
      const out: ChunkInfo[] = [];
      for (const name of await fsp.readdir(d).catch(() => { throw new UploadNotFoundError(); })) {
        if (!CHUNK_FILE_RE.test(name)) continue;
        const st = await fsp.stat(path.join(d, name)).catch(() => undefined);
        if (st?.isFile()) out.push({ n: Number(name), size: st.size, modified: st.mtime.toISOString() });
      }
      return out.sort((a, b) => a.n - b.n);
    },

    /**
     * Streams a chunk to disk (never whole in memory). `maxTotal` bounds the whole
     * upload (the drive's quota): a chunk that would take it past is refused (507).
     */
    async writeChunk(m: UploadManifest, n: number, source: BlobSource, opts: { declaredLength?: number; maxTotal: number }): Promise<{ size: number; replaced: boolean }> {
      const d = uploadDir(m.ownerId, m.id);
      const key = `${ownerKey(m.ownerId)}/${m.id}`;
      const inFlight = writing.get(key) ?? new Set<number>();
      if (busy.has(key) || inFlight.has(n)) throw new UploadBusyError();
      inFlight.add(n);
      writing.set(key, inFlight);
      try {
        const existing = await store.chunks(m.ownerId, m.id);
        if (existing.length >= MAX_CHUNKS && !existing.some((c) => c.n === n)) throw new BadChunkError(`an upload has at most ${MAX_CHUNKS} chunks`);
        const others = existing.filter((c) => c.n !== n).reduce((s, c) => s + c.size, 0);
        const room = Math.max(0, opts.maxTotal - others);
        if (opts.declaredLength !== undefined && opts.declaredLength > MAX_CHUNK_BYTES) throw new ChunkTooLargeError(MAX_CHUNK_BYTES);
        if (opts.declaredLength !== undefined && opts.declaredLength > room) throw new QuotaExceededError();
        const tmp = path.join(d, `${n}.part-${randomBytes(6).toString('hex')}`);
        const fh = await fsp.open(tmp, 'wx').catch((e: NodeJS.ErrnoException) => { throw e.code === 'ENOENT' ? new UploadNotFoundError() : e; });
        let size = 0;
        try {
          for await (const c of iterate(source)) {
            size += c.byteLength;
            if (size > MAX_CHUNK_BYTES) throw new ChunkTooLargeError(MAX_CHUNK_BYTES);
            if (size > room) throw new QuotaExceededError();
            await writeAll(fh, c);
          }
          // The client drops its copy of the chunk once it is acknowledged: make it survive a crash.
          await fh.sync();
          await fh.close();
          await fsp.rename(tmp, path.join(d, String(n)));
        } catch (e) {
          await fh.close().catch(() => {});
          await fsp.rm(tmp, { force: true });
          throw e;
        }
        // Re-read: a parallel request may have announced a length or destination meanwhile.
        await store.touch((await readManifest(m.ownerId, m.id)) ?? m);
        return { size, replaced: existing.some((c) => c.n === n) };
      } finally {
        inFlight.delete(n);
        if (inFlight.size === 0) writing.delete(key);
      }
    },

    /** The chunks' bytes in numeric order, read from disk as they are consumed. */
    assembled(m: UploadManifest, chunks: readonly ChunkInfo[]): AsyncIterable<Uint8Array> {
      const d = uploadDir(m.ownerId, m.id);
      return (async function* () {
        for (const c of chunks) yield* createReadStream(path.join(d, String(c.n)), { highWaterMark: ASSEMBLE_READ_BYTES }) as AsyncIterable<Buffer>;
      })();
    },

    async remove(ownerId: string, id: string): Promise<void> {
      await fsp.rm(uploadDir(ownerId, id), { recursive: true, force: true });
    },

    /** Runs `fn` (assembly, deletion) as the only request on this upload; any other meanwhile gets 409. */
    async exclusive<T>(ownerId: string, id: string, fn: () => Promise<T>): Promise<T> {
      const key = `${ownerKey(ownerId)}/${id}`;
      if (busy.has(key) || writing.has(key)) throw new UploadBusyError();
      busy.add(key);
      try {
        return await fn();
      } finally {
        busy.delete(key);
      }
    },

    /** Removes uploads untouched for UPLOAD_TTL_MS (and leftovers without a manifest); returns how many. */
    async purgeStale(now = Date.now()): Promise<number> {
      let purged = 0;
      for (const owner of await fsp.readdir(root).catch(() => [] as string[])) {
        const od = path.join(root, owner);
        for (const id of await fsp.readdir(od).catch(() => [] as string[])) {
          const d = path.join(od, id);
          if (busy.has(`${owner}/${id}`) || writing.has(`${owner}/${id}`)) continue;
          let touched: number;
          try {
            touched = Date.parse((JSON.parse(await fsp.readFile(path.join(d, MANIFEST), 'utf8')) as UploadManifest).touchedAt);
          } catch {
            touched = (await fsp.stat(d).catch(() => undefined))?.mtimeMs ?? 0;
          }
          if (!(now - touched > UPLOAD_TTL_MS)) continue;
          await fsp.rm(d, { recursive: true, force: true });
          purged++;
        }
        await fsp.rmdir(od).catch(() => {}); // only when empty
      }
      return purged;
    },
  };
  return store;
}

export type UploadStore = ReturnType<typeof createUploadStore>;

function iterate(source: BlobSource): AsyncIterable<Uint8Array> {
  if (typeof source === 'string') return (async function* () { yield Buffer.from(source); })();
  if (source instanceof Uint8Array) return (async function* () { yield source; })();
  return source as AsyncIterable<Uint8Array>;
}

async function writeAll(fh: FileHandle, c: Uint8Array): Promise<void> {
  let off = 0;
  while (off < c.byteLength) off += (await fh.write(c, off, c.byteLength - off)).bytesWritten;
}
