// Queries over the mail search index (tables from search-migrations.ts).
//
// Semantics: a term matches when it is a case-insensitive substring of the field
// (IMAP SEARCH, RFC 9051 §6.4.4). With the trigram tokenizer, a term of 3+ characters
// is one FTS5 phrase — exact substring matching from the index. Shorter terms cannot
// be looked up by trigrams, so they are tested with LIKE over the rows of the mailbox
// (or account): slower, but rare ("SEARCH SUBJECT re"). User input only ever reaches
// FTS5 inside a double-quoted string with its quotes doubled, and LIKE with its
// wildcards escaped, so no query syntax can be injected.
//
// "text" covers every indexed field: subject, from, to/cc/bcc, body text and
// attachment names (not the other header fields — an approximation of IMAP's "header
// or body"). Messages whose index has not caught up yet (async projection) are not
// found until it has.
import { sql, type Kysely, type RawBuilder } from 'kysely';

export type SearchField = 'text' | 'body' | 'subject' | 'from' | 'to';

export interface SearchQuery {
  /** Words that must all occur, anywhere. */
  text?: string;
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  attachment?: string;
  /** Only these mailboxes (the caller leaves out Trash and Junk for "all mailboxes"). */
  mailboxIds?: string[];
  limit?: number;
}

/** rank: higher is more relevant (negated FTS5 bm25, subject weighted most); 0 when only short terms were given. */
export interface SearchHit { mailboxId: string; uid: number; rank: number }

export interface SearchService {
  matchUids(mailboxId: string, field: SearchField, term: string): Promise<Set<number>>;
  search(accountId: string, q: SearchQuery): Promise<SearchHit[]>;
}

/** Hits returned when the caller names no limit, and the most it may ask for (a results page, not an export). */
export const DEFAULT_SEARCH_LIMIT = 50;
export const MAX_SEARCH_LIMIT = 1000;

const COLUMNS = ['subject', 'from_text', 'to_text', 'body', 'attachments'] as const;
type Column = (typeof COLUMNS)[number];
const FIELD_COLUMN: Record<SearchField | 'attachment', Column | null> = {
  text: null, body: 'body', subject: 'subject', from: 'from_text', to: 'to_text', attachment: 'attachments',
};
/** bm25 weights in column order (subject, from, to, body, attachments, then the three unindexed ids). */
const BM25 = sql.raw('bm25(mail_search, 4.0, 3.0, 2.0, 1.0, 2.0, 0.0, 0.0, 0.0)');

