// mail.store — every read model the mailbox protocols need, inline so that an IMAP
// command's tagged OK and the next command see the same state:
//   mail_mailboxes (with counters: messages, unseen, \Deleted, size, UIDNEXT, HIGHESTMODSEQ),
//   mail_messages (one row per message: flags, modseq, cached envelope/structure),
//   mail_expunged (expunged messages, for VANISHED and "recently deleted"),
//   mail_subscriptions, mail_aliases, mail_quota.
// UID = stream position of the message's MessageAppended; MODSEQ = global position.
import { sql, type Kysely } from 'kysely';
import type { StoredEvent } from '../../../core/events/types.ts';
import { defineProjection } from '../../../core/projections/types.ts';
import type { MailEventData } from '../events.ts';

/** UIDs per IN (...) list: well under SQLite's default limit of bound variables. */
const IN_CHUNK = 500;

const SYSTEM_SEEN = '\\Seen';
const SYSTEM_DELETED = '\\Deleted';

export function applyFlagOp(current: readonly string[], op: 'add' | 'remove' | 'set', flags: readonly string[]): string[] {
  let next: Set<string>;
  if (op === 'set') next = new Set(flags);
  else if (op === 'add') next = new Set([...current, ...flags]);
  else { next = new Set(current); for (const f of flags) next.delete(f); }
  return [...next].sort();
}

