// mail.threads — conversations by Message-ID, In-Reply-To and References (RFC 5322
// §3.6.4), the header part of JWZ threading without subject guessing: a message joins
// the thread of any message it refers to or that refers to it; when it links two
// threads, they merge into the one with the smaller id, so the result does not depend
// on the order messages arrive in and a rebuild gives the same rows.
//
// Async: delivery does not wait for it; the reading pane tolerates a lag of a moment.
import { sql, type Kysely } from 'kysely';
import { defineProjection } from '../../../core/projections/types.ts';

/** References kept per message: long chains carry the root first, and the last few are the close relatives. */
export const MAX_REFERENCES = 50;

interface Appended { accountId: string; mailboxId: string; messageId: string; index: { messageIdHeader?: string | null; inReplyTo?: string | null; references?: string[] } }

export function threadIdsOf(index: Appended['index']): string[] {
  const refs = index.references ?? [];
  const ids = [index.messageIdHeader, index.inReplyTo, ...refs.slice(0, 1), ...refs.slice(-MAX_REFERENCES + 1)]
    .filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 998);
  return [...new Set(ids)];
}

export const threadsProjection = defineProjection({
  name: 'mail.threads',
  // 2: mail_thread_heads (the newest message of each conversation per folder).
  version: 2,
  mode: 'async',
  handles: ['mail.MessageAppended', 'mail.MessagesExpunged', 'mail.MailboxDeleted'],
  async handle(e, db) {
    switch (e.type) {
      case 'mail.MessageAppended': {
        const d = e.data as Appended;
        await place(db, d, e.streamPosition);
        return;
      }
      case 'mail.MessagesExpunged': {
        const d = e.data as { mailboxId: string; uids: number[] };
        for (let i = 0; i < d.uids.length; i += 500) {
          const part = d.uids.slice(i, i + 500);
          const threads = (await db.selectFrom('mail_thread_messages').select('thread_id').distinct().where('mailbox_id', '=', d.mailboxId).where('uid', 'in', part).execute()).map((r) => r.thread_id as string);
          await db.deleteFrom('mail_thread_messages').where('mailbox_id', '=', d.mailboxId).where('uid', 'in', part).execute();
          for (const t of threads) await refreshHead(db, d.mailboxId, t);
        }
        return;
      }
      case 'mail.MailboxDeleted': {
        const mailboxId = (e.data as { mailboxId: string }).mailboxId;
        await db.deleteFrom('mail_thread_messages').where('mailbox_id', '=', mailboxId).execute();
        await db.deleteFrom('mail_thread_heads').where('mailbox_id', '=', mailboxId).execute();
        return;
      }
    }
  },
  async truncate(db) {
    await sql`delete from mail_thread_messages`.execute(db);
    await sql`delete from mail_thread_ids`.execute(db);
    await sql`delete from mail_thread_heads`.execute(db);
  },
});

async function place(db: Kysely<any>, d: Appended, uid: number): Promise<void> {
  const ids = threadIdsOf(d.index);
  const found = ids.length === 0 ? [] : (await db.selectFrom('mail_thread_ids').select('thread_id').distinct()
    .where('account_id', '=', d.accountId).where('message_id_header', 'in', ids).execute()).map((r) => r.thread_id as string);
  // A new thread is named after the message's stable internal id (the same on every rebuild).
  const thread = [...found, d.messageId].sort()[0]!;
  const merged = found.filter((t) => t !== thread);
  if (merged.length > 0) {
    const folders = (await db.selectFrom('mail_thread_messages').select('mailbox_id').distinct().where('account_id', '=', d.accountId).where('thread_id', 'in', merged).execute()).map((r) => r.mailbox_id as string);
    await db.updateTable('mail_thread_messages').set({ thread_id: thread }).where('account_id', '=', d.accountId).where('thread_id', 'in', merged).execute();
    await db.updateTable('mail_thread_ids').set({ thread_id: thread }).where('account_id', '=', d.accountId).where('thread_id', 'in', merged).execute();
    for (const f of folders) {
      await db.deleteFrom('mail_thread_heads').where('mailbox_id', '=', f).where('thread_id', 'in', merged).execute();
      await refreshHead(db, f, thread);
    }
  }
  for (const id of ids) {
    await db.insertInto('mail_thread_ids').values({ account_id: d.accountId, message_id_header: id, thread_id: thread })
      .onConflict((oc) => oc.columns(['account_id', 'message_id_header']).doUpdateSet({ thread_id: thread })).execute();
  }
  await db.insertInto('mail_thread_messages').values({ mailbox_id: d.mailboxId, uid, account_id: d.accountId, thread_id: thread })
    .onConflict((oc) => oc.columns(['mailbox_id', 'uid']).doUpdateSet({ thread_id: thread })).execute();
  // UIDs only grow in a folder: the new message is its thread's head there.
  await sql`insert into mail_thread_heads (mailbox_id, thread_id, head_uid, messages) values (${d.mailboxId}, ${thread}, ${uid}, 1)
    on conflict (mailbox_id, thread_id) do update set head_uid = max(head_uid, excluded.head_uid), messages = messages + 1`.execute(db);
}

/** Recomputes one conversation's head in one folder (after expunges and merges). */
async function refreshHead(db: Kysely<any>, mailboxId: string, threadId: string): Promise<void> {
  const r = await db.selectFrom('mail_thread_messages').select([sql<number>`max(uid)`.as('uid'), sql<number>`count(*)`.as('n')])
    .where('mailbox_id', '=', mailboxId).where('thread_id', '=', threadId).executeTakeFirst();
  if (!r || r.uid === null || Number(r.n) === 0) {
    await db.deleteFrom('mail_thread_heads').where('mailbox_id', '=', mailboxId).where('thread_id', '=', threadId).execute();
    return;
  }
  await sql`insert into mail_thread_heads (mailbox_id, thread_id, head_uid, messages) values (${mailboxId}, ${threadId}, ${r.uid}, ${r.n})
    on conflict (mailbox_id, thread_id) do update set head_uid = excluded.head_uid, messages = excluded.messages`.execute(db);
}
