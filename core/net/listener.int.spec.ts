import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, type Listener, type ListenerOptions, createListener, normalizeAddress } from './listener.ts';
import { loadOrCreateTlsPair } from './tls-pair.ts';

// ---------------------------------------------------------------------------
// Helpers: real sockets on 127.0.0.1, port 0.

let pair: { cert: string; key: string };
let dataDir: string;
const listeners: Listener[] = [];
const clients: net.Socket[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-listener-'));
  pair = await loadOrCreateTlsPair({ dataDir, hostname: 'mail.example.test' });
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(listeners.splice(0).map((l) => l.close({ graceMs: 100 })));
});

async function listen(opts: Partial<ListenerOptions> & Pick<ListenerOptions, 'onConnection'>): Promise<Listener> {
  const l = await createListener({ name: 'test', host: '127.0.0.1', port: 0, tls: 'none', ...opts });
  listeners.push(l);
  return l;
}

function echo(conn: Connection): void {
  conn.socket.on('data', (d) => conn.socket.write(d));
}

/** Accumulates everything a socket receives and lets a test wait for a pattern or for close. */
class Reader {
  text = '';
  ended = false;
  closed = false;
  errors: Error[] = [];
  readonly #waiters = new Set<() => void>();
  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.text += d;
      this.#wake();
    });
    socket.on('error', (e) => this.errors.push(e));
    socket.on('end', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }
  #wake() {
    for (const w of this.#waiters) w();
  }
  until(pred: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.text)}, closed=${this.closed}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }
  line(s: string, timeoutMs?: number) {
    return this.until(() => this.text.includes(s), JSON.stringify(s), timeoutMs);
  }
  close(timeoutMs?: number) {
    return this.until(() => this.closed, 'close', timeoutMs);
  }
}

function connectPlain(port: number, host = '127.0.0.1', opts: Partial<net.NetConnectOpts> = {}): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host, ...opts } as net.NetConnectOpts, () => {
      s.off('error', reject);
      resolve(s);
    });
    clients.push(s);
    s.once('error', reject);
    // Errors a test cares about are observed through Reader; the rest must not go unhandled.
    s.on('error', () => {});
  });
}

function connectTls(port: number, opts: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', ca: pair.cert, servername: 'localhost', ...opts }, () => {
      s.off('error', reject);
      resolve(s);
    });
    clients.push(s);
    s.once('error', reject);
    s.on('error', () => {});
  });
}

async function waitFor(pred: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny line protocol: STARTTLS upgrades, TICK makes the server write every 50 ms, anything else echoes. */
function lineProtocol(conn: Connection, onUpgrade?: (err: unknown) => void): void {
  let buffer = '';
  let ticker: NodeJS.Timeout | undefined;
  const attach = (socket: net.Socket) => {
    socket.on('close', () => clearInterval(ticker));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (line === 'STARTTLS') {
          // Plaintext pipelined after STARTTLS must not survive into the TLS session.
          buffer = '';
          conn.socket.write('OK\r\n');
          conn.upgradeToTls().then(
            (tlsSocket) => {
              attach(tlsSocket);
              onUpgrade?.(undefined);
            },
            (err: unknown) => onUpgrade?.(err),
          );
          return;
        }
        if (line === 'TICK') {
          ticker = setInterval(() => conn.socket.write('tick\r\n'), 50);
          continue;
        }
        if (line === 'STOP') {
          clearInterval(ticker);
          continue;
        }
        conn.socket.write(`${line}\r\n`);
      }
    });
  };
  attach(conn.socket);
}

// ---------------------------------------------------------------------------

