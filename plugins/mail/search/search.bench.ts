// Search latency on a 100,000-message mailbox, for `npm run bench` (not a test).
// The index is filled by direct inserts (the projection's parsing is not what is
// measured), with bodies of ~1.2 KB of words drawn from a Zipf-like distribution
// over a 20,000-word vocabulary, so there are rare, medium and common words.
import { openDatabase } from '../../../core/db/open-database.ts';
import { runMigrations } from '../../../core/db/migrations.ts';
import { tempDir } from '../../../core/testing/temp-dir.ts';
import { searchMigrations } from './search-migrations.ts';
import { createSearchService } from './search-service.ts';

const MESSAGES = 100_000;
const VOCABULARY = 20_000;
const BODY_WORDS = 180;
const RUNS = 30;

export async function benchSearch(): Promise<Record<string, number>> {
  const dir = tempDir('cairn-search-bench-');
  const db = openDatabase(`${dir.path}/cairn.db`);
  try {
    await runMigrations(db.kysely, 'mail', searchMigrations);
    const random = mulberry32(42);
    const words = Array.from({ length: VOCABULARY }, (_, i) => pseudoWord(i));
    // Zipf-like: word rank r drawn with probability ∝ 1/r (inverse CDF over harmonic sums).
    const cdf: number[] = [];
    let sum = 0;
    for (let r = 1; r <= VOCABULARY; r++) { sum += 1 / r; cdf.push(sum); }
    const draw = () => {
      const x = random() * sum;
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! < x) lo = mid + 1; else hi = mid; }
      return words[lo]!;
    };
    const sentence = (n: number) => Array.from({ length: n }, draw).join(' ');

    let t = performance.now();
    const insertFts = db.raw.prepare('insert into mail_search (rowid, subject, from_text, to_text, body, attachments, account_id, mailbox_id, uid) values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertDoc = db.raw.prepare('insert into mail_search_docs (doc_id, account_id, mailbox_id, uid) values (?, ?, ?, ?)');
    const fill = db.raw.transaction((from: number, to: number) => {
      for (let uid = from; uid < to; uid++) {
        const from = `${draw()} <${draw()}@example.com>`;
        insertFts.run(uid, sentence(6), from, `me@example.org\nteam@example.org`, sentence(BODY_WORDS), uid % 10 === 0 ? `${draw()}.pdf` : '', 'acct', 'inbox', uid);
        insertDoc.run(uid, 'acct', 'inbox', uid);
      }
    });
    for (let i = 1; i <= MESSAGES; i += 10_000) fill(i, Math.min(i + 10_000, MESSAGES + 1));
    const fillSeconds = (performance.now() - t) / 1000;

    const search = createSearchService(db.kysely);
    const size = db.raw.prepare('select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()').get() as { bytes: number };
    const out: Record<string, number> = { messages: MESSAGES, fill_seconds: fillSeconds, index_mb: size.bytes / 1024 / 1024 };
    // With 180 draws per body: rank 5 is in nearly every body, rank 200 in ~40 %, rank 15,000 in ~0.1 %.
    for (const [label, word] of [['common', words[4]!], ['medium', words[199]!], ['rare', words[14_999]!], ['substring', words[199]!.slice(1, 5)]] as const) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        hits = (await search.matchUids('inbox', 'text', word)).size;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      out[`text_${label}_hits`] = hits;
      out[`text_${label}_median_ms`] = times[Math.floor(times.length / 2)]!;
      out[`text_${label}_p95_ms`] = times[Math.ceil(times.length * 0.95) - 1]!;
    }
    t = performance.now();
    await search.matchUids('inbox', 'subject', 'ab');
    out.short_term_subject_scan_ms = performance.now() - t;
    return out;
  } finally {
    await db.close();
    dir.remove();
  }
}

function pseudoWord(i: number): string {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ber', 'dan', 'gol', 'hin', 'mar', 'pel', 'quo', 'zen'];
  let w = '';
  let n = i + 16;
  while (n > 0) { w += syllables[n % 16]; n = Math.floor(n / 16); }
  return w;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
