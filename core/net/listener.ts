/**
 * TCP/TLS listener shared by the line protocols (SMTP, IMAP): accepting, limits,
 * TLS (implicit or STARTTLS), idle timeout, graceful shutdown. It knows nothing
 * about any protocol; the protocol gets a Connection and hooks to say goodbye.
 *
 * Implementation notes
 *
 * - Invariant: every accepted socket is either counted, in `connections` and in
 *   the per-IP map from accept until its 'close', or rejected and never counted.
 *   Release is idempotent and hooked to both the TCP socket and the TLS socket
 *   wrapped around it, so a failed handshake, a reset or a timeout cannot leak a
 *   slot.
 * - Invariant: every socket we create or accept has an 'error' listener before
 *   any I/O can happen. A peer's ECONNRESET, a TLS alert or garbage bytes end
 *   that connection, never the process.
 * - Counting starts at accept, before any TLS handshake. A client that is still
 *   handshaking holds a slot, so handshakes are also bounded by the limits (and
 *   by TLS_HANDSHAKE_TIMEOUT_MS).
 * - Addresses are normalized before counting: on a dual-stack socket IPv4 peers
 *   show up as `::ffff:a.b.c.d`, and that must be the same peer as `a.b.c.d`.
 * - Implicit TLS: onConnection is called only after the handshake, so the
 *   protocol's greeting is the first thing sent inside TLS. STARTTLS: the
 *   protocol calls conn.upgradeToTls() after sending its "go ahead" reply. Any
 *   plaintext it had already read past the STARTTLS line must be thrown away by
 *   the protocol (RFC 3207 §4.2, RFC 3501 §6.2.1, CVE-2011-0411). Bytes still in
 *   the kernel are read by TLS and fail the handshake, which is the intent.
 * - Idle timeout means no bytes in either direction (Node's socket timeout is
 *   reset by reads and writes). It runs on the socket the protocol currently
 *   uses. After STARTTLS the TLS socket owns the TCP handle, so the timer moves
 *   to it. Node does pass TLS activity on to the TCP socket's timer, but only
 *   through an internal link (`_parent`), and we do not depend on that.
 *   During the handshake itself only the handshake timeout runs.
 * - Rejected sockets get onRejected (for implicit TLS after a handshake, so a
 *   "421"/"* BYE" is readable), then end() and a short grace. Their number is
 *   capped: past the cap, floods are dropped without a word.
 * - Shutdown: stop accepting, destroy sockets that never reached the protocol,
 *   run each connection's onShutdown handlers, then end it; after the grace,
 *   destroy whatever remains. close() resolves once every socket is gone.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface ListenerLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
  debug?(o: object, msg?: string): void;
}

export type RejectReason = 'max-connections' | 'max-per-ip' | 'shutting-down';

export interface ListenerOptions {
  /** 'imap', 'smtp': for logs and errors. */
  name: string;
  host: string;
  /** 0 = ephemeral port (tests); read the real one from Listener.port. */
  port: number;
  /** 'starttls': plain accept, the protocol calls conn.upgradeToTls() later. */
  tls: 'none' | 'implicit' | 'starttls';
  /** PEM pair; required unless tls === 'none'. */
  secureContext?: { cert: string; key: string };
  /** Defaults to DEFAULT_MAX_CONNECTIONS. */
  maxConnections?: number;
  /** Defaults to DEFAULT_MAX_CONNECTIONS_PER_IP. */
  maxConnectionsPerIp?: number;
  /** No bytes in either direction for this long: conn.onIdle handlers, then close. 0 disables. Defaults to DEFAULT_IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number;
  /** Defaults to TLS_HANDSHAKE_TIMEOUT_MS; tests lower it. */
  handshakeTimeoutMs?: number;
  onConnection(conn: Connection): void;
  /** Lets the protocol write e.g. "421 ..." / "* BYE ..." before the listener closes the socket. */
  onRejected?(socket: net.Socket, reason: RejectReason): void;
  logger?: ListenerLogger;
}

