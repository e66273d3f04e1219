import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runMigrations } from '../../../core/db/migrations.ts';
import { eventLogKit, meta } from '../../../core/testing/event-log-kit.ts';
import { indexMessage } from '../mime/index-message.ts';
import { createSearchProjection } from './search-projection.ts';
import { searchMigrations } from './search-migrations.ts';
import { createSearchService, type SearchService } from './search-service.ts';

const FIXTURES = new URL('../../../test/fixtures/mail/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const permissive = z.record(z.string(), z.unknown());

const ACCOUNT = 'user-1';
const INBOX = 'mbx-inbox';
const ARCHIVE = 'mbx-archive';

describe('mail search index', () => {
  let k: Awaited<ReturnType<typeof eventLogKit>>;
  let search: SearchService;
  const blobs = new Map<string, Buffer>();
  const reads: string[] = [];

  async function append(mailboxId: string, raw: Buffer, opts: { keepBlob?: boolean } = {}): Promise<number> {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    if (opts.keepBlob !== false) blobs.set(sha256, raw);
    const r = await k.log.append(`mail-mailbox:${mailboxId}`, 'any', [{
      type: 'mail.MessageAppended',
      data: { accountId: ACCOUNT, mailboxId, messageId: `m-${sha256.slice(0, 8)}`, sha256, size: raw.length, internalDate: 0, flags: [], index: indexMessage(raw) },
    }], { metadata: meta() });
    return r.events[0]!.streamPosition; // the UID
  }

  beforeEach(async () => {
    blobs.clear();
    reads.length = 0;
    k = await eventLogKit({ types: { 'mail.MessageAppended': permissive, 'mail.MessagesExpunged': permissive, 'mail.MailboxDeleted': permissive } });
    await runMigrations(k.db.kysely, 'mail', searchMigrations);
    k.projections.add('mail', createSearchProjection({
      async readBlob(sha) { reads.push(sha); return blobs.get(sha); },
    }));
    await k.projections.prepare();
    search = createSearchService(k.db.kysely);
  });
  afterEach(async () => { await k.close(); });

  it('uses the trigram tokenizer in this SQLite build', async () => {
    const r = k.db.raw.prepare("select sql from sqlite_master where name = 'mail_search'").get() as { sql: string };
    expect(r.sql).toMatch(/trigram/);
  });

  it('finds substrings, case-insensitively, in body, subject, addresses and attachment names', async () => {
    const plain = await append(INBOX, fixture('plain.eml'));
    const invoice = await append(INBOX, fixture('mixed-attachment.eml'));
    const html = await append(INBOX, Buffer.from('From: news@example.org\r\nSubject: Newsletter\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Meeting about the <b>Zeppelin</b> project</p><script>var hidden = 1;</script></body></html>\r\n'));
    const munich = await append(INBOX, fixture('encoded-subject.eml'));
    const rfc2231 = await append(INBOX, fixture('rfc2231.eml'));
    await k.projections.settle();

    expect(await search.matchUids(INBOX, 'body', 'QUARTERLY num')).toEqual(new Set([plain]));
    expect(await search.matchUids(INBOX, 'body', 'arterl')).toEqual(new Set([plain])); // inside a word
    expect(await search.matchUids(INBOX, 'text', 'quarterly')).toEqual(new Set([plain])); // body and subject
    expect(await search.matchUids(INBOX, 'subject', 'report dr')).toEqual(new Set([plain]));
    expect(await search.matchUids(INBOX, 'subject', 'invoice')).toEqual(new Set([invoice]));
    expect(await search.matchUids(INBOX, 'body', 'invoice attached')).toEqual(new Set([invoice]));
    expect(await search.matchUids(INBOX, 'body', 'zeppelin PROJECT')).toEqual(new Set([html])); // HTML converted to text
    expect(await search.matchUids(INBOX, 'body', 'hidden')).toEqual(new Set());
    expect(await search.matchUids(INBOX, 'from', 'alice@exa')).toEqual(new Set([plain]));
    expect(await search.matchUids(INBOX, 'from', 'jürgen MÜLLER')).toEqual(new Set([munich]));
    expect(await search.matchUids(INBOX, 'to', 'carol')).toEqual(new Set([plain]));
    expect(await search.matchUids(INBOX, 'to', 'secret@')).toEqual(new Set([munich])); // Bcc counts as "to"
    expect(await search.matchUids(INBOX, 'subject', 'MÜNCHEN')).toEqual(new Set([munich]));
    expect(await search.matchUids(INBOX, 'body', 'servus aus münchen')).toEqual(new Set([munich])); // 8bit UTF-8 body
    expect(await search.matchUids(INBOX, 'text', 'invoice-2025-07.pdf')).toEqual(new Set([invoice])); // attachment name
    expect(await search.matchUids(INBOX, 'text', 'für münchen')).toEqual(new Set([rfc2231])); // RFC 2231 name
    expect(await search.matchUids(INBOX, 'subject', 'nothing like this')).toEqual(new Set());
    expect(await search.matchUids('other-mailbox', 'body', 'quarterly')).toEqual(new Set());

    expect(await search.search(ACCOUNT, { attachment: 'INVOICE' })).toEqual([{ mailboxId: INBOX, uid: invoice, rank: expect.any(Number) }]);
    expect((await search.search(ACCOUNT, { text: 'attached invoice' })).map((h) => h.uid)).toEqual([invoice]); // words, in any order
    expect((await search.search(ACCOUNT, { from: 'alice', body: 'numbers' })).map((h) => h.uid)).toEqual([plain]);
    expect(await search.search(ACCOUNT, { from: 'alice', body: 'zeppelin' })).toEqual([]);
    expect(await search.search('someone-else', { text: 'quarterly' })).toEqual([]);
    expect(await search.search(ACCOUNT, { text: 'quarterly', mailboxIds: [ARCHIVE] })).toEqual([]);
    expect(await search.search(ACCOUNT, { text: 'quarterly', mailboxIds: [] })).toEqual([]);
  });

  it('terms under three characters and the empty term', async () => {
    const plain = await append(INBOX, fixture('plain.eml'));
    const munich = await append(INBOX, fixture('encoded-subject.eml'));
    const lunch = await append(INBOX, fixture('alternative.eml'));
    await k.projections.settle();
    expect(await search.matchUids(INBOX, 'subject', 'RE')).toEqual(new Set([plain])); // "Quarterly report draft"
    expect(await search.matchUids(INBOX, 'subject', 'ü')).toEqual(new Set([munich]));
    expect(await search.matchUids(INBOX, 'subject', 'Ü')).toEqual(new Set([munich]));
    expect(await search.matchUids(INBOX, 'text', '?')).toEqual(new Set([lunch])); // "Lunch?" — LIKE wildcards are literal
    expect(await search.matchUids(INBOX, 'text', '%')).toEqual(new Set());
    expect(await search.matchUids(INBOX, 'body', '')).toEqual(new Set([plain, munich, lunch]));
    expect((await search.search(ACCOUNT, { subject: 'lu' })).map((h) => h.uid)).toEqual([lunch]);
  });

  it('FTS5 syntax in user input is searched for literally', async () => {
    await append(INBOX, fixture('plain.eml'));
    const odd = await append(INBOX, Buffer.from('Subject: say "hi" OR NEAR(x) body:* -not\r\n\r\ntext\r\n'));
    await k.projections.settle();
    for (const term of ['" OR body:*', 'NEAR(', 'body:*', '*', '"', '""', '-not AND', '^sub', '{subject}: x']) {
      await expect(search.matchUids(INBOX, 'text', term)).resolves.toBeInstanceOf(Set);
      await expect(search.search(ACCOUNT, { text: term, subject: term })).resolves.toBeInstanceOf(Array);
    }
    expect(await search.matchUids(INBOX, 'subject', 'say "hi" OR')).toEqual(new Set([odd]));
    expect(await search.matchUids(INBOX, 'subject', 'NEAR(x) body:*')).toEqual(new Set([odd]));
    expect(await search.matchUids(INBOX, 'text', 'quarterly OR newsletter')).toEqual(new Set());
  });

  it('expunged messages and deleted mailboxes disappear', async () => {
    const plain = await append(INBOX, fixture('plain.eml'));
    const lunch = await append(INBOX, fixture('alternative.eml'));
    await append(ARCHIVE, fixture('nested-rfc822.eml'));
    await k.projections.settle();
    expect(await search.matchUids(ARCHIVE, 'body', 'harbour')).toHaveProperty('size', 1);

    await k.log.append(`mail-mailbox:${INBOX}`, 'any', [{ type: 'mail.MessagesExpunged', data: { accountId: ACCOUNT, mailboxId: INBOX, uids: [plain] } }], { metadata: meta() });
    await k.log.append(`mail-account:${ACCOUNT}`, 'any', [{ type: 'mail.MailboxDeleted', data: { mailboxId: ARCHIVE } }], { metadata: meta() });
    await k.projections.settle();

    expect(await search.matchUids(INBOX, 'body', 'quarterly')).toEqual(new Set());
    expect(await search.matchUids(INBOX, 'body', '')).toEqual(new Set([lunch]));
    expect(await search.matchUids(ARCHIVE, 'body', 'harbour')).toEqual(new Set());
    expect(await search.search(ACCOUNT, { text: 'harbour' })).toEqual([]);
    const docs = k.db.raw.prepare('select count(*) as n from mail_search_docs').get() as { n: number };
    const rows = k.db.raw.prepare('select count(*) as n from mail_search').get() as { n: number };
    expect([docs.n, rows.n]).toEqual([1, 1]);
  });

  it('a missing blob indexes the headers only', async () => {
    const uid = await append(INBOX, Buffer.from('From: ghost@example.com\r\nSubject: Lost body\r\n\r\nunreachable words\r\n'), { keepBlob: false });
    await k.projections.settle();
    expect(await search.matchUids(INBOX, 'subject', 'lost bo')).toEqual(new Set([uid]));
    expect(await search.matchUids(INBOX, 'from', 'ghost')).toEqual(new Set([uid]));
    expect(await search.matchUids(INBOX, 'body', 'unreachable')).toEqual(new Set());
  });

  it('a rebuild gives the same answers and never parses what a later event removed', async () => {
    const plain = await append(INBOX, fixture('plain.eml'));
    const lunch = await append(INBOX, fixture('alternative.eml'));
    await append(ARCHIVE, fixture('nested-rfc822.eml'));
    await k.log.append(`mail-mailbox:${INBOX}`, 'any', [{ type: 'mail.MessagesExpunged', data: { accountId: ACCOUNT, mailboxId: INBOX, uids: [plain] } }], { metadata: meta() });
    await k.log.append(`mail-account:${ACCOUNT}`, 'any', [{ type: 'mail.MailboxDeleted', data: { mailboxId: ARCHIVE } }], { metadata: meta() });
    await k.projections.settle();
    const before = await search.matchUids(INBOX, 'text', 'pizza');

    reads.length = 0;
    await k.projections.rebuild(['mail.search']);
    expect(reads).toHaveLength(1); // only the message still present
    expect(await search.matchUids(INBOX, 'text', 'pizza')).toEqual(before);
    expect(before).toEqual(new Set([lunch]));
    expect(await search.matchUids(INBOX, 'body', 'quarterly')).toEqual(new Set());
  });
});
