// Durability of commits without blocking the event loop.
//
// Implementation notes
//
// - With synchronous=FULL, SQLite fsyncs the WAL inside COMMIT, on the calling thread:
//   better-sqlite3 is synchronous, so every group commit stopped the whole appliance
//   (every SMTP, IMAP and HTTP connection) for the length of one fsync — 1 to 5 ms on
//   this class of disk, several hundred times a second under a mail burst.
// - Instead the connection runs with synchronous=NORMAL (COMMIT writes the WAL frames
//   but does not fsync them; SQLite still fsyncs around checkpoints) and the committer
//   asks this class for durability: an fdatasync of the WAL file on libuv's thread pool.
//   fsync is per file (inode), not per descriptor, so syncing our own descriptor makes
//   every frame written so far durable, the commit frame included. Only after that are
//   appenders answered, so "acknowledged means durable" still holds.
// - Commits that land while a sync is running share the next one (a second group
//   commit, at the disk), so under load there are far fewer fsyncs than commits and the
//   event loop keeps parsing, reading and committing while the disk works.
// - The WAL is recreated only when the last connection closes; the inode is checked
//   before each sync anyway, so a WAL replaced behind our back (another process closing
//   last) is reopened rather than a stale file synced.
// - What NORMAL gives up: a reader on this database can see a commit a few milliseconds
//   before it is durable. A power cut in that window loses it together with everything
//   after it (the WAL is replayed up to the last valid commit, never with a gap), and
//   nobody was told it was stored. Writes outside the event log (sessions, read
//   markers, usage counters) are made durable by the next sync or checkpoint.
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

interface Waiter { resolve(): void; reject(e: unknown): void }

export class WalSync {
  readonly #walPath: string;
  #fd: number | undefined;
  #waiting: Waiter[] = [];
  #running = false;
  #bytes = 0;

  constructor(databasePath: string) {
    this.#walPath = `${databasePath}-wal`;
  }

  /** Resolves once every commit made before this call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (!this.#running) void this.#run();
    });
  }

  /** The WAL file's size at the last sync (it grows with writes, shrinks only at a truncating restart). */
  get walBytes(): number { return this.#bytes; }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0) {
        // Everyone waiting now committed before this fsync starts, so it covers them all.
        const round = this.#waiting.splice(0);
        try {
          await new Promise<void>((resolve, reject) => fdatasync(this.#descriptor(), (e) => (e ? reject(e) : resolve())));
          for (const w of round) w.resolve();
        } catch (e) {
          for (const w of round) w.reject(e);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #descriptor(): number {
    if (this.#fd !== undefined) {
      const st = fstatSync(this.#fd);
      if (st.ino === statSync(this.#walPath).ino) {
        this.#bytes = st.size;
        return this.#fd;
      }
    }
    this.close();
    this.#fd = openSync(this.#walPath, 'r');
    this.#bytes = fstatSync(this.#fd).size;
    return this.#fd;
  }
}