export interface Connection {
  readonly id: string;
  /** Normalized: IPv4-mapped IPv6 addresses are reported as plain IPv4. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Replaced by the TLSSocket when upgradeToTls() starts; re-read it, don't cache it. */
  readonly socket: net.Socket;
  readonly secure: boolean;
  /** STARTTLS: wraps the current socket; resolves when the handshake is done. Rejects if already secure, no context, or the handshake fails (the connection is then destroyed). */
  upgradeToTls(): Promise<tls.TLSSocket>;
  /** Called on graceful listener close so the protocol can say goodbye; the listener ends the connection afterwards. */
  onShutdown(handler: () => void | Promise<void>): void;
  /** Called when the idle timeout fires; the listener ends the connection afterwards. Without a handler the socket is destroyed. */
  onIdle(handler: () => void): void;
  /** End gracefully; destroy after CLOSE_GRACE_MS if the peer does not finish. */
  close(): void;
}

export interface Listener {
  readonly port: number;
  readonly host: string;
  connectionCount(): number;
  /** Stop accepting, call every connection's onShutdown handlers, wait until all are closed or the grace expired, then destroy the rest. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/**
 * Stays under the common 1024 open-file soft limit with room for the database,
 * blob files and the other listeners.
 */
export const DEFAULT_MAX_CONNECTIONS = 500;

/**
 * An office behind one NAT address: about 20 people times the 5 cached IMAP
 * connections Thunderbird opens per account.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 100;

/**
 * The SMTP server timeout of RFC 5321 §4.5.3.2.7, the shortest of the minimums
 * our protocols require. IMAP passes its own 30 minutes (RFC 9051 §5.4).
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * A handshake takes a few round trips. A client stalled for longer is only
 * holding a counted slot (Node's own tls.Server default of 120 s is far too generous).
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** TLS 1.0/1.1 are deprecated by RFC 8996; every client we target speaks 1.2. */
export const TLS_MIN_VERSION = 'TLSv1.2';

/** After end(): time for the peer to read our last words and close its side before we destroy. */
export const CLOSE_GRACE_MS = 2_000;

/** Default for Listener.close(): long enough for a protocol to finish committing an in-flight command. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

/**
 * A rejected socket lives at most this long: enough for a TLS handshake and a
 * one-line goodbye, short enough that a flood cannot pile them up.
 */
export const REJECT_GRACE_MS = 3_000;

/**
 * Rejected sockets still being handled at once. Beyond this the listener is
 * being flooded, and spending handshakes or writes on goodbyes would help the
 * attacker.
 */
export const MAX_REJECTING_SOCKETS = 64;

/**
 * Long IMAP IDLE sessions are mostly silent. Keepalive probes find peers that
 * vanished (a closed laptop lid, a NAT that dropped state) well before the idle
 * timeout would.
 */
export const TCP_KEEPALIVE_INITIAL_DELAY_MS = 60_000;

/** `::ffff:192.0.2.1` → `192.0.2.1`, so one IPv4 peer counts once whatever the socket family. */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match ? match[1] : address.toLowerCase();
}

export async function createListener(options: ListenerOptions): Promise<Listener> {
  const listener = new TcpListener(options);
  await listener.listen();
  return listener;
}

// ---------------------------------------------------------------------------

const noopLogger: ListenerLogger = { info() {}, warn() {}, error() {}, debug() {} };

