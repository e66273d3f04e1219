// The mail plugin: wiring only. The store (events, read models, MailStore) is in
// store/, account/, projections/; the protocol servers in imap/ and smtp/.
import { sql } from 'kysely';
import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { mailStoreEvents } from './events.ts';
import { createMailStore } from './store/mail-store.ts';
import { createStoreMigrations } from './migrations/index.ts';
import { mailStoreProjection } from './projections/mail-store-projection.ts';
import { searchMigrations } from './search/search-migrations.ts';
import { createSearchProjection } from './search/search-projection.ts';
import { createSearchService } from './search/search-service.ts';

export type MailStoreService = ReturnType<typeof createMailStore>;

export default definePlugin({
  id: 'mail',
  version: '0.1.0',
  description: 'Mail: the message store, SMTP in and out, and an IMAP server.',
  needs: ['db', 'events', 'blobs', 'auth', 'feed', 'logger', 'appliance', 'tls'],
  register(r) {
    let store: MailStoreService | undefined;
    const mail = () => (store ??= createMailStore(r.services()));
    r.events(mailStoreEvents);
    let search: ReturnType<typeof createSearchService> | undefined;
    const searchService = () => (search ??= createSearchService(r.services().db));
    r.migrations([...createStoreMigrations(), ...searchMigrations]);
    r.projection(mailStoreProjection);
    r.projection(createSearchProjection({
      async readBlob(sha256) {
        const blobs = r.services().blobs;
        return (await blobs.has(sha256)) ? blobs.readAll(sha256) : undefined;
      },
    }));
    r.provide('store', mail);
    r.provide('search', searchService);
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
