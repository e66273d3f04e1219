// The appliance with the mail plugin, plus the SMTP side wired on port-0 listeners, for
// the SMTP specs and the benchmark. Until the plugin's index.ts registers the SMTP events,
// migrations and projection itself, the kit adds whichever of them the plugin did not
// register (so it keeps working, unchanged, once the plugin does).
import type { Kysely } from 'kysely';
import type { EventMetadata } from '../../../../core/events/types.ts';
import { silentLogger, type Logger } from '../../../../core/logger.ts';
import type { PluginDefinition, PluginRegistrar } from '../../../../core/plugins/define-plugin.ts';
import { createTestAppliance, type TestAppliance } from '../../../../core/testing/test-appliance.ts';
import mailPlugin, { type MailStoreService } from '../../index.ts';
import type { SpecialUse } from '../../store/types.ts';
import { addTestUser } from '../../testing/mail-kit.ts';
import type { DnsResolver } from '../dns-resolver.ts';
import { smtpEvents } from '../events.ts';
import type { MailSettingsLookup } from '../pipeline/mail-settings.ts';
import { smtpProjections } from '../queue/outbound-projection.ts';
import type { RetryPolicy } from '../queue/retry-schedule.ts';
import { smtpMigrations } from '../smtp-migrations.ts';
import { createSmtpServers, type SmtpListener, type SmtpServers, type SmtpServersDeps } from '../smtp-servers.ts';
import { staticResolver } from './static-resolver.ts';

export interface SmtpKitUser { userId: string; email: string; password: string; appPassword: string }

export interface SmtpKitOptions {
  resolver?: DnsResolver;
  settings?: MailSettingsLookup;
  retryPolicy?: RetryPolicy;
  outboundPort?: number;
  now?: () => number;
  maxMessageBytes?: number;
  smarthost?: string;
  logger?: Logger;
  /** Which listeners to open (all by default). */
  listen?: { mx?: boolean; submission?: boolean; submissions?: boolean };
  extra?: Partial<SmtpServersDeps>;
}

export interface SmtpKit {
  appliance: TestAppliance;
  store: MailStoreService;
  db: Kysely<any>;
  servers: SmtpServers;
  mx: SmtpListener;
  submission: SmtpListener;
  submissions: SmtpListener;
  /** The appliance's certificate (self-signed), for clients that want to pin it. */
  cert: string;
  addUser(email: string, password?: string): Promise<SmtpKitUser>;
  meta(actor?: string): EventMetadata;
  /** Raw bytes and flags of the messages in a user's mailbox, in UID order. */
  messages(userId: string, mailbox?: SpecialUse | 'INBOX'): Promise<{ raw: Buffer; flags: string[]; uid: number }[]>;
  close(): Promise<void>;
}

/** The mail plugin with the SMTP parts it does not register yet. */
export function withSmtpParts(def: PluginDefinition): PluginDefinition {
  return {
    ...def,
    register(r) {
      const types = new Set<string>();
      const migrations = new Set<string>();
      const projections = new Set<string>();
      const proxy = new Proxy(r, {
        get(target, prop, receiver) {
          if (prop === 'events') return (t: Record<string, unknown>) => { for (const k of Object.keys(t)) types.add(k); target.events(t as never); };
          if (prop === 'migrations') return (list: readonly { name: string }[]) => { for (const m of list) migrations.add(m.name); target.migrations(list as never); };
          if (prop === 'projection') return (p: { name: string }) => { projections.add(p.name); target.projection(p as never); };
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as PluginRegistrar;
      def.register(proxy);
      const missing = Object.fromEntries(Object.entries(smtpEvents).filter(([k]) => !types.has(k)));
      if (Object.keys(missing).length > 0) r.events(missing);
      const m = smtpMigrations.filter((x) => !migrations.has(x.name));
      if (m.length > 0) r.migrations(m);
      for (const p of smtpProjections) if (!projections.has(p.name)) r.projection(p);
    },
  };
}

export async function createSmtpKit(opts: SmtpKitOptions = {}): Promise<SmtpKit> {
  const appliance = await createTestAppliance({ pluginDefs: [withSmtpParts(mailPlugin as unknown as PluginDefinition)] });
  const store = appliance.services.services.require<MailStoreService>('mail.store');
  const auth = appliance.auth;
  const servers = createSmtpServers({
    store, auth, events: appliance.log, db: appliance.db.kysely, blobs: appliance.blobs, logger: opts.logger ?? silentLogger(),
    hostname: appliance.config.hostname, tls: appliance.services.tls, dataDir: appliance.dataDir,
    resolveRecipient: async (address) => {
      const userId = await store.accountForAddress(address, async (a) => (await auth.userByEmail(a))?.id);
      return userId ? { userId } : undefined;
    },
    addressesOf: async (userId) => {
      const user = await auth.userById(userId);
      return [...(user ? [user.email] : []), ...(await store.aliases(userId))];
    },
    resolver: opts.resolver ?? staticResolver({}),
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.retryPolicy ? { retryPolicy: opts.retryPolicy } : {}),
    ...(opts.outboundPort !== undefined ? { outboundPort: opts.outboundPort } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.maxMessageBytes !== undefined ? { maxMessageBytes: opts.maxMessageBytes } : {}),
    ...(opts.smarthost ? { smarthost: opts.smarthost } : {}),
    ...opts.extra,
  });
  const want = { mx: true, submission: true, submissions: true, ...opts.listen };
  const closed: SmtpListener = { port: 0, address: '', describe: () => 'not listening', close: async () => {} };
  const mx = want.mx ? await servers.listenInbound({ port: 0 }) : closed;
  const submission = want.submission ? await servers.listenSubmission({ port: 0, tls: 'starttls' }) : closed;
  const submissions = want.submissions ? await servers.listenSubmission({ port: 0, tls: 'implicit' }) : closed;
  return {
    appliance, store, db: appliance.db.kysely, servers, mx, submission, submissions, cert: appliance.services.tls.cert,
    meta: (actor = 'system') => ({ actor, source: 'system', time: new Date().toISOString() }),
    addUser: (email, password) => addTestUser(appliance, email, password),
    async messages(userId, mailbox = 'INBOX') {
      const box = await store.mailboxBySpecialUse(userId, mailbox);
      if (!box) return [];
      const list = await store.messages(box.id);
      return Promise.all(list.map(async (m) => ({ raw: await store.readMessage(m.sha256), flags: m.flags, uid: m.uid })));
    },
    async close() {
      await servers.stop();
      await appliance.close();
    },
  };
}
