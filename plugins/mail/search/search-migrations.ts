// The mail search index: an FTS5 table and the map from (mailbox, UID) to its rows.
//
// Tokenizer: IMAP SEARCH's string keys match substrings, case-insensitively
// (RFC 9051 §6.4.4) — "port" must find "report". FTS5's trigram tokenizer (SQLite ≥
// 3.34) indexes every 3-character window, so a phrase query of a term of 3+ characters
// is exactly a case-insensitive substring test, served from the index (shorter terms
// are checked with LIKE over the mailbox's rows, see search-service.ts). It folds case
// (Unicode) but keeps diacritics: "cafe" does not find "café", as the RFC's "otherwise
// exact" asks. detail=full keeps positions, which phrase matching of trigrams needs.
// A build without trigram gets unicode61 and word-prefix queries (a weaker match:
// "port" finds "portal", not "report"); the service reads which one the table has.
//
// Rows: mail_search's rowid is the global position of the message's
// mail.MessageAppended event — unique, stable across rebuilds, known without a lookup.
// mail_search_docs maps (mailbox_id, uid) and account_id to that rowid: queries filter
// by mailbox there (an indexed B-tree) instead of reading FTS content rows, and
// expunges find what to delete. The UNINDEXED columns repeat those ids so a row of
// mail_search is readable on its own.
import { sql, type Kysely } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const createMailSearch: Migration = {
  name: '0100_mail_search',
  async up(db) {
    const tokenize = (await hasTrigram(db)) ? 'trigram' : 'unicode61 remove_diacritics 0';
    await sql.raw(`create virtual table mail_search using fts5(
      subject, from_text, to_text, body, attachments,
      account_id unindexed, mailbox_id unindexed, uid unindexed,
      tokenize = '${tokenize}', detail = full
    )`).execute(db);
    await sql`create table mail_search_docs (
      doc_id integer primary key,
      account_id text not null,
      mailbox_id text not null,
      uid integer not null
    )`.execute(db);
    await sql`create unique index mail_search_docs_mailbox on mail_search_docs (mailbox_id, uid)`.execute(db);
    await sql`create index mail_search_docs_account on mail_search_docs (account_id, doc_id)`.execute(db);
  },
};

/**
 * While documents are inserted, FTS5 merges index segments as soon as 4 of a level
 * exist (automerge=4). Mail bodies are long (a 50 KB message is ~50,000 trigrams) and
 * those merges were a third of the cost of indexing one during a burst: at 8, indexing
 * a 50 KB message of real text went from 2.3 to 1.6 ms. The merging is not skipped but
 * moved: the projection's idle step merges back to 4 per level once the burst is over
 * (search-projection.ts), which keeps SEARCH as fast as before. Stored in the table's
 * own configuration, so it holds for every connection.
 */
export const mailSearchAutomerge: Migration = {
  name: '0101_mail_search_automerge',
  async up(db) {
    // FTS5 takes configuration values as literals (a bound parameter is an error).
    await sql.raw(`insert into mail_search (mail_search, rank) values ('automerge', ${Number(MAIL_SEARCH_AUTOMERGE)})`).execute(db);
  },
};

/** Segments of one level that trigger a merge while indexing (FTS5's default is 4; idle merges use 4). */
export const MAIL_SEARCH_AUTOMERGE = 8;

export const searchMigrations: Migration[] = [createMailSearch, mailSearchAutomerge];

/** Whether this SQLite build has FTS5's trigram tokenizer: try it on a throwaway temp table. */
async function hasTrigram(db: Kysely<any>): Promise<boolean> {
  try {
    await sql`create virtual table temp.mail_search_probe using fts5(x, tokenize = 'trigram')`.execute(db);
    await sql`drop table temp.mail_search_probe`.execute(db);
    return true;
  } catch {
    return false;
  }
}
