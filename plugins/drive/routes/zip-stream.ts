// A folder as a .zip, streamed: entries are stored (not compressed: most large files
// are compressed already, and storing costs no CPU), each followed by a data descriptor
// carrying the CRC-32 computed while its bytes pass (APPNOTE 4.3.9), then the central
// directory. Names are UTF-8 (general purpose bit 11). No ZIP64: a folder past the
// limits below is refused, and WebDAV clients download it instead.
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { LimitExceededError } from '../../../core/errors.ts';

/** Largest archive without ZIP64 (sizes and offsets are 32-bit). */
export const MAX_ZIP_BYTES = 0xffff_ffff - 64 * 1024 * 1024;
/** Most entries without ZIP64 (the count is 16-bit). */
export const MAX_ZIP_ENTRIES = 0xffff;

export interface ZipEntry { path: string; folder: boolean; size: number; modified: string; open?: () => Promise<AsyncIterable<Uint8Array>> }

function dosTime(iso: string): { time: number; date: number } {
  const d = new Date(iso);
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Throws before anything is sent when the archive would need ZIP64. */
export function checkZipLimits(entries: readonly ZipEntry[]): void {
  const bytes = entries.reduce((s, e) => s + e.size + 2 * Buffer.byteLength(e.path) + 128, 0);
  if (entries.length > MAX_ZIP_ENTRIES || bytes > MAX_ZIP_BYTES) {
    throw new LimitExceededError('this folder is too large for a zip download; use a WebDAV client', 'zip_too_large');
  }
}

export function zipStream(entries: readonly ZipEntry[]): ReadableStream<Uint8Array> {
  async function* generate(): AsyncGenerator<Buffer> {
    const central: Buffer[] = [];
    let offset = 0;
    for (const e of entries) {
      const name = Buffer.from(e.folder ? `${e.path}/` : e.path, 'utf8');
      const { time, date } = dosTime(e.modified);
      const flags = 0x0800 | (e.folder ? 0 : 0x0008); // UTF-8 names; sizes and CRC in a data descriptor
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed: 2.0
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(0, 8); // stored
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt16LE(name.length, 26);
      yield local;
      yield name;
      let crc = 0;
      let size = 0;
      if (!e.folder && e.open) {
        for await (const chunk of await e.open()) {
          crc = crc32(chunk, crc);
          size += chunk.byteLength;
          yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        }
        const desc = Buffer.alloc(16);
        desc.writeUInt32LE(0x08074b50, 0);
        desc.writeUInt32LE(crc >>> 0, 4);
        desc.writeUInt32LE(size, 8);
        desc.writeUInt32LE(size, 12);
        yield desc;
      }
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(flags, 8);
      c.writeUInt16LE(0, 10);
      c.writeUInt16LE(time, 12);
      c.writeUInt16LE(date, 14);
      c.writeUInt32LE(crc >>> 0, 16);
      c.writeUInt32LE(size, 20);
      c.writeUInt32LE(size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE((e.folder ? 0o40755 : 0o100644) * 0x10000 + (e.folder ? 0x10 : 0), 38); // Unix mode, DOS directory bit
      c.writeUInt32LE(offset, 42);
      central.push(c, name);
      offset += 30 + name.length + (e.folder ? 0 : size + 16);
    }
    const dir = Buffer.concat(central);
    yield dir;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(dir.length, 12);
    end.writeUInt32LE(offset, 16);
    yield end;
  }
  return Readable.toWeb(Readable.from(generate())) as ReadableStream<Uint8Array>;
}
