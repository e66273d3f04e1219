// A raw SMTP client for specs that need to say exactly what a client says (commands out
// of order, garbage, pipelined bursts): write lines, read complete replies.
import net from 'node:net';
import tls from 'node:tls';

export interface SmtpReplyLine { code: number; lines: string[]; text: string }

export class SmtpDialog {
  #socket: net.Socket | tls.TLSSocket;
  #buffer = '';
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.#socket = socket;
    this.#attach(socket);
  }

  static async open(port: number, opts: { tls?: boolean } = {}): Promise<SmtpDialog> {
    const socket = await new Promise<net.Socket | tls.TLSSocket>((resolve, reject) => {
      const s = opts.tls
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s))
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    return new SmtpDialog(socket);
  }

  #attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.#buffer += d; this.#wake(); });
    socket.on('close', () => { this.closed = true; this.#wake(); });
    socket.on('error', () => { this.closed = true; this.#wake(); });
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  write(data: string | Buffer): void {
    this.#socket.write(data);
  }

  send(line: string): void {
    this.#socket.write(`${line}\r\n`);
  }

  /** The next complete reply (multi-line aware), or undefined when the server closed. */
  async reply(timeoutMs = 5_000): Promise<SmtpReplyLine | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.#take();
      if (r) return r;
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SMTP reply within ${timeoutMs} ms; buffer: ${JSON.stringify(this.#buffer)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  #take(): SmtpReplyLine | undefined {
    const lines: string[] = [];
    let at = 0;
    for (;;) {
      const nl = this.#buffer.indexOf('\r\n', at);
      if (nl === -1) return undefined;
      const line = this.#buffer.slice(at, nl);
      at = nl + 2;
      lines.push(line);
      if (!/^\d{3}-/.test(line)) {
        this.#buffer = this.#buffer.slice(at);
        return { code: Number(line.slice(0, 3)), lines, text: lines.map((l) => l.slice(4)).join('\n') };
      }
    }
  }

  async command(line: string): Promise<SmtpReplyLine | undefined> {
    this.send(line);
    return this.reply();
  }

  /** STARTTLS handshake after a 220 reply. */
  async startTls(): Promise<void> {
    const plain = this.#socket as net.Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.#socket = secure;
    this.#buffer = '';
    this.#attach(secure);
  }

  close(): void {
    this.#socket.destroy();
  }
}