function chunks<T>(xs: readonly T[], n = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const accountOf = (e: StoredEvent) => e.stream.slice('mail-account:'.length);

async function touchMailbox(db: Kysely<any>, mailboxId: string, e: StoredEvent) {
  await sql`update mail_mailboxes set uid_next = ${e.streamPosition + 1}, highest_modseq = ${e.position} where id = ${mailboxId}`.execute(db);
}

async function ensureQuotaRow(db: Kysely<any>, accountId: string) {
  await sql`insert into mail_quota (account_id, limit_bytes, used_bytes, messages) values (${accountId}, null, 0, 0) on conflict(account_id) do nothing`.execute(db);
}

/** Moves message rows to mail_expunged and keeps every counter right. */
async function expungeRows(db: Kysely<any>, mailboxId: string, where: ReturnType<typeof sql>, e: StoredEvent, moved = false) {
  const totals = await sql<{ n: number; unseen: number; del: number; bytes: number; account_id: string }>`
    select count(*) as n, coalesce(sum(1 - seen), 0) as unseen, coalesce(sum(deleted), 0) as del, coalesce(sum(size), 0) as bytes, max(account_id) as account_id
    from mail_messages where mailbox_id = ${mailboxId} and ${where}`.execute(db);
  const t = totals.rows[0]!;
  if (t.n === 0) return;
  await sql`insert or replace into mail_expunged (mailbox_id, uid, account_id, mailbox_name, modseq, expunged_at, message_id, sha256, size, internal_date, flags, envelope, structure, idx, moved)
    select m.mailbox_id, m.uid, m.account_id, (select name from mail_mailboxes where id = m.mailbox_id), ${e.position}, ${e.metadata.time}, m.message_id, m.sha256, m.size, m.internal_date, m.flags, m.envelope, m.structure, m.idx, ${moved ? 1 : 0}
    from mail_messages m where m.mailbox_id = ${mailboxId} and ${where}`.execute(db);
  await sql`delete from mail_messages where mailbox_id = ${mailboxId} and ${where}`.execute(db);
  await sql`update mail_mailboxes set messages = messages - ${t.n}, unseen = unseen - ${t.unseen}, deleted_count = deleted_count - ${t.del}, size = size - ${t.bytes} where id = ${mailboxId}`.execute(db);
  await sql`update mail_quota set used_bytes = used_bytes - ${t.bytes}, messages = messages - ${t.n} where account_id = ${t.account_id}`.execute(db);
}

export const mailStoreProjection = defineProjection({
  name: 'mail.store',
  version: 1,
  handles: [
    'mail.MailboxCreated', 'mail.MailboxRenamed', 'mail.MailboxDeleted', 'mail.MailboxSubscribed', 'mail.MailboxUnsubscribed',
    'mail.AliasAdded', 'mail.AliasRemoved', 'mail.QuotaSet', 'mail.MessageAppended', 'mail.FlagsChanged', 'mail.MessagesExpunged',
  ],
  async handle(e, db) {
    switch (e.type) {
      case 'mail.MailboxCreated': {
        const d = e.data as MailEventData<'mail.MailboxCreated'>;
        const account = accountOf(e);
        await sql`insert into mail_mailboxes (id, account_id, name, special_use, uid_validity, uid_next, highest_modseq)
          values (${d.mailboxId}, ${account}, ${d.name}, ${d.specialUse}, ${d.uidValidity}, 1, ${e.position})`.execute(db);
        await ensureQuotaRow(db, account);
        return;
      }
      case 'mail.MailboxRenamed': {
        const d = e.data as MailEventData<'mail.MailboxRenamed'>;
        await sql`update mail_mailboxes set name = ${d.name} where id = ${d.mailboxId}`.execute(db);
        return;
      }
      case 'mail.MailboxDeleted': {
        // Its messages become "recently deleted", so a folder removed by mistake can be brought back.
        const d = e.data as MailEventData<'mail.MailboxDeleted'>;
        await expungeRows(db, d.mailboxId, sql`1 = 1`, e);
        await sql`delete from mail_mailboxes where id = ${d.mailboxId}`.execute(db);
        return;
      }
      case 'mail.MailboxSubscribed':
        await sql`insert into mail_subscriptions (account_id, name) values (${accountOf(e)}, ${(e.data as { name: string }).name}) on conflict do nothing`.execute(db);
        return;
      case 'mail.MailboxUnsubscribed':
        await sql`delete from mail_subscriptions where account_id = ${accountOf(e)} and name = ${(e.data as { name: string }).name}`.execute(db);
        return;
      case 'mail.AliasAdded':
        await sql`insert into mail_aliases (address, account_id) values (${(e.data as { address: string }).address}, ${accountOf(e)}) on conflict(address) do nothing`.execute(db);
        return;
      case 'mail.AliasRemoved':
        await sql`delete from mail_aliases where address = ${(e.data as { address: string }).address} and account_id = ${accountOf(e)}`.execute(db);
        return;
      case 'mail.QuotaSet': {
        const account = accountOf(e);
        await ensureQuotaRow(db, account);
        await sql`update mail_quota set limit_bytes = ${(e.data as MailEventData<'mail.QuotaSet'>).limitBytes} where account_id = ${account}`.execute(db);
        return;
      }
      case 'mail.MessageAppended': {
        const d = e.data as MailEventData<'mail.MessageAppended'>;
        const exists = await sql<{ one: number }>`select 1 as one from mail_mailboxes where id = ${d.mailboxId}`.execute(db);
        if (exists.rows.length === 0) return; // appended while its mailbox was being deleted: nothing to show
        const idx = d.index as Record<string, unknown>;
        const flags = [...new Set(d.flags)].sort();
        const seen = flags.includes(SYSTEM_SEEN) ? 1 : 0;
        const deleted = flags.includes(SYSTEM_DELETED) ? 1 : 0;
        const summary = {
          subject: idx.subject, from: idx.from, to: idx.to, cc: idx.cc, date: idx.date, messageIdHeader: idx.messageIdHeader,
          inReplyTo: idx.inReplyTo, references: idx.references, hasAttachments: idx.hasAttachments, attachmentNames: idx.attachmentNames,
        };
        await sql`insert into mail_messages (mailbox_id, uid, account_id, message_id, sha256, size, internal_date, flags, seen, deleted, modseq, envelope, structure, idx)
          values (${d.mailboxId}, ${e.streamPosition}, ${d.accountId}, ${d.messageId}, ${d.sha256}, ${d.size}, ${d.internalDate}, ${JSON.stringify(flags)},
            ${seen}, ${deleted}, ${e.position}, ${JSON.stringify(idx.envelope)}, ${JSON.stringify(idx.structure)}, ${JSON.stringify(summary)})`.execute(db);
        await sql`update mail_mailboxes set messages = messages + 1, unseen = unseen + ${1 - seen}, deleted_count = deleted_count + ${deleted}, size = size + ${d.size},
          uid_next = ${e.streamPosition + 1}, highest_modseq = ${e.position} where id = ${d.mailboxId}`.execute(db);
        await ensureQuotaRow(db, d.accountId);
        await sql`update mail_quota set used_bytes = used_bytes + ${d.size}, messages = messages + 1 where account_id = ${d.accountId}`.execute(db);
        if (d.restoredFrom) await sql`delete from mail_expunged where mailbox_id = ${d.restoredFrom.mailboxId} and uid = ${d.restoredFrom.uid}`.execute(db);
        return;
      }
      case 'mail.FlagsChanged': {
        const d = e.data as MailEventData<'mail.FlagsChanged'>;
        let dUnseen = 0;
        let dDeleted = 0;
        for (const part of chunks(d.uids)) {
          const rows = await sql<{ uid: number; flags: string; seen: number; deleted: number }>`
            select uid, flags, seen, deleted from mail_messages where mailbox_id = ${d.mailboxId} and uid in (${sql.join(part)})`.execute(db);
          for (const r of rows.rows) {
            const next = applyFlagOp(JSON.parse(r.flags) as string[], d.op, d.flags);
            const text = JSON.stringify(next);
            if (text === r.flags) continue; // unchanged flags keep their modseq (RFC 7162 §3.2)
            const seen = next.includes(SYSTEM_SEEN) ? 1 : 0;
            const deleted = next.includes(SYSTEM_DELETED) ? 1 : 0;
            dUnseen += (1 - seen) - (1 - r.seen);
            dDeleted += deleted - r.deleted;
            await sql`update mail_messages set flags = ${text}, seen = ${seen}, deleted = ${deleted}, modseq = ${e.position} where mailbox_id = ${d.mailboxId} and uid = ${r.uid}`.execute(db);
          }
        }
        await sql`update mail_mailboxes set unseen = unseen + ${dUnseen}, deleted_count = deleted_count + ${dDeleted} where id = ${d.mailboxId}`.execute(db);
        await touchMailbox(db, d.mailboxId, e);
        return;
      }
      case 'mail.MessagesExpunged': {
        const d = e.data as MailEventData<'mail.MessagesExpunged'>;
        for (const part of chunks(d.uids)) await expungeRows(db, d.mailboxId, sql`uid in (${sql.join(part)})`, e, d.moved === true);
        await touchMailbox(db, d.mailboxId, e);
        return;
      }
    }
  },
  async truncate(db) {
    for (const t of ['mail_mailboxes', 'mail_subscriptions', 'mail_aliases', 'mail_quota', 'mail_messages', 'mail_expunged']) {
      await sql`delete from ${sql.table(t)}`.execute(db);
    }
  },
});
