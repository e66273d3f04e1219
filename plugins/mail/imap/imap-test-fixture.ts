// For the IMAP specs and the benchmark: the mail kit's appliance with our server on two
// ports (STARTTLS and implicit TLS, port 0), imapflow clients, and a raw-socket client.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import { silentLogger } from '../../../core/logger.ts';
import type { Listener } from '../../../core/net/index.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../testing/mail-kit.ts';
import { createImapServer, type ImapSearchIndex } from './imap-server.ts';
import type { ImapLimits } from './limits.ts';

export interface ImapFixture {
  kit: MailKit;
  plain: Listener;
  secure: Listener;
  client(user: MailKitUser, opts?: { password?: string; qresync?: boolean }): Promise<ImapFlow>;
  raw(opts?: { secure?: boolean }): Promise<RawClient>;
  close(): Promise<void>;
}

export async function startImapFixture(opts: { limits?: Partial<ImapLimits>; search?: ImapSearchIndex; kit?: MailKit } = {}): Promise<ImapFixture> {
  const kit = opts.kit ?? (await createMailTestAppliance());
  const server = createImapServer({
    store: kit.store,
    auth: kit.appliance.auth,
    feed: kit.appliance.feed,
    tls: kit.appliance.services.tls,
    logger: silentLogger(),
    hostname: 'example.test',
    ...(opts.search ? { search: opts.search } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const plain = await server.listen({ host: '127.0.0.1', port: 0, tls: 'starttls' });
  const secure = await server.listen({ host: '127.0.0.1', port: 0, tls: 'implicit' });
  const clients: ImapFlow[] = [];
  const raws: RawClient[] = [];
  return {
    kit,
    plain,
    secure,
    async client(user, o = {}) {
      const c = new ImapFlow({
        host: '127.0.0.1',
        port: secure.port,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user: user.email, pass: o.password ?? user.appPassword },
        logger: false,
        qresync: o.qresync ?? false,
      });
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
      return c;
    },
    async raw(o = {}) {
      const r = await RawClient.connect(o.secure ? secure.port : plain.port, o.secure ?? false);
      raws.push(r);
      return r;
    },
    async close() {
      for (const c of clients) c.close();
      for (const r of raws) r.socket.destroy();
      await plain.close({ graceMs: 200 });
      await secure.close({ graceMs: 200 });
      if (!opts.kit) await kit.close();
    },
  };
}

/** A line-oriented client on a plain or TLS socket, for protocol-level tests. */
export class RawClient {
  text = '';
  closed = false;
  readonly #waiters = new Set<() => void>();

  constructor(public socket: net.Socket) {
    this.#listen(socket);
  }

  #listen(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => {
      this.text += d.toString('utf8');
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  static connect(port: number, secure: boolean): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = secure
        ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(new RawClient(socket)))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until the received text matches, and returns the match. */
  until(pattern: RegExp, timeoutMs = 3000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.text.match(pattern);
        if (m) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(m);
        } else if (this.closed) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          reject(new Error(`connection closed waiting for ${pattern}; received ${JSON.stringify(this.text.slice(-2000))}`));
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern}; received ${JSON.stringify(this.text.slice(-2000))}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends "<tag> <command>" and waits for the tagged reply; returns everything received for it. */
  async command(tag: string, command: string, timeoutMs = 3000): Promise<string> {
    const start = this.text.length;
    this.write(`${tag} ${command}\r\n`);
    await this.until(new RegExp(`(^|\\r\\n)${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (OK|NO|BAD)[^\\r\\n]*\\r\\n`), timeoutMs);
    return this.text.slice(start);
  }

  /** Upgrades to TLS (after a STARTTLS OK). */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.#listen(this.socket);
  }
}
