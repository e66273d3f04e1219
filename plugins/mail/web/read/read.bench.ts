// Webmail reading side on a 100,000-message INBOX: the list page's server time (p95,
// several UID windows and the Unread filter) and opening a message (p50/p95), both
// through app.request as a signed-in browser would. Targets: list < 30 ms p95,
// open < 50 ms p95. Run: `npx tsx plugins/mail/web/read/read.bench.ts`.
import { TestClient } from '../../../../core/http/test-client.ts';
import { createMailTestAppliance } from '../../testing/mail-kit.ts';

const TOTAL = 100_000;
const SEED = 10_000;

function message(i: number): Buffer {
  return Buffer.from([
    `From: Sender ${i % 97} <sender${i % 97}@example.org>`, 'To: owner@example.test', `Subject: Benchmark message number ${i}`,
    `Date: ${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString()}`, `Message-ID: <bench-${i}@example.org>`, 'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8', '', `<p>Hello <b>there</b>, this is message ${i}.</p><img src="https://example.org/p.gif"><a href="https://example.org">link</a>`, '',
  ].join('\r\n'));
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };

export async function benchWebmail(): Promise<Record<string, number>> {
  const k = await createMailTestAppliance();
  try {
    const u = await k.addUser('owner@example.test');
    await k.store.ensureAccount(u.userId, k.meta());
    const inbox = (await k.store.mailboxByName(u.userId, 'INBOX'))!;
    const seed = await k.store.createMailbox(u.userId, 'Seed', {}, k.meta());
    const fillStart = performance.now();
    // 1,000 appended, doubled by COPY to 10,000 in Seed; then 10 COPYs of 10,000 into the INBOX.
    for (let i = 0; i < 1_000; i++) await k.store.appendMessage(seed.id, { raw: message(i), flags: i % 3 === 0 ? ['\\Seen'] : [] }, k.meta());
    let count = 1_000;
    while (count < SEED) {
      const uids = (await k.store.messages(seed.id)).slice(0, Math.min(count, SEED - count)).map((m) => m.uid);
      await k.store.copy(seed.id, uids, seed.id, k.meta());
      count += uids.length;
    }
    const seedUids = (await k.store.messages(seed.id)).map((m) => m.uid);
    for (let n = 0; n < TOTAL / SEED; n++) await k.store.copy(seed.id, seedUids, inbox.id, k.meta());
    const fillSeconds = (performance.now() - fillStart) / 1000;

    const web = new TestClient(k.appliance.app, 'http://example.test');
    await web.login(u.email, u.password);
    const time = async (path: string) => {
      const t = performance.now();
      const res = await web.get(path);
      await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return performance.now() - t;
    };
    const top = (await k.store.mailbox(inbox.id))!.uidNext;
    for (let i = 0; i < 20; i++) await time(`/mail/m/${inbox.id}`); // warm up

    const list: number[] = [];
    for (let i = 0; i < 200; i++) {
      const before = i % 4 === 0 ? '' : `?before=${Math.floor(top - Math.random() * (top - 100))}`;
      list.push(await time(`/mail/m/${inbox.id}${before}`));
    }
    const unread: number[] = [];
    for (let i = 0; i < 100; i++) unread.push(await time(`/mail/m/${inbox.id}?filter=unread&before=${Math.floor(top - Math.random() * (top - 100))}`));
    // The non-date orders scan and sort the mailbox (offset paging): reported, no target.
    const bySubject: number[] = [];
    for (let i = 0; i < 10; i++) bySubject.push(await time(`/mail/m/${inbox.id}?sort=subject&offset=${i * 50}`));
    const bySize: number[] = [];
    for (let i = 0; i < 10; i++) bySize.push(await time(`/mail/m/${inbox.id}?sort=size&offset=${i * 50}`));
    // Conversation mode groups the folder by thread (mail.threads, async: let it catch up first).
    await k.appliance.projections.settle();
    const threads: number[] = [];
    for (let i = 0; i < 20; i++) threads.push(await time(`/mail/m/${inbox.id}?threads=1${i % 2 ? `&before=${Math.floor(top - Math.random() * (top - 100))}` : ''}`));
    const open: number[] = [];
    for (let i = 0; i < 200; i++) {
      const uid = Math.floor(top - 1 - Math.random() * (top - 10));
      const [m] = await k.store.messages(inbox.id, { fromUid: uid, toUid: uid + 50 });
      open.push(await time(`/mail/m/${inbox.id}/${m!.uid}`));
    }
    return {
      messages: (await k.store.mailbox(inbox.id))!.messages,
      fill_seconds: fillSeconds,
      list_page_p50_ms: pct(list, 50),
      list_page_p95_ms: pct(list, 95),
      list_unread_filter_p95_ms: pct(unread, 95),
      list_sort_subject_p50_ms: pct(bySubject, 50),
      list_sort_size_p50_ms: pct(bySize, 50),
      list_conversations_p50_ms: pct(threads, 50),
      open_message_p50_ms: pct(open, 50),
      open_message_p95_ms: pct(open, 95),
    };
  } finally {
    await k.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [key, v] of Object.entries(await benchWebmail())) console.log(`webmail.${key.padEnd(32)} ${Math.round(v * 100) / 100}`);
  process.exit(0); // the appliance's background work (search projection, timers) need not finish
}
