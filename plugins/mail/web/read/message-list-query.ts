// The message list's one query: a page of a mailbox, newest first by default, straight
// from the mail_messages read model (primary key mailbox_id, uid). The default order is
// UID (arrival) and pages by UID window (`before`/`after` a UID), so the cost of a page
// does not depend on the mailbox's size. Other orders (from, subject, size) use an
// offset over an expression index each (migrations/0002), so early pages read only what they show.
import { sql, type Kysely } from 'kysely';
import { SORT_EXPRESSIONS } from '../../migrations/0002_list_sort_indexes.ts';

export type ListSort = 'date' | 'from' | 'subject' | 'size';
export type ListFilter = 'all' | 'read' | 'unread' | 'starred' | 'unstarred';
export const SORTS: readonly ListSort[] = ['date', 'from', 'subject', 'size'];
export const FILTERS: readonly ListFilter[] = ['all', 'read', 'unread', 'starred', 'unstarred'];
export const PAGE_SIZE = 50;

export interface ListRow {
  uid: number;
  flags: string[];
  size: number;
  internalDate: number;
  subject: string;
  from: string;
  hasAttachments: boolean;
}

export interface ListPage {
  rows: ListRow[];
  /** UID to pass as `before` for the next (older) page, when there is one. */
  olderThan: number | undefined;
  /** UID to pass as `after` for the previous (newer) page, when there is one. */
  newerThan: number | undefined;
  /** Offset paging for the non-date sorts. */
  offset: number;
  hasMore: boolean;
}

export interface ListQuery {
  sort: ListSort;
  filter: ListFilter;
  /** date sort: UIDs strictly below (older page). */
  before?: number;
  /** date sort: UIDs strictly above (newer page). */
  after?: number;
  offset?: number;
  limit?: number;
}

interface Row { uid: number; flags: string; size: number; internal_date: number; subject: string | null; from_text: string | null; has_att: number | null }

export async function listMessages(db: Kysely<any>, mailboxId: string, q: ListQuery): Promise<ListPage> {
  const limit = q.limit ?? PAGE_SIZE;
  let query = db.selectFrom('mail_messages')
    .select(['uid', 'flags', 'size', 'internal_date'])
    .select(sql<string>`json_extract(idx, '$.subject')`.as('subject'))
    .select(sql<string>`json_extract(idx, '$.from')`.as('from_text'))
    .select(sql<number>`json_extract(idx, '$.hasAttachments')`.as('has_att'))
    .where('mailbox_id', '=', mailboxId);
  if (q.filter === 'read') query = query.where('seen', '=', 1);
  if (q.filter === 'unread') query = query.where('seen', '=', 0);
  if (q.filter === 'starred') query = query.where('flags', 'like', '%"\\\\Flagged"%');
  if (q.filter === 'unstarred') query = query.where('flags', 'not like', '%"\\\\Flagged"%');

  if (q.sort === 'date') {
    const newer = q.after !== undefined && q.before === undefined;
    if (q.before !== undefined) query = query.where('uid', '<', q.before);
    if (newer) query = query.where('uid', '>', q.after!);
    const rows = (await query.orderBy('uid', newer ? 'asc' : 'desc').limit(limit + 1).execute()) as Row[];
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (newer) page.reverse();
    const list = page.map(toRow);
    const first = list[0]?.uid;
    const last = list.at(-1)?.uid;
    return {
      rows: list,
      olderThan: (newer || more) && last !== undefined ? last : undefined,
      newerThan: (newer ? more : q.before !== undefined) && first !== undefined ? first : undefined,
      offset: 0,
      hasMore: more,
    };
  }
  const offset = Math.max(0, q.offset ?? 0);
  const ordered = q.sort === 'size'
    ? query.orderBy('size', 'desc').orderBy('uid', 'desc')
    : query.orderBy(sql.raw(SORT_EXPRESSIONS[q.sort === 'from' ? 'from' : 'subject'])).orderBy('uid', 'desc');
  const rows = (await ordered.limit(limit + 1).offset(offset).execute()) as Row[];
  return { rows: rows.slice(0, limit).map(toRow), olderThan: undefined, newerThan: undefined, offset, hasMore: rows.length > limit };
}

function toRow(r: Row): ListRow {
  return {
    uid: Number(r.uid), flags: JSON.parse(r.flags) as string[], size: Number(r.size), internalDate: Number(r.internal_date),
    subject: r.subject ?? '', from: r.from_text ?? '', hasAttachments: Boolean(r.has_att),
  };
}

/**
 * Conversation mode: one row per thread of the folder — its newest message — newest
 * first, paged by that message's UID like the plain list, from mail_thread_heads (kept
 * by the mail.threads projection, which runs a moment behind delivery).
 */
export async function listConversations(db: Kysely<any>, mailboxId: string, q: { before?: number; limit?: number }): Promise<ListPage> {
  const limit = q.limit ?? PAGE_SIZE;
  const before = q.before ?? Number.MAX_SAFE_INTEGER;
  const rows = await sql<Row>`
    select m.uid, m.flags, m.size, m.internal_date, json_extract(m.idx, '$.subject') as subject,
      json_extract(m.idx, '$.from') as from_text, json_extract(m.idx, '$.hasAttachments') as has_att
    from mail_thread_heads h join mail_messages m on m.mailbox_id = h.mailbox_id and m.uid = h.head_uid
    where h.mailbox_id = ${mailboxId} and h.head_uid < ${before}
    order by h.head_uid desc
    limit ${limit + 1}`.execute(db);
  const more = rows.rows.length > limit;
  const list = rows.rows.slice(0, limit).map(toRow);
  return { rows: list, olderThan: more ? list.at(-1)?.uid : undefined, newerThan: undefined, offset: 0, hasMore: more };
}
