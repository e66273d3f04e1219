// Buffers a command's responses and writes them in few socket writes, waiting for the
// socket to drain when the client reads slowly (a large FETCH must not pile up in memory).
import type { Socket } from 'node:net';

/** Flush on our own once this much is buffered, even mid-response. */
export const FLUSH_THRESHOLD_BYTES = 256 * 1024;

export class ResponseWriter {
  readonly #socket: () => Socket;
  #pending: (string | Buffer)[] = [];
  #bytes = 0;

  constructor(socket: () => Socket) {
    this.#socket = socket;
  }

  get pendingBytes(): number {
    return this.#bytes;
  }

  write(data: string | Buffer): void {
    this.#pending.push(data);
    this.#bytes += typeof data === 'string' ? data.length : data.length;
  }

  /** "* <line>\r\n" */
  untagged(line: string): void {
    this.write(`* ${line}\r\n`);
  }

  /** Flushes when enough is buffered; call between messages of a long response. */
  async maybeFlush(): Promise<void> {
    if (this.#bytes >= FLUSH_THRESHOLD_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const parts = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    const socket = this.#socket();
    if (socket.destroyed || !socket.writable) return;
    const data = parts.every((p) => typeof p === 'string')
      ? (parts as string[]).join('')
      : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    if (socket.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }
}