function positiveIntOr(value: number | undefined, fallback: number, what: string, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`listener ${name}: ${what} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
  return value;
}

function errorFields(err: unknown): { err: string; code?: string } {
  const e = err as NodeJS.ErrnoException;
  return e && typeof e === 'object' ? { err: e.message, ...(e.code ? { code: e.code } : {}) } : { err: String(err) };
}

/** Wrap a server-side socket in TLS and wait for the handshake, bounded by timeoutMs. The caller owns error logging (an 'error' listener is attached here before any I/O). */
function serverTlsHandshake(
  raw: net.Socket,
  context: tls.SecureContext,
  timeoutMs: number,
  onError: (err: Error) => void,
): { socket: tls.TLSSocket; handshake: Promise<void> } {
  const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
  socket.on('error', onError);
  const handshake = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`TLS handshake timed out after ${timeoutMs} ms`));
      socket.destroy();
    }, timeoutMs);
    timer.unref();
    // A server-side TLSSocket built by hand emits 'secure' (not 'secureConnect') when the handshake completes.
    const onSecure = () => {
      cleanup();
      resolve();
    };
    const onFail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('connection closed during TLS handshake'));
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('secure', onSecure);
      socket.off('error', onFail);
      socket.off('close', onClose);
    };
    socket.once('secure', onSecure);
    socket.once('error', onFail);
    socket.once('close', onClose);
  });
  return { socket, handshake };
}

class TcpListener implements Listener {
  readonly host: string;
  #port: number;
  readonly #opts: ListenerOptions;
  readonly #log: ListenerLogger;
  readonly #maxConnections: number;
  readonly #maxPerIp: number;
  readonly #idleTimeoutMs: number;
  readonly #handshakeTimeoutMs: number;
  readonly #context: tls.SecureContext | undefined;
  readonly #server: net.Server;
  readonly #connections = new Set<ListenerConnection>();
  readonly #perIp = new Map<string, number>();
  readonly #rejecting = new Set<net.Socket>();
  #closing: Promise<void> | undefined;
  /** Wakes close() when a connection or rejected socket goes away. */
  #onDrained: (() => void) | undefined;
  #nextId = 0;
  readonly #idPrefix = randomBytes(3).toString('hex');

  constructor(opts: ListenerOptions) {
    this.#opts = opts;
    this.host = opts.host;
    this.#port = opts.port;
    this.#log = opts.logger ?? noopLogger;
    this.#maxConnections = positiveIntOr(opts.maxConnections, DEFAULT_MAX_CONNECTIONS, 'maxConnections', opts.name);
    this.#maxPerIp = positiveIntOr(opts.maxConnectionsPerIp, DEFAULT_MAX_CONNECTIONS_PER_IP, 'maxConnectionsPerIp', opts.name);
    this.#idleTimeoutMs = positiveIntOr(opts.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS, 'idleTimeoutMs', opts.name, true);
    this.#handshakeTimeoutMs = positiveIntOr(opts.handshakeTimeoutMs, TLS_HANDSHAKE_TIMEOUT_MS, 'handshakeTimeoutMs', opts.name);

    if (opts.tls !== 'none') {
      if (!opts.secureContext) throw new Error(`listener ${opts.name}: tls '${opts.tls}' needs a secureContext (cert and key)`);
      try {
        // Built once, here: a bad cert/key fails startup instead of every handshake.
        this.#context = tls.createSecureContext({
          cert: opts.secureContext.cert,
          key: opts.secureContext.key,
          minVersion: TLS_MIN_VERSION,
        });
      } catch (err) {
        throw new Error(`listener ${opts.name}: invalid TLS certificate or key: ${errorFields(err).err}`, { cause: err });
      }
    }

    this.#server = net.createServer({
      // Line protocols send small replies that the client waits on; Nagle plus
      // delayed ACKs would add tens of milliseconds to each round trip.
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: TCP_KEEPALIVE_INITIAL_DELAY_MS,
    });
    // Backstop behind our own limits: Node drops (silently) whatever gets past both counters.
    this.#server.maxConnections = this.#maxConnections + MAX_REJECTING_SOCKETS;
    this.#server.on('connection', (socket) => this.#accept(socket));
  }

  get port(): number {
    return this.#port;
  }

  connectionCount(): number {
    return this.#connections.size;
  }

  listen(): Promise<void> {
    const { name } = this.#opts;
    return new Promise((resolve, reject) => {
      const onListenError = (err: NodeJS.ErrnoException) => {
        reject(new Error(`listener ${name}: cannot listen on ${this.host}:${this.#opts.port}: ${err.code ?? err.message}`, { cause: err }));
      };
      this.#server.once('error', onListenError);
      this.#server.listen({ host: this.host, port: this.#opts.port }, () => {
        this.#server.off('error', onListenError);
        // After listening, errors are per-accept (EMFILE, ...): log, keep serving.
        this.#server.on('error', (err) => this.#log.error({ listener: name, ...errorFields(err) }, 'listener error'));
        const address = this.#server.address();
        if (address && typeof address === 'object') this.#port = address.port;
        this.#log.info({ listener: name, host: this.host, port: this.#port, tls: this.#opts.tls }, 'listening');
        resolve();
      });
    });
  }

  #accept(raw: net.Socket): void {
    const name = this.#opts.name;
    raw.on('error', (err) => this.#log.debug?.({ listener: name, ...errorFields(err) }, 'socket error'));

    const address = normalizeAddress(raw.remoteAddress);
    if (address === undefined) {
      // The peer is already gone (remoteAddress is undefined once the socket closed).
      raw.destroy();
      return;
    }
    if (this.#closing) return this.#reject(raw, 'shutting-down', address);
    if (this.#connections.size >= this.#maxConnections) return this.#reject(raw, 'max-connections', address);
    if ((this.#perIp.get(address) ?? 0) >= this.#maxPerIp) return this.#reject(raw, 'max-per-ip', address);

    this.#perIp.set(address, (this.#perIp.get(address) ?? 0) + 1);
    const conn = new ListenerConnection({
      id: `${name}-${this.#idPrefix}-${(this.#nextId++).toString(36)}`,
      raw,
      remoteAddress: address,
      remotePort: raw.remotePort ?? 0,
      context: this.#context,
      idleTimeoutMs: this.#idleTimeoutMs,
      handshakeTimeoutMs: this.#handshakeTimeoutMs,
      log: this.#log,
      listenerName: name,
      onReleased: (c) => this.#release(c),
    });
    this.#connections.add(conn);
    this.#log.debug?.({ listener: name, conn: conn.id, remote: address }, 'connection accepted');

    if (this.#opts.tls === 'implicit') {
      conn.startImplicitTls().then(
        () => this.#handOver(conn),
        (err) => this.#log.debug?.({ listener: name, conn: conn.id, remote: address, ...errorFields(err) }, 'TLS handshake failed'),
      );
    } else {
      conn.armIdle();
      this.#handOver(conn);
    }
  }

  #handOver(conn: ListenerConnection): void {
    if (conn.isClosed) return;
    if (this.#closing) {
      // Shutdown began during the handshake: the protocol never saw it, nothing to say goodbye with.
      conn.socket.destroy();
      return;
    }
    conn.handedOver = true;
    try {
      this.#opts.onConnection(conn);
    } catch (err) {
      this.#log.error({ listener: this.#opts.name, conn: conn.id, ...errorFields(err) }, 'onConnection threw; closing the connection');
      conn.socket.destroy();
    }
  }

  #release(conn: ListenerConnection): void {
    if (!this.#connections.delete(conn)) return;
    const left = (this.#perIp.get(conn.remoteAddress) ?? 1) - 1;
    if (left > 0) this.#perIp.set(conn.remoteAddress, left);
    else this.#perIp.delete(conn.remoteAddress);
    this.#log.debug?.({ listener: this.#opts.name, conn: conn.id }, 'connection closed');
    this.#onDrained?.();
  }

  #reject(raw: net.Socket, reason: RejectReason, address: string): void {
    const { name, onRejected } = this.#opts;
    this.#log.debug?.({ listener: name, remote: address, reason }, 'connection rejected');
    if (!onRejected || this.#rejecting.size >= MAX_REJECTING_SOCKETS) {
      raw.destroy();
      return;
    }
    this.#rejecting.add(raw);
    let current: net.Socket = raw;
    const timer = setTimeout(() => current.destroy(), REJECT_GRACE_MS);
    timer.unref();
    raw.once('close', () => {
      clearTimeout(timer);
      this.#rejecting.delete(raw);
      this.#onDrained?.();
    });

    const sayGoodbye = (socket: net.Socket) => {
      try {
        onRejected(socket, reason);
      } catch (err) {
        this.#log.error({ listener: name, remote: address, ...errorFields(err) }, 'onRejected threw');
      }
      socket.end();
    };

    if (this.#opts.tls === 'implicit' && this.#context) {
      const { socket, handshake } = serverTlsHandshake(raw, this.#context, REJECT_GRACE_MS, (err) =>
        this.#log.debug?.({ listener: name, remote: address, ...errorFields(err) }, 'socket error'),
      );
      current = socket;
      // Destroying the TLS socket closes the shared handle; make sure the TCP side notices too.
      socket.once('close', () => raw.destroy());
      handshake.then(
        () => sayGoodbye(socket),
        () => socket.destroy(),
      );
    } else {
      sayGoodbye(raw);
    }
  }

  close(opts?: { graceMs?: number }): Promise<void> {
    this.#closing ??= this.#shutdown(opts?.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    return this.#closing;
  }

  /** Resolves when no counted or rejected socket is left, or at the deadline. */
  async #drained(deadline: number): Promise<void> {
    while (this.#connections.size + this.#rejecting.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(left) ? setTimeout(resolve, left) : undefined;
        this.#onDrained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#onDrained = undefined;
    }
  }

  async #shutdown(graceMs: number): Promise<void> {
    const name = this.#opts.name;
    this.#log.info({ listener: name, connections: this.#connections.size, graceMs }, 'closing');
    const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));

    for (const conn of this.#connections) {
      if (conn.handedOver) void conn.shutdown();
      else conn.socket.destroy();
    }

    await this.#drained(Date.now() + graceMs);
    const stragglers = this.#connections.size;
    if (stragglers > 0) this.#log.warn({ listener: name, connections: stragglers }, 'grace expired; destroying connections');
    for (const conn of this.#connections) conn.socket.destroy();
    for (const socket of this.#rejecting) socket.destroy();
    // A destroyed socket always emits 'close', but a tick or two later (after the server's own 'close').
    await this.#drained(Infinity);
    await serverClosed;
    this.#log.info({ listener: name }, 'closed');
  }
}

