// The mail plugin: wiring only. The store (events, read models, MailStore) is in
// store/, account/, projections/; the protocol servers in imap/ and smtp/.
import { sql } from 'kysely';
import { createMailThreads, createThreadHeads, indexThreadsByMailbox } from './threads/thread-migrations.ts';
import { threadsProjection } from './threads/threads-projection.ts';
import type { ContactDirectory, DriveFiles, MailWebDeps } from './web/mail-web-deps.ts';
import { simpleParser } from './shared-mailparser.ts';
import type { EventMetadata } from '../../core/events/types.ts';

/** What mail expects of the calendar's `calendar.scheduling` service (plugins never import each other). */
interface CalendarScheduling {
  incoming(userId: string, ics: string, from: string, meta: EventMetadata): Promise<void>;
}
import { recentRecipients } from './store/recent-recipients.ts';
import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { mailStoreEvents } from './events.ts';
import { createImapServer } from './imap/imap-server.ts';
import { mailWebApp } from './web/mail-web.ts';
import { autoconfigWellKnownApp, autodiscoverApp } from './autoconfig/well-known-apps.ts';
import { importServiceFor } from './import/import-routes.tsx';
import { createSmtpServers, smtpBlobRefs, smtpEvents, smtpMigrations, smtpProjections } from './smtp/index.ts';
import { createMailStore } from './store/mail-store.ts';
import { createStoreMigrations } from './migrations/index.ts';
import { mailStoreProjection } from './projections/mail-store-projection.ts';
import { catchAllProjection } from './projections/catch-all-projection.ts';
import { searchMigrations } from './search/search-migrations.ts';
import { createSearchProjection } from './search/search-projection.ts';
import { createSearchService } from './search/search-service.ts';
import { createMailSettings } from './settings/mail-settings-service.ts';
import { mailSettingsEvents } from './settings/settings-events.ts';
import { mailSettingsProjection, settingsMigration } from './settings/settings-projection.ts';
import { signatureEvents, signaturesMigration, signaturesProjection } from './web/settings/signature-events.ts';

export type MailStoreService = ReturnType<typeof createMailStore>;

