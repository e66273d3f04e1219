// mail.search — the full-text index behind IMAP SEARCH TEXT/BODY/… and webmail search.
//
// An async projection, and the one exception to "a projection reads only the event
// and its own tables": it reads the message's blob to index the body text. That is
// safe because blobs are immutable and content-addressed (the sha256 in the event
// names exactly those bytes), and acceptable because this read model is allowed to
// lag and is not part of the byte-identical rebuild guarantee: a blob collected after
// the retention window gives a row with the headers only (subject, addresses,
// attachment names from the event's index), so a rebuild long after may index less
// body text than the first run did.
//
// Batches: every message appended in a batch is indexed in one multi-row insert,
// bodies extracted concurrently beforehand; a message already expunged (or whose
// mailbox is deleted) later in the same batch is never extracted — a replay of a long
// history skips most of the parsing. The rows are the same as one event at a time.
import { sql, type Kysely } from 'kysely';
import type { StoredEvent } from '../../../core/events/types.ts';
import { defineProjection, type Projection } from '../../../core/projections/types.ts';
import { formatAddresses } from '../mime/address-list.ts';
import type { EnvelopeAddress, MessageIndex, MimePart } from '../mime/types.ts';
import { extractInWorker } from './extract-pool.ts';

/** Blobs read and parsed at once: bounds memory (a message may be 25 MB, parsed several times over) while using idle I/O. */
export const EXTRACT_CONCURRENCY = 4;
/** Events per indexing transaction: each holds the write lock only for its inserts, a few ms. */
export const SEARCH_PAGE_SIZE = 200;
/** Rows per multi-row statement: 9 bound values each, well under SQLite's 32,766 variables. */
const ROWS_PER_INSERT = 200;
/** Ids per IN (...) list. */
const IN_CHUNK = 500;

interface AppendedData { accountId: string; mailboxId: string; sha256: string; index: Partial<MessageIndex> }
interface ExpungedData { mailboxId: string; uids: number[] }
interface MailboxDeletedData { mailboxId: string }

interface Row {
  docId: number; accountId: string; mailboxId: string; uid: number;
  subject: string; from: string; to: string; body: string; attachments: string;
}

/** Index pages one idle merge slice writes: a few milliseconds, so a delivery arriving meanwhile hardly waits. */
export const IDLE_MERGE_PAGES = 64;

async function totalChanges(db: Kysely<any>): Promise<number> {
  return (await sql<{ n: number }>`select total_changes() as n`.execute(db)).rows[0]!.n;
}

export interface SearchProjectionDeps {
  /** The message bytes, or undefined once the blob has been collected. */
  readBlob(sha256: string): Promise<Buffer | undefined>;
}

export function createSearchProjection(deps: SearchProjectionDeps): Projection {
  return defineProjection({
    name: 'mail.search',
    version: 1,
    mode: 'async',
    handles: ['mail.MessageAppended', 'mail.MessagesExpunged', 'mail.MailboxDeleted'],
    pageSize: SEARCH_PAGE_SIZE,
    // Blob reads and text extraction happen here, outside the write transaction, so
    // deliveries never wait for the indexer.
    async prepareBatch(events) {
      const gone = removedLater(events);
      const appends = events.filter((e) => e.type === 'mail.MessageAppended' && !gone(e));
      return mapConcurrently(appends, EXTRACT_CONCURRENCY, (e) => toRow(e, deps));
    },
    async handleBatch(events, db, prepared) {
      const rows = (prepared as Row[] | undefined) ?? (await this.prepareBatch!(events) as Row[]);
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insertRows(db, rows.slice(i, i + ROWS_PER_INSERT));
      // Removals cannot touch this batch's rows (those were skipped above), so doing them after the inserts gives the same result as in order.
      for (const e of events) {
        if (e.type === 'mail.MessagesExpunged') {
          const d = e.data as ExpungedData;
          for (let i = 0; i < d.uids.length; i += IN_CHUNK) await removeUids(db, d.mailboxId, d.uids.slice(i, i + IN_CHUNK));
        } else if (e.type === 'mail.MailboxDeleted') {
          await removeMailbox(db, (e.data as MailboxDeletedData).mailboxId);
        }
      }
    },
    // After a burst: merge the segments automerge left (search-migrations.ts), a slice at
    // a time. FTS5 says a merge did nothing when total_changes() moved by less than 2.
    async idle(db) {
      const before = await totalChanges(db);
      await sql.raw(`insert into mail_search (mail_search, rank) values ('merge', ${IDLE_MERGE_PAGES})`).execute(db);
      return (await totalChanges(db)) - before >= 2;
    },
    async truncate(db) {
      await sql`delete from mail_search`.execute(db);
      await sql`delete from mail_search_docs`.execute(db);
    },
  });
}

