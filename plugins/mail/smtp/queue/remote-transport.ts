// One delivery attempt of one queued item to the outside world, through nodemailer's
// SMTP client: straight to the recipient domain's MX hosts, or to the operator's
// smarthost (CAIRN_SMARTHOST).
//
// Classification (RFC 5321 §4.2.1, §4.5.4.1): a 5xx reply to MAIL, RCPT or DATA is
// permanent and ends the item (bounce); anything else — a 4xx, a refused or dropped
// connection, a timeout, a 5xx greeting (that host offers no service; RFC 5321 §3.1
// lets us try the next MX) — is temporary: the next MX host is tried, and when none
// takes it the item is deferred.
//
// TLS: STARTTLS whenever the server offers it, without certificate checks (opportunistic
// encryption, RFC 7435 §1.3; RFC 3207 §4.1 and common MX practice — most MX hosts' names
// do not match their certificates). MTA-STS (RFC 8461) and DANE (RFC 7672) are not
// implemented. The smarthost, which the operator named, is verified normally and STARTTLS
// is required there (smtp://) unless it is implicit TLS (smtps://).
import { isIP } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { domainOf } from '../address.ts';
import type { DnsResolver } from '../dns-resolver.ts';
import { hostAddresses, mxRoute } from './mx-route.ts';

/** TCP connect timeout per address: a dead MX should not hold a worker slot for long. */
export const CONNECT_TIMEOUT_MS = 30_000;
/** Wait for the 220 greeting: RFC 5321 §4.5.3.2.1 says at least 5 minutes. */
export const GREETING_TIMEOUT_MS = 5 * 60_000;
/** Inactivity on the connection: RFC 5321 §4.5.3.2.6, the reply to the final dot may take 10 minutes. */
export const SOCKET_TIMEOUT_MS = 10 * 60_000;
/** Addresses tried per attempt, across all MX hosts. */
export const MAX_TARGETS_PER_ATTEMPT = 6;

export interface OutboundMessage {
  /** '' for the null sender. */
  sender: string;
  recipient: string;
  size: number;
  /** The bytes, streamed from the blob: opened once per connection tried, never held whole in memory. */
  open(): Promise<NodeJS.ReadableStream>;
}

export type AttemptResult =
  | { ok: true; host: string; response: string }
  | { ok: false; permanent: boolean; host: string | null; code: number | null; status: string | null; message: string };

export interface RemoteTransport {
  deliver(message: OutboundMessage): Promise<AttemptResult>;
}

export interface TransportOptions {
  /** Our EHLO name (RFC 5321 §4.1.1.1: the client's FQDN). */
  hostname: string;
  connectTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

interface ConnectTarget {
  host: string;
  address: string;
  port: number;
  secure: boolean;
  verifyTls: boolean;
  requireTls: boolean;
  auth?: { user: string; pass: string };
}

/** Direct delivery to the recipient domain's MX hosts. `port` is 25 except in tests. */
export function directMxTransport(opts: TransportOptions & { resolver: DnsResolver; port?: number }): RemoteTransport {
  const port = opts.port ?? 25;
  return {
    async deliver(message) {
      const route = await mxRoute(opts.resolver, domainOf(message.recipient));
      if (route.kind !== 'hosts') {
        return { ok: false, permanent: route.kind === 'permanent', host: null, code: null, status: route.status, message: route.message };
      }
      let last: AttemptResult = { ok: false, permanent: false, host: null, code: null, status: '4.4.4', message: `No address found for the MX hosts of ${domainOf(message.recipient)}` };
      let tried = 0;
      for (const host of route.hosts) {
        let addresses: string[];
        try {
          addresses = await hostAddresses(opts.resolver, host);
        } catch (err) {
          last = { ok: false, permanent: false, host, code: null, status: '4.4.3', message: `DNS lookup of ${host} failed: ${String((err as Error).message ?? err)}` };
          continue;
        }
        for (const address of addresses) {
          if (tried++ >= MAX_TARGETS_PER_ATTEMPT) return last;
          const r = await sendOnce({ host, address, port, secure: false, verifyTls: false, requireTls: false }, message, opts);
          if (r.ok || r.permanent) return r;
          last = r;
        }
      }
      return last;
    },
  };
}

/** Everything through the operator's relay: smtp://user:pass@host:587 (STARTTLS required) or smtps://…:465. */
export function smarthostTransport(url: string, opts: TransportOptions): RemoteTransport {
  const target = parseSmarthost(url);
  return { deliver: (message) => sendOnce(target, message, opts) };
}

export function parseSmarthost(url: string): ConnectTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`CAIRN_SMARTHOST "${url}" is not a URL (smtp://user:password@host:587)`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`CAIRN_SMARTHOST must start with smtp:// or smtps://, got ${u.protocol}//`);
  const secure = u.protocol === 'smtps:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const user = decodeURIComponent(u.username);
  return {
    host, address: host, port: u.port ? Number(u.port) : secure ? 465 : 587, secure,
    verifyTls: u.searchParams.get('tls') !== 'insecure',
    // Credentials never travel in clear text; a relay on localhost without auth may go without TLS.
    requireTls: !secure && user !== '',
    ...(user ? { auth: { user, pass: decodeURIComponent(u.password) } } : {}),
  };
}

