// mail_catch_all: one row per domain whose catch-all is on (inline, so a change applies to
// the very next RCPT). Written only here, from mail.CatchAllSet.
import { defineProjection, type Projection } from '../../../core/projections/types.ts';
import type { MailEventData } from '../events.ts';

export const catchAllProjection: Projection = defineProjection({
  name: 'mail.catchall',
  version: 1,
  handles: ['mail.CatchAllSet'],
  async handle(event, db) {
    const d = event.data as MailEventData<'mail.CatchAllSet'>;
    if (d.accountId === null) {
      await db.deleteFrom('mail_catch_all').where('domain', '=', d.domain).execute();
      return;
    }
    await db.insertInto('mail_catch_all').values({ domain: d.domain, account_id: d.accountId })
      .onConflict((oc) => oc.column('domain').doUpdateSet({ account_id: d.accountId })).execute();
  },
  async truncate(db) {
    await db.deleteFrom('mail_catch_all').execute();
  },
});
