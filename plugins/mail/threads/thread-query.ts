// Reads of the conversation model for the webmail.
import { sql, type Kysely } from 'kysely';

export interface ThreadMember {
  mailboxId: string;
  mailboxName: string;
  specialUse: string | null;
  uid: number;
  internalDate: number;
  subject: string;
  from: string;
  seen: boolean;
}

/** Messages of a conversation shown together at most: a long mailing-list thread is paged by the list, not the pane. */
export const MAX_THREAD_MEMBERS = 100;

/**
 * The conversation of one message, oldest first, across the account's folders except
 * Trash and Junk (unless the message itself lives there); [] when it is alone or not yet threaded.
 */
export async function conversationOf(db: Kysely<any>, accountId: string, mailboxId: string, uid: number): Promise<ThreadMember[]> {
  const own = await db.selectFrom('mail_thread_messages').select('thread_id').where('mailbox_id', '=', mailboxId).where('uid', '=', uid).executeTakeFirst();
  if (!own) return [];
  const rows = await sql<{ mailbox_id: string; name: string; special_use: string | null; uid: number; internal_date: number; subject: string | null; from_text: string | null; seen: number }>`
    select t.mailbox_id, b.name, b.special_use, t.uid, m.internal_date, json_extract(m.idx, '$.subject') as subject, json_extract(m.idx, '$.from') as from_text, m.seen
    from mail_thread_messages t
    join mail_messages m on m.mailbox_id = t.mailbox_id and m.uid = t.uid
    join mail_mailboxes b on b.id = t.mailbox_id
    where t.account_id = ${accountId} and t.thread_id = ${own.thread_id}
    order by m.internal_date asc, t.uid asc
    limit ${MAX_THREAD_MEMBERS}`.execute(db);
  const here = rows.rows.find((r) => r.mailbox_id === mailboxId && r.uid === uid);
  const hidden = new Set(['\\Trash', '\\Junk']);
  const members = rows.rows.filter((r) => r === here || !hidden.has(r.special_use ?? '') || r.special_use === here?.special_use);
  if (members.length < 2) return [];
  return members.map((r) => ({
    mailboxId: r.mailbox_id, mailboxName: r.name, specialUse: r.special_use, uid: r.uid, internalDate: r.internal_date,
    subject: r.subject ?? '', from: r.from_text ?? '', seen: r.seen === 1,
  }));
}

/** Conversation sizes for the rows of a list page (only threads of 2+ are returned). */
export async function threadSizes(db: Kysely<any>, mailboxId: string, uids: readonly number[]): Promise<Map<number, number>> {
  if (uids.length === 0) return new Map();
  const rows = await sql<{ uid: number; n: number }>`
    select t.uid, (select count(*) from mail_thread_messages o where o.account_id = t.account_id and o.thread_id = t.thread_id) as n
    from mail_thread_messages t where t.mailbox_id = ${mailboxId} and t.uid in (${sql.join([...uids])})`.execute(db);
  return new Map(rows.rows.filter((r) => r.n > 1).map((r) => [r.uid, r.n]));
}
