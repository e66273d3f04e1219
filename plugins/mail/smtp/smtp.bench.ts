// SMTP throughput: 20 parallel nodemailer clients sending 50 KB messages to one local
// user over the MX port. Every 250 is durable (the store's blob fsynced, its event
// committed), as in production. (a) a new connection per message; (b) pooled
// connections reused.
//
// The clients run in a worker thread, so that their own CPU (nodemailer's dot-stuffing
// and socket writes) does not share the server's event loop: a real MX does not host its
// senders. Messages are unsigned (no DKIM-Signature), so verification is SPF/DMARC on
// the header only; see inbound-server.ts.
// Not a test: `node --import tsx -e "import('./plugins/mail/smtp/smtp.bench.ts').then(m => m.benchSmtp()).then(console.log)"`.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../../../core/logger.ts';
import { createInboundServer } from './inbound-server.ts';
import { createSmtpKit } from './testing/smtp-kit.ts';
import { staticResolver } from './testing/static-resolver.ts';

/** Parallel clients, as the target figures are stated. */
export const BENCH_CLIENTS = 20;
/** Message size of the benchmark. */
export const BENCH_MESSAGE_BYTES = 50 * 1024;

// Plain JavaScript, evaluated in the worker: N clients send for `seconds`, report the rate.
const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const nodemailer = require(workerData.nodemailerPath);
const { port, clients, seconds, pool, rcpt, body } = workerData;
let seq = 0;
const raw = () => { const n = seq++; return 'From: sender@remote.test\\r\\nTo: ' + rcpt + '\\r\\nSubject: bench ' + n + ' ' + pool + '\\r\\nMessage-ID: <bench-' + n + '-' + pool + '-' + Date.now() + '@remote.test>\\r\\n\\r\\n' + body; };
(async () => {
  const ts = Array.from({ length: clients }, () => nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, ...(pool ? { pool: true, maxConnections: 1, maxMessages: Infinity } : {}) }));
  const send = (t) => t.sendMail({ envelope: { from: 'sender@remote.test', to: [rcpt] }, raw: raw() });
  await Promise.all(ts.map(send));
  let sent = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(ts.map(async (t) => { while (performance.now() < deadline) { await send(t); sent++; } }));
  const elapsed = (performance.now() - t0) / 1000;
  ts.forEach((t) => t.close());
  parentPort.postMessage({ rate: sent / elapsed, sent });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

/**
 * Runs the clients; besides the rate, reports the server thread's busy time per message
 * (event-loop utilization): on a small shared machine the clients' own CPU caps the rate,
 * and busy-ms per message says what the server alone could carry (1000 / ms per core).
 */
async function runClients(data: Record<string, unknown>): Promise<{ rate: number; sent: number; serverMsPerMessage: number; serverUtilization: number }> {
  const before = performance.eventLoopUtilization();
  const m = await new Promise<{ rate: number; sent: number }>((resolve, reject) => {
    const worker = new Worker(CLIENT_CODE, { eval: true, workerData: data });
    worker.once('message', (msg: { rate: number; sent: number; error?: string }) => {
      void worker.terminate();
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg);
    });
    worker.once('error', reject);
  });
  const elu = performance.eventLoopUtilization(before);
  // The warm-up round is inside the measured window too; count it (one message per client).
  const messages = m.sent + Number(data.clients);
  return { ...m, serverMsPerMessage: elu.active / messages, serverUtilization: elu.utilization };
}

export async function benchSmtp(opts: { seconds?: number } = {}): Promise<Record<string, number>> {
  const seconds = opts.seconds ?? 5;
  const line = `${'x'.repeat(76)}\r\n`;
  const body = line.repeat(Math.ceil(BENCH_MESSAGE_BYTES / line.length)).slice(0, BENCH_MESSAGE_BYTES);
  const common = { nodemailerPath: createRequire(import.meta.url).resolve('nodemailer'), clients: BENCH_CLIENTS, seconds, body };
  const out: Record<string, number> = { message_bytes: BENCH_MESSAGE_BYTES, clients: BENCH_CLIENTS };

  // 1. The SMTP layer alone: the same MX (lookups, Authentication-Results, trace headers),
  //    with a delivery that returns at once. Shows what the protocol side can carry.
  const bare = createInboundServer({
    hostname: 'example.test', isLocalDomain: async () => true, resolveRecipient: async () => ({ userId: 'u' }),
    pipeline: { deliver: async () => ({ stored: null, redirectedTo: [], autoreplied: false, rules: [] }) },
    resolver: staticResolver({}), logger: silentLogger(), now: Date.now,
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve()));
  const barePort = (bare.server.address() as { port: number }).port;
  try {
    const a = await runClients({ ...common, port: barePort, rcpt: 'bench@example.test', pool: false });
    const b = await runClients({ ...common, port: barePort, rcpt: 'bench@example.test', pool: true });
    out.smtp_layer_new_connection_msgs_per_s = a.rate;
    out.smtp_layer_new_connection_server_ms_per_msg = a.serverMsPerMessage;
    out.smtp_layer_pooled_msgs_per_s = b.rate;
    out.smtp_layer_pooled_server_ms_per_msg = b.serverMsPerMessage;
  } finally {
    await new Promise<void>((resolve) => bare.close(() => resolve()));
  }

  // 2. Durable: the real store behind it, every 250 after the blob and the event are on disk.
  const kit = await createSmtpKit({ listen: { submission: false, submissions: false }, resolver: staticResolver({}) });
  try {
    const user = await kit.addUser('bench@example.test');
    const target = { ...common, port: kit.mx.port, rcpt: user.email };
    const a = await runClients({ ...target, pool: false });
    const b = await runClients({ ...target, pool: true });
    out.new_connection_msgs_per_s = a.rate;
    out.new_connection_server_utilization = a.serverUtilization;
    out.pooled_msgs_per_s = b.rate;
    out.pooled_server_utilization = b.serverUtilization;
    out.pooled_server_ms_per_msg = b.serverMsPerMessage;
    out.delivered_messages = (await kit.store.mailboxBySpecialUse(user.userId, 'INBOX'))?.messages ?? 0;
  } finally {
    await kit.close();
  }
  return out;
}
