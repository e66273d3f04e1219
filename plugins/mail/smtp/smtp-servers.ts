// Wiring of the SMTP side of the mail plugin: the MX, the two submission listeners, the
// delivery pipeline, the outbound queue and its worker, DKIM keys. The plugin's index.ts
// calls createSmtpServers once and registers its listen* functions as listeners.
//
// Defaults for the optional dependencies: a recipient is a user whose primary address
// it is (auth.userByEmail); a user's addresses are their primary address; no settings
// (no redirections, rules or auto reply); the system DNS resolver; direct MX delivery
// on port 25 unless a smarthost URL is given; the real clock.
import { SendRateLimiter } from './send-rate-limit.ts';
import type { Server as NetServer } from 'node:net';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../../core/blobs/index.ts';
import type { EventLog } from '../../../core/events/event-log.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import type { Logger } from '../../../core/logger.ts';
import type { MailStore } from '../store/types.ts';
import { normalizeAddress } from './address.ts';
import type { CairnSmtpServer } from './cairn-smtp-server.ts';
import { DkimKeyStore, type DkimDnsRecord } from './dkim/dkim-keys.ts';
import { systemResolver, type DnsResolver } from './dns-resolver.ts';
import { createInboundServer } from './inbound-server.ts';
import { sqlAutoreplyLog } from './pipeline/autoreply-log.ts';
import { createDeliveryPipeline, type DeliveryPipeline } from './pipeline/delivery-pipeline.ts';
import { noMailSettings, type MailSettingsLookup } from './pipeline/mail-settings.ts';
import { OutboundQueue } from './queue/outbound-queue.ts';
import { OutboundWorker } from './queue/outbound-worker.ts';
import { directMxTransport, smarthostTransport, type RemoteTransport } from './queue/remote-transport.ts';
import { defaultRetryPolicy, type RetryPolicy } from './queue/retry-schedule.ts';
import { createSubmissionServer } from './submission-server.ts';
import { createSubmitter, type Submitter } from './submit-message.ts';

export interface SmtpServersDeps {
  store: MailStore;
  auth: AuthService;
  events: EventLog;
  db: Kysely<any>;
  blobs: BlobStore;
  logger: Logger;
  /** CAIRN_HOSTNAME: greeting, EHLO, Received, Authentication-Results, DSN Reporting-MTA. */
  hostname: string;
  tls: { key: string; cert: string };
  /** DKIM keys live in `<dataDir>/dkim/`. */
  dataDir: string;
  /** Local address → user (aliases included). Default: a user's primary address. */
  resolveRecipient?(address: string): Promise<{ userId: string } | undefined>;
  /** Addresses a user may send as, primary included. Default: the primary address. */
  addressesOf?(userId: string): Promise<string[]>;
  settings?: MailSettingsLookup;
  resolver?: DnsResolver;
  /** CAIRN_SMARTHOST (smtp://user:pass@host:587); direct MX delivery when absent. */
  smarthost?: string;
  /** Port of remote MX hosts (25; tests point it at a fake server). */
  outboundPort?: number;
  /** Replaces the transport entirely (tests). */
  transport?: RemoteTransport;
  retryPolicy?: RetryPolicy;
  queuePollIntervalMs?: number;
  now?(): number;
  maxMessageBytes?: number;
  greetingDelayMs?: number;
  /** Remote recipients per user per hour (send-rate-limit.ts). */
  sendLimitPerHour?: number;
  /** Delivered messages with a text/calendar part (iMIP), for the calendar. */
  onCalendarMessage?(userId: string, raw: Buffer): Promise<void>;
  /** PTR lookups of MX clients for Received fields (default true). */
  reverseLookup?: boolean;
  /** DKIM-sign outbound mail (default true). */
  dkim?: boolean;
}

export interface SmtpListener {
  port: number;
  address: string;
  describe(): string;
  close(): Promise<void>;
}

export interface SmtpServers {
  listenInbound(opts: { port: number; host?: string }): Promise<SmtpListener>;
  listenSubmission(opts: { port: number; host?: string; tls: 'starttls' | 'implicit' }): Promise<SmtpListener>;
  /** Starts the outbound worker (idempotent). */
  startQueue(): void;
  /** Closes every listener and stops the worker. */
  stop(): Promise<void>;
  pipeline: DeliveryPipeline;
  queue: OutboundQueue;
  worker: OutboundWorker;
  dkimKeys: DkimKeyStore;
  /** Submission on behalf of a signed-in user (the submission ports and the webmail share it). */
  submitter: Submitter;
  /** The DKIM TXT record to publish for a domain (the key is created if needed). */
  dkimDnsRecord(domain: string): Promise<DkimDnsRecord>;
}