export function createSearchService(db: Kysely<any>): SearchService {
  let tokenizer: Promise<'trigram' | 'unicode61'> | undefined;
  const mode = () => (tokenizer ??= detectTokenizer(db));

  return {
    async matchUids(mailboxId, field, term) {
      const t = clean(term);
      if (t === '') { // "" is a substring of everything
        const all = await sql<{ uid: number }>`select uid from mail_search_docs where mailbox_id = ${mailboxId}`.execute(db);
        return new Set(all.rows.map((r) => r.uid));
      }
      const column = FIELD_COLUMN[field];
      const fts = ftsTerm(await mode(), column, t);
      const rows = fts !== null
        ? await sql<{ uid: number }>`select d.uid from mail_search s cross join mail_search_docs d on d.doc_id = s.rowid
            where mail_search match ${fts} and d.mailbox_id = ${mailboxId}`.execute(db)
        : await sql<{ uid: number }>`select d.uid from mail_search_docs d cross join mail_search s on s.rowid = d.doc_id
            where d.mailbox_id = ${mailboxId} and ${likeAny(column, t)}`.execute(db);
      return new Set(rows.rows.map((r) => r.uid));
    },

    async search(accountId, q) {
      if (q.mailboxIds && q.mailboxIds.length === 0) return [];
      const limit = Math.min(Math.max(1, Math.floor(q.limit ?? DEFAULT_SEARCH_LIMIT)), MAX_SEARCH_LIMIT);
      const terms: [Column | null, string][] = [];
      for (const word of clean(q.text ?? '').split(/\s+/)) if (word !== '') terms.push([null, word]);
      for (const key of ['from', 'to', 'subject', 'body', 'attachment'] as const) {
        const v = clean(q[key] ?? '');
        if (v !== '') terms.push([FIELD_COLUMN[key], v]);
      }
      if (terms.length === 0) return [];
      const tok = await mode();
      const fts: string[] = [];
      const likes: RawBuilder<unknown>[] = [];
      for (const [column, t] of terms) {
        const f = ftsTerm(tok, column, t);
        if (f !== null) fts.push(f); else likes.push(likeAny(column, t));
      }
      const filters = [
        sql`d.account_id = ${accountId}`,
        ...(q.mailboxIds ? [sql`d.mailbox_id in (${sql.join(q.mailboxIds)})`] : []),
        ...likes,
      ];
      const where = sql.join(filters, sql` and `);
      const rows = fts.length > 0
        ? await sql<{ mailbox_id: string; uid: number; score: number }>`select d.mailbox_id, d.uid, ${BM25} as score
            from mail_search s cross join mail_search_docs d on d.doc_id = s.rowid
            where mail_search match ${fts.join(' AND ')} and ${where}
            order by score limit ${limit}`.execute(db)
        : await sql<{ mailbox_id: string; uid: number; score: number }>`select d.mailbox_id, d.uid, 0 as score
            from mail_search_docs d cross join mail_search s on s.rowid = d.doc_id
            where ${where} order by d.doc_id desc limit ${limit}`.execute(db);
      return rows.rows.map((r) => ({ mailboxId: r.mailbox_id, uid: r.uid, rank: r.score === 0 ? 0 : -r.score }));
    },
  };
}

/** NUL cannot be searched for (and ends strings in parts of SQLite); outer blanks are kept, they are part of a substring. */
function clean(term: string): string {
  return term.replace(/\0/g, '');
}

/**
 * The FTS5 query for a substring of one column (or all), or null when the index
 * cannot answer it: under 3 characters with trigram, no word characters with unicode61.
 */
function ftsTerm(tokenizer: 'trigram' | 'unicode61', column: Column | null, term: string): string | null {
  const prefix = column === null ? '' : `${column} : `;
  if (tokenizer === 'trigram') return [...term].length >= 3 ? `${prefix}${quote(term)}` : null;
  const words = term.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  if (words.length === 0) return null;
  return `${prefix}(${words.map((w) => `${quote(w)} *`).join(' AND ')})`;
}

/** An FTS5 string: everything inside is literal once quotes are doubled. */
function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/**
 * Case-insensitive substring with LIKE. SQLite's LIKE folds ASCII only, so each
 * non-ASCII letter's case variants are spelled out (short terms: a handful of patterns).
 */
function likeAny(column: Column | null, term: string): RawBuilder<unknown> {
  const columns = column === null ? COLUMNS : [column];
  const patterns = caseVariants(term).map((v) => `%${v.replace(/[\\%_]/g, '\\$&')}%`);
  const tests = columns.flatMap((c) => patterns.map((p) => sql`${sql.ref(`s.${c}`)} like ${p} escape '\\'`));
  return sql`(${sql.join(tests, sql` or `)})`;
}

/** Spellings of a short term with each non-ASCII letter in lower and upper case (at most 16). */
function caseVariants(term: string): string[] {
  let out = [''];
  for (const ch of term) {
    const forms = ch.charCodeAt(0) < 0x80 ? [ch] : [...new Set([ch, ch.toLowerCase(), ch.toUpperCase()])];
    out = out.flatMap((prefix) => forms.map((f) => prefix + f));
    if (out.length > 16) return [term];
  }
  return out;
}

async function detectTokenizer(db: Kysely<any>): Promise<'trigram' | 'unicode61'> {
  const r = await sql<{ sql: string }>`select sql from sqlite_master where name = 'mail_search'`.execute(db);
  return /trigram/i.test(r.rows[0]?.sql ?? '') ? 'trigram' : 'unicode61';
}