interface ConnectionInit {
  id: string;
  raw: net.Socket;
  remoteAddress: string;
  remotePort: number;
  context: tls.SecureContext | undefined;
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  log: ListenerLogger;
  listenerName: string;
  onReleased(conn: ListenerConnection): void;
}

class ListenerConnection implements Connection {
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Set once onConnection has been called; before that, shutdown simply destroys. */
  handedOver = false;
  #socket: net.Socket;
  #secure = false;
  #upgrading = false;
  #closing = false;
  #closed = false;
  #graceTimer: NodeJS.Timeout | undefined;
  #idleSocket: net.Socket | undefined;
  readonly #shutdownHandlers: Array<() => void | Promise<void>> = [];
  readonly #idleHandlers: Array<() => void> = [];
  readonly #init: ConnectionInit;

  constructor(init: ConnectionInit) {
    this.#init = init;
    this.id = init.id;
    this.remoteAddress = init.remoteAddress;
    this.remotePort = init.remotePort;
    this.#socket = init.raw;
    init.raw.once('close', this.#onClose);
  }

  get socket(): net.Socket {
    return this.#socket;
  }

  get secure(): boolean {
    return this.#secure;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  onShutdown(handler: () => void | Promise<void>): void {
    this.#shutdownHandlers.push(handler);
  }

  onIdle(handler: () => void): void {
    this.#idleHandlers.push(handler);
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#socket.end();
    this.#graceTimer = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
    this.#graceTimer.unref();
  }

  /** Listener shutdown: let the protocol say goodbye (errors and rejections only logged), then end. */
  async shutdown(): Promise<void> {
    const results = await Promise.allSettled(this.#shutdownHandlers.map((h) => Promise.resolve().then(h)));
    for (const r of results) {
      if (r.status === 'rejected') this.#logError('onShutdown handler failed', r.reason);
    }
    this.close();
  }

  armIdle(): void {
    const socket = this.#socket;
    if (this.#init.idleTimeoutMs === 0 || this.#idleSocket === socket) return;
    this.#disarmIdle();
    this.#idleSocket = socket;
    socket.setTimeout(this.#init.idleTimeoutMs);
    socket.on('timeout', this.#onTimeout);
  }

  async startImplicitTls(): Promise<void> {
    await this.#handshake();
  }

  async upgradeToTls(): Promise<tls.TLSSocket> {
    if (this.#secure) throw new Error(`connection ${this.id}: already using TLS`);
    if (this.#upgrading) throw new Error(`connection ${this.id}: TLS upgrade already in progress`);
    if (!this.#init.context) throw new Error(`connection ${this.id}: no TLS certificate configured for this listener`);
    if (this.#closed || this.#closing || this.#socket.destroyed) throw new Error(`connection ${this.id}: closed`);
    return this.#handshake();
  }

  async #handshake(): Promise<tls.TLSSocket> {
    const context = this.#init.context;
    if (!context) throw new Error(`connection ${this.id}: no TLS certificate configured for this listener`);
    this.#upgrading = true;
    // The handshake timeout covers the gap until the idle timer is re-armed on the TLS socket.
    this.#disarmIdle();
    const raw = this.#socket;
    const { socket, handshake } = serverTlsHandshake(raw, context, this.#init.handshakeTimeoutMs, (err) =>
      this.#init.log.debug?.({ listener: this.#init.listenerName, conn: this.id, ...errorFields(err) }, 'socket error'),
    );
    this.#socket = socket;
    socket.once('close', this.#onClose);
    try {
      await handshake;
    } catch (err) {
      socket.destroy();
      raw.destroy();
      throw err;
    } finally {
      this.#upgrading = false;
    }
    this.#secure = true;
    this.armIdle();
    return socket;
  }

  #disarmIdle(): void {
    const socket = this.#idleSocket;
    if (!socket) return;
    socket.setTimeout(0);
    socket.off('timeout', this.#onTimeout);
    this.#idleSocket = undefined;
  }

  readonly #onTimeout = (): void => {
    // Already saying goodbye: the close grace timer decides.
    if (this.#closing || this.#closed) return;
    this.#init.log.debug?.({ listener: this.#init.listenerName, conn: this.id }, 'idle timeout');
    if (this.#idleHandlers.length === 0) {
      this.#socket.destroy();
      return;
    }
    for (const handler of this.#idleHandlers) {
      try {
        handler();
      } catch (err) {
        this.#logError('onIdle handler threw', err);
      }
    }
    this.close();
  };

  // Hooked to both the TCP and (after a handshake starts) the TLS socket: whichever closes first releases the slot.
  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#disarmIdle();
    // One side closing means the connection is over; make sure the other side lets go of its handle too.
    if (!this.#socket.destroyed) this.#socket.destroy();
    if (!this.#init.raw.destroyed) this.#init.raw.destroy();
    this.#init.onReleased(this);
  };

  #logError(msg: string, err: unknown): void {
    this.#init.log.error({ listener: this.#init.listenerName, conn: this.id, ...errorFields(err) }, msg);
  }
}