/** A predicate: was this append's message expunged, or its mailbox deleted, by a later event of the batch? */
function removedLater(events: readonly StoredEvent[]): (e: StoredEvent) => boolean {
  const expunged = new Set<string>();
  const deletedAt = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'mail.MessagesExpunged') {
      const d = e.data as ExpungedData;
      for (const uid of d.uids) expunged.add(`${d.mailboxId}\n${uid}`);
    } else if (e.type === 'mail.MailboxDeleted') {
      deletedAt.set((e.data as MailboxDeletedData).mailboxId, e.position);
    }
  }
  return (e) => {
    const d = e.data as AppendedData;
    // UIDs are never reused, so an expunge of this UID can only come after the append.
    return expunged.has(`${d.mailboxId}\n${e.streamPosition}`) || (deletedAt.get(d.mailboxId) ?? -1) > e.position;
  };
}

async function toRow(e: StoredEvent, deps: SearchProjectionDeps): Promise<Row> {
  const d = e.data as AppendedData;
  const ix = d.index ?? {};
  const raw = await deps.readBlob(d.sha256); // an I/O error throws: the page is retried, not indexed without its body
  const body = raw ? await extractInWorker(raw, isPart(ix.structure) ? ix.structure : undefined) : '';
  const bcc = formatAddresses((ix.envelope?.bcc ?? null) as EnvelopeAddress[] | null);
  return {
    docId: e.position,
    accountId: d.accountId,
    mailboxId: d.mailboxId,
    uid: e.streamPosition,
    subject: str(ix.subject),
    from: str(ix.from),
    to: [...strs(ix.to), ...strs(ix.cc), ...bcc].join('\n'),
    body,
    attachments: strs(ix.attachmentNames).join('\n'),
  };
}

async function insertRows(db: Kysely<any>, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  // OR REPLACE: a page replayed after a crash between commit and checkpoint cannot
  // happen (they commit together), but a duplicate must never wedge the projection.
  await sql`insert or replace into mail_search (rowid, subject, from_text, to_text, body, attachments, account_id, mailbox_id, uid) values ${sql.join(
    rows.map((r) => sql`(${r.docId}, ${r.subject}, ${r.from}, ${r.to}, ${r.body}, ${r.attachments}, ${r.accountId}, ${r.mailboxId}, ${r.uid})`),
  )}`.execute(db);
  await sql`insert or replace into mail_search_docs (doc_id, account_id, mailbox_id, uid) values ${sql.join(
    rows.map((r) => sql`(${r.docId}, ${r.accountId}, ${r.mailboxId}, ${r.uid})`),
  )}`.execute(db);
}

async function removeUids(db: Kysely<any>, mailboxId: string, uids: readonly number[]): Promise<void> {
  const found = await sql<{ doc_id: number }>`select doc_id from mail_search_docs where mailbox_id = ${mailboxId} and uid in (${sql.join(uids)})`.execute(db);
  await removeDocs(db, found.rows.map((r) => r.doc_id));
}

async function removeMailbox(db: Kysely<any>, mailboxId: string): Promise<void> {
  const found = await sql<{ doc_id: number }>`select doc_id from mail_search_docs where mailbox_id = ${mailboxId}`.execute(db);
  const ids = found.rows.map((r) => r.doc_id);
  for (let i = 0; i < ids.length; i += IN_CHUNK) await removeDocs(db, ids.slice(i, i + IN_CHUNK));
}

async function removeDocs(db: Kysely<any>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`delete from mail_search where rowid in (${sql.join(ids)})`.execute(db);
  await sql`delete from mail_search_docs where doc_id in (${sql.join(ids)})`.execute(db);
}

/** Results in input order, at most `limit` promises pending at once. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The index comes from the event (validated loosely): use its structure only when it looks like one. */
const isPart = (v: unknown): v is MimePart => typeof v === 'object' && v !== null && typeof (v as MimePart).bodyStart === 'number' && typeof (v as MimePart).contentType === 'string';
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
