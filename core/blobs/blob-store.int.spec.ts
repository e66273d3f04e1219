import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStore,
  BlobTooLargeError,
  DEFAULT_GC_GRACE_MS,
  InvalidBlobIdError,
} from './index.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const HOUR = 60 * 60 * 1000;

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(parts);
}

/** Deterministic, non-repeating-ish bytes without keeping them around. */
function patternChunk(index: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = (index * 2654435761) >>> 0;
  for (let i = 0; i + 4 <= size; i += 4) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    b.writeUInt32LE(x, i);
  }
  return b;
}

/** Byte equality without vitest's element-by-element diff (slow on large buffers). */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(sha(actual)).toBe(sha(expected));
}

async function ageFile(p: string, ageMs: number): Promise<void> {
  const t = new Date(Date.now() - ageMs);
  await fsp.utimes(p, t, t);
}

let root: string;
let store: BlobStore;

beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'cairn-blobs-'));
  store = new BlobStore(path.join(root, 'blobs'));
  await store.init();
});

afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

const tmpFiles = () => fsp.readdir(path.join(root, 'blobs', 'tmp'));

describe('write', () => {
  it('stores a Buffer under its sha256, fanned out by 2+2 hex chars', async () => {
    const data = Buffer.from('hello, cairn');
    const info = await store.write(data);
    expect(info).toEqual({ sha256: sha(data), size: data.length, created: true });
    const p = store.pathOf(info.sha256);
    expect(p).toBe(path.join(root, 'blobs', info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256));
    expect(await fsp.readFile(p)).toEqual(data);
    expect(await tmpFiles()).toEqual([]);
  });

  it('stores a string as utf-8', async () => {
    const text = 'Grüße, 世界 ✉';
    const info = await store.write(text);
    expect(info.sha256).toBe(sha(Buffer.from(text, 'utf8')));
    expect(info.size).toBe(Buffer.byteLength(text));
    expect((await store.readAll(info.sha256)).toString('utf8')).toBe(text);
  });

  it('stores a plain Uint8Array view (respecting offset and length)', async () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    const info = await store.write(view);
    expect(info.sha256).toBe(sha(Buffer.from([1, 2, 3])));
    expect(await store.readAll(info.sha256)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('stores the empty blob', async () => {
    const info = await store.write('');
    expect(info).toEqual({ sha256: sha(''), size: 0, created: true });
    expect(await store.readAll(info.sha256)).toEqual(Buffer.alloc(0));
  });

  it('stores a Node readable stream with many chunk sizes', async () => {
    const chunks = [1, 7, 4096, 200_000, 3, 300_000, 65_536, 1].map((n, i) => patternChunk(i, n));
    const all = Buffer.concat(chunks);
    const info = await store.write(Readable.from(chunks));
    expect(info).toEqual({ sha256: sha(all), size: all.length, created: true });
    expectSameBytes(await store.readAll(info.sha256), all);
  });

  it('stores an async iterable, even one that reuses its buffer between chunks', async () => {
    const expected = createHash('sha256');
    const reused = Buffer.alloc(1000);
    let total = 0;
    async function* gen() {
      for (let i = 0; i < 500; i++) {
        reused.fill(i % 251);
        expected.update(reused);
        total += reused.length;
        yield reused;
      }
    }
    const info = await store.write(gen());
    expect(info.sha256).toBe(expected.digest('hex'));
    expect(info.size).toBe(total);
    const back = await store.readAll(info.sha256);
    expect(back[0]).toBe(0);
    expect(back[back.length - 1]).toBe(499 % 251);
  });

  it('accepts string chunks from a stream', async () => {
    const info = await store.write(Readable.from(['ab', 'cd', 'é'], { objectMode: true }));
    expect(info.sha256).toBe(sha('abcdé'));
  });

  it('dedupes identical content and refreshes the existing blob mtime', async () => {
    const first = await store.write('same bytes');
    await ageFile(store.pathOf(first.sha256), 2 * HOUR);
    const before = await store.stat(first.sha256);
    const second = await store.write(Readable.from([Buffer.from('same '), Buffer.from('bytes')]));
    expect(second).toEqual({ sha256: first.sha256, size: first.size, created: false });
    const after = await store.stat(first.sha256);
    expect(after!.mtimeMs).toBeGreaterThan(before!.mtimeMs + HOUR);
    expect(await tmpFiles()).toEqual([]);
    const all: string[] = [];
    for await (const s of store.list()) all.push(s);
    expect(all).toEqual([first.sha256]);
  });

  it('repairs a stored file whose size no longer matches its name', async () => {
    const data = patternChunk(1, 10_000);
    const { sha256 } = await store.write(data);
    const p = store.pathOf(sha256);
    await fsp.chmod(p, 0o644);
    await fsp.truncate(p, 100);
    const info = await store.write(data);
    expect(info.created).toBe(true);
    expectSameBytes(await store.readAll(sha256), data);
  });

  it('lets concurrent writers of the same content all succeed, exactly one creating it', async () => {
    const data = Buffer.concat(Array.from({ length: 16 }, (_, i) => patternChunk(i, 64 * 1024)));
    async function* slowly() {
      for (let off = 0; off < data.length; off += 64 * 1024) {
        await new Promise((r) => setImmediate(r));
        yield data.subarray(off, off + 64 * 1024);
      }
    }
    const results = await Promise.all([
      ...Array.from({ length: 12 }, () => store.write(slowly())),
      ...Array.from({ length: 4 }, () => store.write(data)),
    ]);
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha(data)]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.every((r) => r.size === data.length)).toBe(true);
    expectSameBytes(await store.readAll(sha(data)), data);
    expect(await tmpFiles()).toEqual([]);
  });

  it('aborts as soon as maxBytes is exceeded, stops the source and leaves no tmp file', async () => {
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced++;
        yield patternChunk(produced, 1024);
      }
    }
    const err = await store.write(endless(), { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobTooLargeError);
    expect(err).toMatchObject({ code: 'blob_too_large', status: 413, maxBytes: 10_000 });
    expect(produced).toBe(10); // the 10th KiB crosses 10,000 bytes
    expect(await tmpFiles()).toEqual([]);

    // A Node stream is destroyed too.
    const stream = Readable.from(endless());
    await expect(store.write(stream, { maxBytes: 5000 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(stream.destroyed).toBe(true);
    expect(await tmpFiles()).toEqual([]);
  });

  it('applies maxBytes exactly at the boundary, and the store-wide limit', async () => {
    await expect(store.write(Buffer.alloc(100), { maxBytes: 100 })).resolves.toMatchObject({ size: 100 });
    await expect(store.write(Buffer.alloc(101), { maxBytes: 100 })).rejects.toBeInstanceOf(BlobTooLargeError);
    const small = new BlobStore(path.join(root, 'blobs'), { maxBlobBytes: 50 });
    await expect(small.write(Readable.from([Buffer.alloc(30), Buffer.alloc(30)]))).rejects.toMatchObject({
      code: 'blob_too_large',
    });
    await expect(small.write(Buffer.alloc(60), { maxBytes: 1000 })).resolves.toMatchObject({ size: 60 });
    expect(await tmpFiles()).toEqual([]);
  });

  it('fails on an expectedSha256 mismatch and keeps nothing', async () => {
    const wrong = sha('something else');
    const err = await store.write('actual content', { expectedSha256: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobIntegrityError);
    expect(err).toMatchObject({ code: 'blob_integrity', expectedSha256: wrong, actualSha256: sha('actual content') });
    expect(await store.has(sha('actual content'))).toBe(false);
    expect(await tmpFiles()).toEqual([]);
    await expect(store.write('actual content', { expectedSha256: sha('actual content') })).resolves.toMatchObject({
      created: true,
    });
  });

  it('propagates a source error and leaves no tmp file', async () => {
    async function* broken() {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await expect(store.write(broken())).rejects.toThrow('connection reset');
    expect(await tmpFiles()).toEqual([]);
    const all: string[] = [];
    for await (const s of store.list()) all.push(s);
    expect(all).toEqual([]);
  });

  it('streams 200 MB without growing RSS by more than 64 MB', async () => {
    // Collecting garbage regularly makes RSS reflect what is retained, not what V8
    // has not got round to freeing yet; a store that buffered would still grow.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const CHUNK = 64 * 1024;
    const TOTAL = 200 * 1024 * 1024;
    const expected = createHash('sha256');
    gc();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let i = 0;
    const source = new Readable({
      read() {
        if (i * CHUNK >= TOTAL) return void this.push(null);
        const c = Buffer.alloc(CHUNK, i % 256);
        expected.update(c);
        i++;
        if (i % 128 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage.rss());
        }
        this.push(c);
      },
    });
    const info = await store.write(source);
    peak = Math.max(peak, process.memoryUsage.rss());
    expect(info.size).toBe(TOTAL);
    expect(info.sha256).toBe(expected.digest('hex'));
    expect((await store.stat(info.sha256))!.size).toBe(TOTAL);
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('read', () => {
  const data = Buffer.from('0123456789abcdefghij');
  let id: string;
  beforeEach(async () => {
    id = (await store.write(data)).sha256;
  });

  it('reads everything, or an inclusive byte range', async () => {
    expect(await collect(await store.read(id))).toEqual(data);
    expect((await collect(await store.read(id, { start: 2, end: 5 }))).toString()).toBe('2345');
    expect((await collect(await store.read(id, { start: 15 }))).toString()).toBe('fghij');
    expect((await collect(await store.read(id, { end: 0 }))).toString()).toBe('0');
    expect((await collect(await store.read(id, { start: 19, end: 19 }))).toString()).toBe('j');
    expect((await collect(await store.read(id, { start: 18, end: 1000 }))).toString()).toBe('ij');
    await expect(store.read(id, { start: 5, end: 4 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.read(id, { start: -1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('keeps streaming a blob deleted after read() resolved', async () => {
    const stream = await store.read(id);
    expect(await store.delete(id)).toBe(true);
    expect(await collect(stream)).toEqual(data);
  });

  it('reports missing blobs with BlobNotFoundError', async () => {
    const missing = sha('never written');
    await expect(store.read(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.readAll(missing)).rejects.toMatchObject({ code: 'blob_not_found', status: 404, sha256: missing });
    expect(await store.has(missing)).toBe(false);
    expect(await store.stat(missing)).toBeNull();
  });

  it('has, stat, list and delete', async () => {
    const other = (await store.write('another')).sha256;
    expect(await store.has(id)).toBe(true);
    expect(await store.stat(id)).toMatchObject({ size: data.length });
    expect((await store.stat(id))!.mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    const listed: string[] = [];
    for await (const s of store.list()) listed.push(s);
    expect(listed.sort()).toEqual([id, other].sort());
    expect(await store.delete(id)).toBe(true);
    expect(await store.delete(id)).toBe(false);
    expect(await store.has(id)).toBe(false);
    expect(await store.has(other)).toBe(true);
  });

  it('creates blob files read-only', async () => {
    const mode = (await fsp.stat(store.pathOf(id))).mode & 0o777;
    expect(mode).toBe(0o444);
  });
});

describe('blob ids', () => {
  const bad = [
    '../etc/passwd',
    '../../../../../../etc/passwd',
    sha('x').toUpperCase(),
    sha('x').slice(0, 63),
    sha('x') + '0',
    'ab/cd/' + sha('x').slice(6),
    '',
    sha('x').slice(0, 63) + 'g',
    sha('x').slice(0, 63) + '\n',
  ];

  it.each(bad)('rejects %j everywhere', async (id) => {
    expect(() => store.pathOf(id)).toThrow(InvalidBlobIdError);
    await expect(store.has(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
    await expect(store.stat(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
    await expect(store.read(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
    await expect(store.readAll(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
    await expect(store.delete(id)).rejects.toMatchObject({ code: 'invalid_blob_id', status: 400 });
    await expect(store.write('x', { expectedSha256: id })).rejects.toBeInstanceOf(InvalidBlobIdError);
  });

  it('rejects non-string ids', async () => {
    await expect(store.has(42 as unknown as string)).rejects.toBeInstanceOf(InvalidBlobIdError);
  });
});

describe('init', () => {
  it('removes stale tmp files and keeps recent ones (a write in progress elsewhere)', async () => {
    const tmp = path.join(root, 'blobs', 'tmp');
    await fsp.writeFile(path.join(tmp, 'stale.tmp'), 'x');
    await ageFile(path.join(tmp, 'stale.tmp'), 2 * HOUR);
    await fsp.writeFile(path.join(tmp, 'fresh.tmp'), 'y');
    await store.init();
    expect(await tmpFiles()).toEqual(['fresh.tmp']);
  });

  it('creates missing directories', async () => {
    const s = new BlobStore(path.join(root, 'a', 'b', 'blobs'));
    await s.init();
    expect((await fsp.stat(path.join(root, 'a', 'b', 'blobs', 'tmp'))).isDirectory()).toBe(true);
  });
});

describe('gc', () => {
  it('keeps referenced and young blobs and deletes the rest', async () => {
    const refOld = await store.write('referenced, old');
    const unrefOld = await store.write('unreferenced, old');
    const unrefOld2 = await store.write(Buffer.alloc(1234, 7));
    const unrefYoung = await store.write('unreferenced, young');
    for (const b of [refOld, unrefOld, unrefOld2]) await ageFile(store.pathOf(b.sha256), DEFAULT_GC_GRACE_MS + 60_000);
    const asked: string[] = [];
    const isReferenced = async (s: string) => {
      asked.push(s);
      return s === refOld.sha256;
    };

    const dry = await store.gc({ isReferenced, dryRun: true });
    expect(dry).toEqual({ examined: 4, deleted: 2, bytesFreed: unrefOld.size + 1234 });
    expect(await store.has(unrefOld.sha256)).toBe(true);

    asked.length = 0;
    const result = await store.gc({ isReferenced });
    expect(result).toEqual({ examined: 4, deleted: 2, bytesFreed: unrefOld.size + 1234 });
    expect(asked).not.toContain(unrefYoung.sha256); // young blobs never cost a lookup
    expect(await store.has(refOld.sha256)).toBe(true);
    expect(await store.has(unrefYoung.sha256)).toBe(true);
    expect(await store.has(unrefOld.sha256)).toBe(false);
    expect(await store.has(unrefOld2.sha256)).toBe(false);

    // With an explicit clock and grace, the young one goes too.
    const later = await store.gc({ isReferenced: () => false, now: Date.now() + 10_000, graceMs: 5_000 });
    expect(later).toMatchObject({ examined: 2, deleted: 2 });
    const left: string[] = [];
    for await (const s of store.list()) left.push(s);
    expect(left).toEqual([]);
  });

  it('does not delete a blob a concurrent write has just deduplicated onto', async () => {
    const { sha256 } = await store.write('about to be referenced again');
    await ageFile(store.pathOf(sha256), 2 * HOUR);
    let rewrite: Promise<unknown> | undefined;
    const result = await store.gc({
      isReferenced: async (s) => {
        // The write reaches its commit step while gc is still deciding; it must queue
        // behind gc's lock on this sha, land after the delete and recreate the blob,
        // rather than dedupe onto a file that gc then removes.
        rewrite = store.write('about to be referenced again');
        await new Promise((r) => setTimeout(r, 300));
        return s === 'nothing';
      },
    });
    expect(result.deleted).toBe(1);
    await expect(rewrite).resolves.toMatchObject({ sha256, created: true });
    expect(await store.has(sha256)).toBe(true);
  });
});