export default definePlugin({
  id: 'mail',
  version: '0.1.0',
  description: 'Mail: the message store, SMTP in and out, and an IMAP server.',
  needs: ['db', 'events', 'blobs', 'auth', 'identity', 'feed', 'logger', 'appliance', 'tls', 'services'],
  register(r) {
    let store: MailStoreService | undefined;
    const mail = () => (store ??= createMailStore(r.services()));
    let settings: ReturnType<typeof createMailSettings> | undefined;
    const mailSettings = () => (settings ??= createMailSettings(r.services()));
    r.events({ ...mailStoreEvents, ...mailSettingsEvents, ...signatureEvents, ...smtpEvents });
    let search: ReturnType<typeof createSearchService> | undefined;
    const searchService = () => (search ??= createSearchService(r.services().db));
    r.migrations([...createStoreMigrations(), settingsMigration, ...searchMigrations, ...smtpMigrations, signaturesMigration, createMailThreads, indexThreadsByMailbox, createThreadHeads]);
    r.projection(mailStoreProjection);
    r.projection(catchAllProjection);
    r.projection(mailSettingsProjection);
    r.projection(signaturesProjection);
    r.projection(threadsProjection);
    for (const p of smtpProjections) r.projection(p);
    r.blobRefs(smtpBlobRefs);
    r.projection(createSearchProjection({
      async readBlob(sha256) {
        const blobs = r.services().blobs;
        return (await blobs.has(sha256)) ? blobs.readAll(sha256) : undefined;
      },
    }));
    r.provide('store', mail);
    r.provide('search', searchService);
    r.provide('settings', mailSettings);
    // For contacts' "people you write to" suggestions.
    r.provide('recipients', () => ({ recent: (userId: string, limit?: number) => recentRecipients(mail(), userId, limit) }));
    r.nav({ label: 'Mail', href: '/mail', icon: '✉', order: 10 });
    r.app(mailWebApp(() => {
      const s = r.services();
      const directory = s.services.get<ContactDirectory>('contacts.directory');
      const driveFiles = s.services.get<DriveFiles>('drive.files');
      const presence = s.services.get<NonNullable<MailWebDeps['presence']>>('chat.presence');
      return {
        store: mail(), search: searchService(), settings: mailSettings(), events: s.events, feed: s.feed, auth: s.auth, identity: s.identity,
        blobs: s.blobs, logger: s.logger, config: s.appliance, submit: smtpServers().submitter, smtp: smtpServers(), ...(directory ? { directory } : {}), ...(driveFiles ? { driveFiles } : {}), ...(presence ? { presence } : {}),
      };
    }));

    // One SMTP server set for the three ports; the queue worker starts with the MX
    // listener, so the CLI (which opens the same appliance) never sends mail.
    let smtp: ReturnType<typeof createSmtpServers> | undefined;
    const smtpServers = () => (smtp ??= (() => {
      const s = r.services();
      const store = mail();
      return createSmtpServers({
        store, auth: s.auth, events: s.events, db: s.db, blobs: s.blobs, logger: s.logger.child({ protocol: 'smtp' }),
        hostname: s.appliance.hostname, tls: s.tls, dataDir: s.appliance.dataDir, settings: mailSettings(),
        ...(s.appliance.smarthost ? { smarthost: s.appliance.smarthost } : {}),
        ...(typeof s.appliance.sections.mail?.sendLimitPerHour === 'number' ? { sendLimitPerHour: s.appliance.sections.mail.sendLimitPerHour } : {}),
        // iMIP (RFC 6047): invitations, replies and cancellations by mail go to the calendar when it is enabled.
        onCalendarMessage: async (userId: string, raw: Buffer) => {
          const calendar = s.services.get<CalendarScheduling>('calendar.scheduling');
          if (!calendar) return;
          const parsed = await simpleParser(raw);
          const from = parsed.from?.value[0]?.address;
          const part = parsed.attachments.find((a) => a.contentType === 'text/calendar' || a.contentType === 'application/ics');
          if (!from || !part) return;
          await calendar.incoming(userId, part.content.toString('utf8'), from, { actor: userId, source: 'smtp', time: new Date().toISOString() });
        },
        resolveRecipient: async (address) => {
          const userId = await store.accountForAddress(address, async (a) => (await s.auth.userByEmail(a))?.id);
          return userId ? { userId } : undefined;
        },
        addressesOf: async (userId) => [(await s.auth.userById(userId))?.email, ...(await store.aliases(userId))].filter((a): a is string => Boolean(a)),
      });
    })());
    r.provide('submit', () => smtpServers().submitter);
    // Client auto-configuration at the root paths mail clients probe.
    const clientConfig = () => r.services().appliance;
    r.mount('/.well-known/autoconfig', autoconfigWellKnownApp(clientConfig));
    r.mount('/autodiscover', autodiscoverApp(clientConfig));
    r.provide('import', () => {
      const s = r.services();
      return importServiceFor({ store: mail(), events: s.events, logger: s.logger, config: s.appliance });
    });
    r.listener({
      name: 'smtp',
      async start() {
        const cfg = r.services().appliance;
        const servers = smtpServers();
        servers.startQueue();
        const l = await servers.listenInbound({ port: cfg.smtpPort, host: cfg.bind });
        return { close: async () => { await l.close(); await servers.stop(); }, describe: () => l.describe() };
      },
    });
    for (const [name, tls] of [['submission', 'starttls'], ['submissions', 'implicit']] as const) {
      r.listener({
        name,
        async start() {
          const cfg = r.services().appliance;
          const l = await smtpServers().listenSubmission({ port: name === 'submission' ? cfg.submissionPort : cfg.submissionsPort, host: cfg.bind, tls });
          return { close: () => l.close(), describe: () => l.describe() };
        },
      });
    }

    // One IMAP server for both ports, so per-user connection limits count both.
    let imap: ReturnType<typeof createImapServer> | undefined;
    const imapServer = () => (imap ??= (() => {
      const s = r.services();
      return createImapServer({ store: mail(), auth: s.auth, feed: s.feed, tls: s.tls, logger: s.logger.child({ protocol: 'imap' }), hostname: s.appliance.hostname, search: searchService() });
    })());
    for (const [name, tls] of [['imap', 'starttls'], ['imaps', 'implicit']] as const) {
      r.listener({
        name,
        async start() {
          const cfg = r.services().appliance;
          const l = await imapServer().listen({ host: cfg.bind, port: name === 'imap' ? cfg.imapPort : cfg.imapsPort, tls });
          return { close: () => l.close(), describe: () => `imap${tls === 'implicit' ? 's' : ''}://${l.host}:${l.port}` };
        },
      });
    }
    // Blobs the read models still need: every stored message, and expunged ones that
    // can still be brought back from "recently deleted".
    r.blobRefs(async function* (db) {
      for (const row of await db.selectFrom('mail_messages').select('sha256').distinct().execute()) yield row.sha256 as string;
      const days = await r.services().auth.retentionDays();
      const since = new Date(Date.now() - days * 86400_000).toISOString();
      for (const row of await sql<{ sha256: string }>`select distinct sha256 from mail_expunged where moved = 0 and expunged_at >= ${since}`.execute(db).then((x) => x.rows)) yield row.sha256;
    });
  },
});