export function createSmtpServers(deps: SmtpServersDeps): SmtpServers {
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ component: 'smtp' });
  const resolver = deps.resolver ?? systemResolver();
  const resolveRecipient = deps.resolveRecipient ?? (async (address: string) => {
    const user = await deps.auth.userByEmail(normalizeAddress(address));
    return user ? { userId: user.id } : undefined;
  });
  const addressesOf = deps.addressesOf ?? (async (userId: string) => {
    const user = await deps.auth.userById(userId);
    return user ? [user.email] : [];
  });
  const isLocalDomain = async (domain: string) => domain !== '' && (await deps.auth.domains()).some((d) => d.toLowerCase() === domain);
  const policy = deps.retryPolicy ?? defaultRetryPolicy;
  const dkimKeys = new DkimKeyStore(deps.dataDir);

  const queue = new OutboundQueue({
    events: deps.events, db: deps.db, blobs: deps.blobs, dkim: deps.dkim === false ? null : dkimKeys, isLocalDomain, policy, now, logger,
  });
  const transport = deps.transport ?? (deps.smarthost
    ? smarthostTransport(deps.smarthost, { hostname: deps.hostname })
    : directMxTransport({ hostname: deps.hostname, resolver, ...(deps.outboundPort !== undefined ? { port: deps.outboundPort } : {}) }));
  const worker = new OutboundWorker({
    events: deps.events, db: deps.db, blobs: deps.blobs, store: deps.store, resolveRecipient, transport, policy, now,
    hostname: deps.hostname, logger, ...(deps.queuePollIntervalMs !== undefined ? { pollIntervalMs: deps.queuePollIntervalMs } : {}),
  });
  queue.onQueued(() => worker.wake());

  const pipeline = createDeliveryPipeline({
    store: deps.store, settings: deps.settings ?? noMailSettings, resolveRecipient, addressesOf, isLocalDomain,
    sendRemote: async (r, meta) => { await queue.enqueue(r, meta); },
    autoreplies: sqlAutoreplyLog(deps.db), hostname: deps.hostname, now, logger,
    ...(deps.onCalendarMessage ? { onCalendarMessage: deps.onCalendarMessage } : {}),
  });

  const submitter = createSubmitter({
    hostname: deps.hostname, logger, now, addressesOf, isLocalDomain, resolveRecipient, pipeline,
    enqueue: (req, meta) => queue.enqueue(req, meta), store: deps.store,
    rateLimit: new SendRateLimiter(deps.sendLimitPerHour),
  });

  const listeners = new Set<SmtpListener>();
  const common = {
    hostname: deps.hostname, logger, now,
    ...(deps.maxMessageBytes !== undefined ? { maxMessageBytes: deps.maxMessageBytes } : {}),
    ...(deps.greetingDelayMs !== undefined ? { greetingDelayMs: deps.greetingDelayMs } : {}),
  };

  async function listen(name: string, server: CairnSmtpServer, port: number, host: string | undefined): Promise<SmtpListener> {
    const net: NetServer = await new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      const s = server.listen(port, host ?? '127.0.0.1', () => {
        server.off('error', onError);
        resolve(s);
      });
    });
    server.on('error', (err: Error) => logger.debug({ err, listener: name }, 'smtp server error'));
    const addr = net.address();
    const bound = typeof addr === 'object' && addr ? addr : { port, address: host ?? '127.0.0.1' };
    let closing: Promise<void> | undefined;
    const listener: SmtpListener = {
      port: bound.port,
      address: bound.address,
      describe: () => `smtp://${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port} (${name})`,
      close: () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve())).finally(() => listeners.delete(listener))),
    };
    listeners.add(listener);
    return listener;
  }

  return {
    pipeline, queue, worker, dkimKeys, submitter,
    dkimDnsRecord: (domain) => dkimKeys.dkimDnsRecord(domain),
    listenInbound(opts) {
      const server = createInboundServer({
        ...common, isLocalDomain, resolveRecipient, quota: (userId) => deps.store.quota(userId), pipeline, resolver, tls: deps.tls,
        ...(deps.reverseLookup !== undefined ? { reverseLookup: deps.reverseLookup } : {}),
      });
      return listen('mx', server, opts.port, opts.host);
    },
    listenSubmission(opts) {
      const server = createSubmissionServer({
        ...common, auth: deps.auth, addressesOf, isLocalDomain, resolveRecipient, pipeline,
        enqueue: (req, meta) => queue.enqueue(req, meta), store: deps.store, tls: deps.tls, mode: opts.tls, submitter,
      });
      return listen(opts.tls === 'implicit' ? 'submissions' : 'submission', server, opts.port, opts.host);
    },
    startQueue: () => worker.start(),
    async stop() {
      await Promise.all([...listeners].map((l) => l.close()));
      await worker.stop();
    },
  };
}
