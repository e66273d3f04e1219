// Import figures for `npm run bench` (not a test): 2,000 messages (≈2 KiB each, in
// INBOX and two folders) copied from a local Cairn IMAP server into a second appliance
// by the import job, at the default rate bound (IMPORT_MAX_MESSAGES_PER_SECOND).
// Target: ≥ 200 messages/s.
import { silentLogger } from '../../../core/logger.ts';
import { startImapFixture } from '../imap/imap-test-fixture.ts';
import { createMailTestAppliance } from '../testing/mail-kit.ts';
import { createImportService, IMPORT_MAX_MESSAGES_PER_SECOND } from './import-jobs.ts';

const MESSAGES = 2_000;
const FOLDERS = ['INBOX', 'Projects', 'Lists/dev'];

export async function benchImport(): Promise<Record<string, number>> {
  const source = await startImapFixture();
  const target = await createMailTestAppliance();
  try {
    const bob = await source.kit.addUser('bob@source.test');
    const m = source.kit.meta(bob.userId);
    await source.kit.store.ensureAccount(bob.userId, m);
    const ids: string[] = [];
    for (const name of FOLDERS) ids.push(((await source.kit.store.mailboxByName(bob.userId, name)) ?? (await source.kit.store.createMailbox(bob.userId, name, {}, m))).id);
    const filler = 'lorem ipsum dolor sit amet '.repeat(70);
    for (let i = 0; i < MESSAGES; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, MESSAGES - i) }, (_, k) => {
        const n = i + k;
        const raw = Buffer.from(`From: a${n}@source.test\r\nTo: bob@source.test\r\nSubject: bench ${n}\r\nMessage-ID: <b${n}@source.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n${filler}\r\n`);
        return source.kit.store.appendMessage(ids[n % FOLDERS.length]!, { raw, flags: n % 3 ? ['\\Seen'] : [], internalDate: Date.UTC(2020, 0, 1) + n * 60_000 }, m);
      }));
    }
    const alice = await target.addUser('alice@example.test');
    const svc = createImportService({ store: target.store, db: target.appliance.db.kysely, logger: silentLogger(), allowPrivateHosts: true });
    const t0 = performance.now();
    const job = await svc.start(alice.userId, { host: '127.0.0.1', port: source.secure.port, tls: 'implicit', username: bob.email, password: bob.appPassword, allowUntrusted: true });
    await svc.settled(job.id);
    const seconds = (performance.now() - t0) / 1000;
    const end = (await svc.job(alice.userId, job.id))!;
    if (end.state !== 'done' || end.messagesDone !== MESSAGES) throw new Error(`import ended ${end.state} with ${end.messagesDone}/${MESSAGES}: ${end.error}`);
    return {
      messages: MESSAGES,
      seconds: Math.round(seconds * 100) / 100,
      messagesPerSecond: Math.round(MESSAGES / seconds),
      rateBound: IMPORT_MAX_MESSAGES_PER_SECOND,
    };
  } finally {
    await target.close();
    await source.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchImport());