function sendOnce(target: ConnectTarget, message: OutboundMessage, opts: TransportOptions): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const conn = new SMTPConnection({
      host: target.address,
      port: target.port,
      secure: target.secure,
      requireTLS: target.requireTls,
      opportunisticTLS: !target.requireTls,
      name: opts.hostname,
      connectionTimeout: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      greetingTimeout: opts.greetingTimeoutMs ?? GREETING_TIMEOUT_MS,
      socketTimeout: opts.socketTimeoutMs ?? SOCKET_TIMEOUT_MS,
      logger: false,
      // SNI carries names only (RFC 6066 §3).
      tls: { ...(isIP(target.host) ? {} : { servername: target.host }), rejectUnauthorized: target.verifyTls },
    });
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const fail = (err: SMTPConnection.SMTPError) => {
      finish(classify(err, target.host));
      conn.close();
    };
    conn.on('error', fail);
    conn.connect(() => {
      const send = () => message.open().then((body) => conn.send({ from: message.sender, to: [message.recipient], size: message.size }, body as never, (err, info) => {
        if (err) return fail(err);
        finish({ ok: true, host: target.host, response: String(info.response ?? '250 OK') });
        conn.quit();
      }), (err: unknown) => {
        finish({ ok: false, permanent: false, host: target.host, code: null, status: '4.3.0', message: `Could not read the queued message: ${String(err)}` });
        conn.close();
      });
      if (!target.auth) return send();
      conn.login({ credentials: target.auth } as never, (err) => (err ? fail(err) : send()));
    });
  });
}

// AUTH is not here: a smarthost refusing our credentials is the operator's problem to fix, not a reason to bounce mail.
const ENVELOPE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

function classify(err: SMTPConnection.SMTPError, host: string): AttemptResult {
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  const response = (err.response ?? err.message ?? String(err)).toString();
  const rcptError = (err as { rejectedErrors?: SMTPConnection.SMTPError[] }).rejectedErrors?.[0];
  const effectiveCode = rcptError?.responseCode ?? code;
  const effectiveResponse = (rcptError?.response ?? response).toString();
  // A 5xx to the envelope or the data is the receiver's final word; a 5xx greeting or EHLO only says this host will not talk.
  const permanent = effectiveCode !== null && effectiveCode >= 500 && (err.command === undefined || ENVELOPE_COMMANDS.has(err.command) || err.code === 'EENVELOPE');
  const m = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(effectiveResponse);
  const message = effectiveResponse.replace(/\s+/g, ' ').trim().slice(0, 1_000);
  // The server's SIZE (RFC 1870) is below the message: nodemailer refuses before sending, and no retry will fit it.
  if (err.code === 'EMESSAGE' && effectiveCode === null) return { ok: false, permanent: true, host, code: null, status: '5.3.4', message };
  return { ok: false, permanent, host, code: effectiveCode, status: m ? m[1]! : null, message };
}
