// Settings the webmail adds to a user's mail settings stream (`mail-settings:<userId>`):
// signatures (several per user, one default per sending address) and the blocked and
// approved senders lists that delivery consults (blocked ⇒ Junk, approved ⇒ never Junk).
// Each event replaces the whole setting, like the other mail settings events.
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../../../../core/errors.ts';
import type { EventLog } from '../../../../core/events/event-log.ts';
import type { EventMetadata } from '../../../../core/events/types.ts';
import { defineProjection } from '../../../../core/projections/types.ts';
import { settingsStream } from '../../settings/settings-events.ts';

/** Signatures per user: a few per role or language, not a template library. */
export const MAX_SIGNATURES = 20;
/** Entries per senders list: a personal list, not a spam filter. */
export const MAX_SENDER_ENTRIES = 500;

const signature = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  body: z.string().max(5_000),
  /** Addresses for which this is the default signature. */
  defaultFor: z.array(z.string().max(320)).max(50),
});
/** An address (a@b.c) or a whole domain (@b.c or b.c). */
const senderEntry = z.string().min(1).max(320).regex(/^[^\s<>]+$/);
const senderLists = z.object({ blocked: z.array(senderEntry).max(MAX_SENDER_ENTRIES), approved: z.array(senderEntry).max(MAX_SENDER_ENTRIES) });

export type Signature = z.infer<typeof signature>;
export type SenderLists = z.infer<typeof senderLists>;

export const signatureEvents = {
  'mail.SignaturesSet': z.object({ signatures: z.array(signature).max(MAX_SIGNATURES) }),
  'mail.SenderListsSet': senderLists,
};

export const signaturesMigration = {
  name: '2001_mail_signatures',
  async up(db: Kysely<any>) {
    await sql`create table mail_signatures (account_id text primary key, signatures text not null)`.execute(db);
    await sql`create table mail_sender_lists (account_id text primary key, blocked text not null, approved text not null)`.execute(db);
  },
};

export const signaturesProjection = defineProjection({
  name: 'mail.signatures',
  version: 1,
  handles: ['mail.SignaturesSet', 'mail.SenderListsSet'],
  async handle(e, db) {
    const account = e.stream.slice('mail-settings:'.length);
    if (e.type === 'mail.SignaturesSet') {
      const v = JSON.stringify((e.data as { signatures: unknown }).signatures);
      await sql`insert into mail_signatures (account_id, signatures) values (${account}, ${v})
        on conflict(account_id) do update set signatures = excluded.signatures`.execute(db);
    } else {
      const d = e.data as SenderLists;
      await sql`insert into mail_sender_lists (account_id, blocked, approved) values (${account}, ${JSON.stringify(d.blocked)}, ${JSON.stringify(d.approved)})
        on conflict(account_id) do update set blocked = excluded.blocked, approved = excluded.approved`.execute(db);
    }
  },
  async truncate(db) {
    await sql`delete from mail_signatures`.execute(db);
    await sql`delete from mail_sender_lists`.execute(db);
  },
});

/** Normalizes a list entry: lower case; `example.org` and `@example.org` both mean the domain. */
export function normalizeSenderEntry(entry: string): string {
  const e = entry.trim().toLowerCase().replace(/^<|>$/g, '');
  return e.includes('@') ? e : `@${e}`;
}

/** Whether an address is on a list of addresses and @domains. */
export function senderListed(list: readonly string[], address: string): boolean {
  const a = address.trim().toLowerCase();
  if (!a) return false;
  const domain = a.slice(a.lastIndexOf('@'));
  return list.some((e) => e === a || (e.startsWith('@') && (domain === e || domain.endsWith(`.${e.slice(1)}`))));
}

export function createSignatureSettings(deps: { events: EventLog; db: Kysely<any> }) {
  const put = (userId: string, type: string, data: unknown, meta: EventMetadata) =>
    deps.events.append(settingsStream(userId), 'any', [{ type, data }], { metadata: meta });
  return {
    async signatures(userId: string): Promise<Signature[]> {
      const row = await deps.db.selectFrom('mail_signatures').select('signatures').where('account_id', '=', userId).executeTakeFirst();
      return row ? JSON.parse(row.signatures as string) : [];
    },
    async setSignatures(userId: string, list: Signature[], meta: EventMetadata): Promise<void> {
      const r = signatureEvents['mail.SignaturesSet'].safeParse({ signatures: list });
      if (!r.success) throw new ValidationError(`invalid signatures: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      // One default per address: the last signature naming an address keeps it.
      const seen = new Set<string>();
      const sigs = [...r.data.signatures].reverse().map((s) => ({
        ...s, defaultFor: s.defaultFor.map((a) => a.trim().toLowerCase()).filter((a) => a && !seen.has(a) && (seen.add(a), true)),
      })).reverse();
      await put(userId, 'mail.SignaturesSet', { signatures: sigs }, meta);
    },
    async senderLists(userId: string): Promise<SenderLists> {
      const row = await deps.db.selectFrom('mail_sender_lists').selectAll().where('account_id', '=', userId).executeTakeFirst();
      return row ? { blocked: JSON.parse(row.blocked as string), approved: JSON.parse(row.approved as string) } : { blocked: [], approved: [] };
    },
    async setSenderLists(userId: string, lists: SenderLists, meta: EventMetadata): Promise<void> {
      const clean = (l: string[]) => [...new Set(l.map(normalizeSenderEntry).filter((e) => e.length > 1))];
      const r = senderLists.safeParse({ blocked: clean(lists.blocked), approved: clean(lists.approved) });
      if (!r.success) throw new ValidationError(`invalid senders list: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      await put(userId, 'mail.SenderListsSet', r.data, meta);
    },
  };
}
export type SignatureSettings = ReturnType<typeof createSignatureSettings>;
