// Blob store throughput, called by `npm run bench` (not a test).
// `dir` is a scratch directory; everything is written under a fresh subdirectory
// of it that is removed afterwards.

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BlobStore } from './blob-store.ts';

const MiB = 1024 * 1024;
const STREAM_BYTES = 256 * MiB;
const STREAM_CHUNK = 64 * 1024; // the chunk size of fs and most HTTP streams
const SMALL_COUNT = 1000;
const SMALL_BYTES = 4 * 1024;
const SMALL_CONCURRENCY = 16;

export async function benchBlobs(dir: string): Promise<Record<string, number>> {
  await fsp.mkdir(dir, { recursive: true });
  const scratch = await fsp.mkdtemp(path.join(dir, 'blob-bench-'));
  try {
    const store = new BlobStore(path.join(scratch, 'blobs'));
    await store.init();

    // One 256 MB stream, generated lazily in 64 KiB chunks.
    const seed = randomBytes(STREAM_CHUNK);
    async function* big() {
      for (let i = 0; i < STREAM_BYTES / STREAM_CHUNK; i++) {
        const c = Buffer.from(seed);
        c.writeUInt32LE(i, 0);
        yield c;
      }
    }
    let t = performance.now();
    const { sha256 } = await store.write(big());
    const streamWriteMBps = STREAM_BYTES / MiB / ((performance.now() - t) / 1000);

    t = performance.now();
    let read = 0;
    for await (const c of await store.read(sha256)) read += (c as Buffer).length;
    const streamReadMBps = read / MiB / ((performance.now() - t) / 1000);

    // 1,000 distinct 4 KB blobs, one after another (each is fsynced twice: file and directory).
    const small = (i: number, salt: number) => {
      const b = randomBytes(SMALL_BYTES);
      b.writeUInt32LE(i, 0);
      b.writeUInt32LE(salt, 4);
      return b;
    };
    t = performance.now();
    for (let i = 0; i < SMALL_COUNT; i++) await store.write(small(i, 1));
    const small4kWritesPerSec = SMALL_COUNT / ((performance.now() - t) / 1000);

    // The same with 16 writers at once (uploads in parallel).
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SMALL_CONCURRENCY }, async () => {
        while (next < SMALL_COUNT) await store.write(small(next++, 2));
      }),
    );
    const small4kConcurrentWritesPerSec = SMALL_COUNT / ((performance.now() - t) / 1000);

    // Writing content that is already stored (no new file, no fsync of a directory).
    t = performance.now();
    const same = small(0, 3);
    for (let i = 0; i < SMALL_COUNT; i++) await store.write(same);
    const small4kDedupeWritesPerSec = SMALL_COUNT / ((performance.now() - t) / 1000);

    return {
      streamWriteMBps: round(streamWriteMBps),
      streamReadMBps: round(streamReadMBps),
      small4kWritesPerSec: round(small4kWritesPerSec),
      small4kConcurrentWritesPerSec: round(small4kConcurrentWritesPerSec),
      small4kDedupeWritesPerSec: round(small4kDedupeWritesPerSec),
    };
  } finally {
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