describe('createListener', () => {
  it('accepts plain connections, echoes, and releases the slot on close', async () => {
    const conns: Connection[] = [];
    const l = await listen({ onConnection: (c) => (conns.push(c), echo(c)) });
    expect(l.port).toBeGreaterThan(0);
    expect(l.host).toBe('127.0.0.1');

    const r = new Reader(await connectPlain(l.port));
    r.socket.write('hello\r\n');
    await r.line('hello\r\n');
    expect(l.connectionCount()).toBe(1);
    expect(conns[0]!.secure).toBe(false);
    expect(conns[0]!.remoteAddress).toBe('127.0.0.1');
    expect(conns[0]!.remotePort).toBe(r.socket.localPort);
    expect(conns[0]!.id).toMatch(/^test-/);

    r.socket.end();
    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
  });

  it('rejects a TLS mode without a certificate, and a bad certificate, at creation', async () => {
    await expect(createListener({ name: 'imap', host: '127.0.0.1', port: 0, tls: 'implicit', onConnection() {} })).rejects.toThrow(
      /listener imap: .*secureContext/,
    );
    await expect(
      createListener({ name: 'imap', host: '127.0.0.1', port: 0, tls: 'starttls', secureContext: { cert: 'x', key: 'y' }, onConnection() {} }),
    ).rejects.toThrow(/invalid TLS certificate or key/);
  });

  it('reports a port already in use with the listener name', async () => {
    const l = await listen({ onConnection: echo });
    await expect(createListener({ name: 'smtp', host: '127.0.0.1', port: l.port, tls: 'none', onConnection() {} })).rejects.toThrow(
      /listener smtp: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/,
    );
  });

  it('serves implicit TLS with the generated certificate (verified against it as CA)', async () => {
    const conns: Connection[] = [];
    const l = await listen({ tls: 'implicit', secureContext: pair, onConnection: (c) => (conns.push(c), echo(c)) });
    const s = await connectTls(l.port);
    expect(s.authorized).toBe(true);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(s.getProtocol());
    const r = new Reader(s);
    s.write('secret\r\n');
    await r.line('secret\r\n');
    expect(conns[0]!.secure).toBe(true);
    expect(conns[0]!.socket).toBeInstanceOf(tls.TLSSocket);
    await expect(conns[0]!.upgradeToTls()).rejects.toThrow(/already using TLS/);
    s.end();
    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
  });

  it('upgrades mid-stream with STARTTLS, then echoes over TLS', async () => {
    const conns: Connection[] = [];
    const upgrades: unknown[] = [];
    const l = await listen({
      tls: 'starttls',
      secureContext: pair,
      onConnection: (c) => (conns.push(c), lineProtocol(c, (e) => upgrades.push(e))),
    });
    const raw = await connectPlain(l.port);
    const plain = new Reader(raw);
    raw.write('before\r\n');
    await plain.line('before\r\n');
    expect(conns[0]!.secure).toBe(false);

    raw.write('STARTTLS\r\n');
    await plain.line('OK\r\n');
    raw.removeAllListeners('data');
    const s = await connectTls(0, { socket: raw });
    expect(s.authorized).toBe(true);
    const secured = new Reader(s);
    s.write('after\r\n');
    await secured.line('after\r\n');
    expect(upgrades).toEqual([undefined]);
    expect(conns[0]!.secure).toBe(true);
    expect(conns[0]!.socket).toBeInstanceOf(tls.TLSSocket);
    await expect(conns[0]!.upgradeToTls()).rejects.toThrow(/already using TLS/);
    expect(l.connectionCount()).toBe(1);

    s.end();
    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
  });

  it('refuses upgradeToTls on a listener without TLS', async () => {
    const results: unknown[] = [];
    const l = await listen({ onConnection: (c) => void c.upgradeToTls().catch((e: unknown) => results.push(e)) });
    await connectPlain(l.port);
    await waitFor(() => results.length === 1, 'upgrade to fail');
    expect(String(results[0])).toMatch(/no TLS certificate/);
  });

  it('destroys the connection when the STARTTLS handshake fails, and frees the slot', async () => {
    const upgrades: unknown[] = [];
    const l = await listen({ tls: 'starttls', secureContext: pair, onConnection: (c) => lineProtocol(c, (e) => upgrades.push(e)) });
    const r = new Reader(await connectPlain(l.port));
    r.socket.write('STARTTLS\r\n');
    await r.line('OK\r\n');
    r.socket.write('this is not a TLS ClientHello\r\n');
    await r.close();
    await waitFor(() => upgrades.length === 1, 'upgrade to settle');
    expect(upgrades[0]).toBeInstanceOf(Error);
    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
  });

  it('enforces maxConnections and lets the protocol say why', async () => {
    const rejected: string[] = [];
    const l = await listen({
      maxConnections: 2,
      onConnection: echo,
      onRejected: (socket, reason) => {
        rejected.push(reason);
        socket.write('421 too busy\r\n');
      },
    });
    await connectPlain(l.port);
    await connectPlain(l.port);
    await waitFor(() => l.connectionCount() === 2, 'two connections');

    const third = new Reader(await connectPlain(l.port));
    await third.line('421 too busy\r\n');
    await third.close();
    expect(rejected).toEqual(['max-connections']);
    expect(l.connectionCount()).toBe(2);
  });

  it('says goodbye inside TLS when rejecting on an implicit-TLS listener', async () => {
    const l = await listen({
      tls: 'implicit',
      secureContext: pair,
      maxConnections: 1,
      onConnection: echo,
      onRejected: (socket, reason) => socket.write(`* BYE ${reason}\r\n`),
    });
    await connectTls(l.port);
    await waitFor(() => l.connectionCount() === 1, 'first connection');
    const r = new Reader(await connectTls(l.port));
    await r.line('* BYE max-connections\r\n');
    await r.close();
    expect(l.connectionCount()).toBe(1);
  });

  it('enforces maxConnectionsPerIp', async () => {
    const rejected: string[] = [];
    const l = await listen({
      maxConnections: 10,
      maxConnectionsPerIp: 1,
      onConnection: echo,
      onRejected: (socket, reason) => {
        rejected.push(reason);
        socket.write(`421 ${reason}\r\n`);
      },
    });
    await connectPlain(l.port);
    await waitFor(() => l.connectionCount() === 1, 'first connection');
    const second = new Reader(await connectPlain(l.port));
    await second.line('421 max-per-ip\r\n');
    await second.close();
    expect(rejected).toEqual(['max-per-ip']);
    expect(l.connectionCount()).toBe(1);
  });

  it('counts an IPv4 peer on a dual-stack socket under its plain IPv4 address', async (ctx) => {
    const conns: Connection[] = [];
    const rejected: string[] = [];
    let l: Listener;
    try {
      l = await createListener({
        name: 'dual',
        host: '::',
        port: 0,
        tls: 'none',
        maxConnectionsPerIp: 1,
        onConnection: (c) => conns.push(c),
        onRejected: (_s, reason) => rejected.push(reason),
      });
    } catch {
      ctx.skip(); // no IPv6 on this machine
      return;
    }
    listeners.push(l);
    await connectPlain(l.port, '127.0.0.1');
    await waitFor(() => conns.length === 1, 'first connection');
    expect(conns[0]!.socket.remoteAddress).toBe('::ffff:127.0.0.1');
    expect(conns[0]!.remoteAddress).toBe('127.0.0.1');
    const second = new Reader(await connectPlain(l.port, '::ffff:127.0.0.1'));
    await second.close();
    expect(rejected).toEqual(['max-per-ip']);
  });

  it('normalizes IPv4-mapped addresses', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeAddress('::ffff:abcd')).toBe('::ffff:abcd');
    expect(normalizeAddress(undefined)).toBeUndefined();
  });

  it('destroys an idle connection when no handler is registered', async () => {
    const l = await listen({ idleTimeoutMs: 100, onConnection: echo });
    const r = new Reader(await connectPlain(l.port));
    const started = Date.now();
    await r.close(1500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
  });

  it('calls onIdle so the protocol can say goodbye, then closes', async () => {
    const l = await listen({
      idleTimeoutMs: 100,
      onConnection: (c) => c.onIdle(() => c.socket.write('* BYE idle\r\n')),
    });
    const r = new Reader(await connectPlain(l.port));
    await r.line('* BYE idle\r\n', 1500);
    await r.close();
  });

  it('resets the idle timer on traffic in either direction, also after STARTTLS', async () => {
    const l = await listen({ tls: 'starttls', secureContext: pair, idleTimeoutMs: 250, onConnection: (c) => lineProtocol(c) });
    const raw = await connectPlain(l.port);
    const plain = new Reader(raw);
    raw.write('STARTTLS\r\n');
    await plain.line('OK\r\n');
    raw.removeAllListeners('data');
    const s = await connectTls(0, { socket: raw });
    const r = new Reader(s);

    // Client speaks every 80 ms for 600 ms: more than twice the idle timeout.
    for (let i = 0; i < 8; i++) {
      s.write(`ping${i}\r\n`);
      await r.line(`ping${i}\r\n`);
      await sleep(80);
    }
    expect(r.closed).toBe(false);

    // Only the server speaks (ticks every 50 ms) for 600 ms.
    s.write('TICK\r\n');
    await sleep(600);
    expect(r.closed).toBe(false);
    expect(r.text.split('tick').length - 1).toBeGreaterThan(5);

    // Silence: now the timeout fires.
    s.write('STOP\r\n');
    await r.close(1500);
    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
  });

  it('closes gracefully: onShutdown says goodbye, then everyone is gone', async () => {
    const l = await listen({
      onConnection: (c) =>
        c.onShutdown(async () => {
          await sleep(20);
          c.socket.write('* BYE shutting down\r\n');
        }),
    });
    const a = new Reader(await connectPlain(l.port));
    const b = new Reader(await connectPlain(l.port));
    await waitFor(() => l.connectionCount() === 2, 'two connections');

    const started = Date.now();
    await l.close({ graceMs: 2000 });
    expect(Date.now() - started).toBeLessThan(1000);
    for (const r of [a, b]) {
      expect(r.text).toBe('* BYE shutting down\r\n');
      await r.close();
    }
    expect(l.connectionCount()).toBe(0);
    await expect(connectPlain(l.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('destroys connections that outlive the grace, even when a handler hangs', async () => {
    const l = await listen({
      onConnection: (c) => c.onShutdown(() => new Promise(() => {})),
    });
    // A client that never finishes its side (half-open allowed, never calls end).
    const r = new Reader(await connectPlain(l.port, '127.0.0.1', { allowHalfOpen: true }));
    await waitFor(() => l.connectionCount() === 1, 'connection');
    const started = Date.now();
    await l.close({ graceMs: 200 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1000);
    expect(l.connectionCount()).toBe(0);
    // The server's side is gone; our half-open client sees its FIN.
    await r.until(() => r.ended, 'end');
  });

  it('survives garbage, failed handshakes, old TLS versions and resets; the count returns to 0', async () => {
    const handed: Connection[] = [];
    const l = await listen({ tls: 'implicit', secureContext: pair, handshakeTimeoutMs: 200, onConnection: (c) => (handed.push(c), echo(c)) });

    // Plain text at a TLS port.
    const garbage = new Reader(await connectPlain(l.port));
    garbage.socket.write('GET / HTTP/1.0\r\n\r\n');
    await garbage.close();

    // Silent client: held only until the handshake timeout.
    const silent = new Reader(await connectPlain(l.port));
    await waitFor(() => l.connectionCount() >= 1, 'silent client counted');
    await silent.close(1500);

    // A client that only speaks TLS 1.1 is refused by the server (minVersion TLSv1.2).
    const old = await connectTls(l.port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }).catch((e: unknown) => e);
    expect(old).toBeInstanceOf(Error);
    // The server's protocol_version alert, not a client-side refusal.
    expect(String((old as Error).message)).toMatch(/alert protocol version/i);

    // A client that does not trust the certificate aborts the handshake.
    const untrusting = await connectTls(l.port, { ca: undefined }).catch((e: unknown) => e);
    expect(untrusting).toBeInstanceOf(Error);

    // Abrupt resets, before and after the handshake.
    const half = await connectPlain(l.port);
    half.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a truncated ClientHello
    half.resetAndDestroy();
    // TLS over a stream that is not a net.Socket keeps the TCP socket's handle ours, so we can reset it.
    const tcp = await connectPlain(l.port);
    const duplex = Duplex.from({ readable: tcp, writable: tcp }).on('error', () => {});
    const good = await connectTls(0, { socket: duplex });
    await waitFor(() => handed.length === 1, 'handshake completed');
    good.write('x'.repeat(64 * 1024));
    tcp.resetAndDestroy();

    await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
    expect(handed).toHaveLength(1);

    // Still serving.
    const after = new Reader(await connectTls(l.port));
    after.socket.write('alive\r\n');
    await after.line('alive\r\n');
  });

  for (const mode of ['none', 'implicit'] as const) {
    it(`survives peer resets while the server is writing (tls: ${mode})`, async () => {
      const socketErrors: Array<{ code?: string }> = [];
      const logger = {
        info() {},
        warn() {},
        error() {},
        debug: (o: object, msg?: string) => {
          if (msg === 'socket error') socketErrors.push(o as { code?: string });
        },
      };
      const handed: Connection[] = [];
      const l = await listen({
        tls: mode,
        secureContext: pair,
        logger,
        onConnection: (c) => {
          handed.push(c);
          const t = setInterval(() => c.socket.write('x'.repeat(16 * 1024)), 5);
          c.socket.on('close', () => clearInterval(t));
        },
      });
      for (let i = 0; i < 5; i++) {
        const tcp = await connectPlain(l.port);
        if (mode === 'implicit') {
          // TLS over a stream that is not a net.Socket leaves the TCP handle with us, so we can reset it.
          const duplex = Duplex.from({ readable: tcp, writable: tcp }).on('error', () => {});
          await connectTls(0, { socket: duplex });
        }
        await waitFor(() => handed.length === i + 1, 'connection handed over');
        await sleep(20);
        tcp.resetAndDestroy();
      }
      await waitFor(() => l.connectionCount() === 0, 'count to return to 0');
      // The resets really surfaced as socket errors on the server (and were handled).
      expect(socketErrors.some((e) => e.code === 'ECONNRESET' || e.code === 'EPIPE')).toBe(true);
    });
  }
});
