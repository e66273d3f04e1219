import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../core/logger.ts';
import { TestClient } from '../../../core/http/test-client.ts';
import { startImapFixture, type ImapFixture } from '../imap/imap-test-fixture.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../testing/mail-kit.ts';
import { assertPublicHost, createImportService, mapFolder } from './import-jobs.ts';
import { splitMbox } from './mbox.ts';

const D = (iso: string) => Date.parse(iso);
function msg(n: number | string, opts: { subject?: string; body?: string } = {}): Buffer {
  return Buffer.from(`From: someone@source.test\r\nTo: bob@source.test\r\nSubject: ${opts.subject ?? `message ${n}`}\r\nMessage-ID: <m${n}@source.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n${opts.body ?? `body ${n}`}\r\n`);
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('mail import', () => {
  let source: ImapFixture;
  let bob: MailKitUser;
  let kit: MailKit;
  let alice: MailKitUser;
  let browser: TestClient;
  const sourceCount: Record<string, number> = {};

  beforeAll(async () => {
    source = await startImapFixture();
    bob = await source.kit.addUser('bob@source.test');
    const s = source.kit.store;
    const m = source.kit.meta(bob.userId);
    await s.ensureAccount(bob.userId, m);
    const inbox = (await s.mailboxByName(bob.userId, 'INBOX'))!;
    await s.appendMessage(inbox.id, { raw: msg(1), flags: ['\\Seen'], internalDate: D('2020-01-02T03:04:05Z') }, m);
    await s.appendMessage(inbox.id, { raw: msg(2), flags: ['\\Flagged', '$Important'], internalDate: D('2021-05-06T07:08:09Z') }, m);
    await s.appendMessage(inbox.id, { raw: msg(2), flags: ['\\Flagged', '$Important'], internalDate: D('2021-05-06T07:08:09Z') }, m); // duplicate
    await s.appendMessage(inbox.id, { raw: msg(3), flags: [], internalDate: D('2022-01-01T00:00:00Z') }, m);
    const work = await s.createMailbox(bob.userId, 'Work/Projects', {}, m);
    await s.appendMessage(work.id, { raw: msg(4), flags: ['\\Answered', '\\Seen'], internalDate: D('2019-12-31T23:59:59Z') }, m);
    const sent = (await s.mailboxBySpecialUse(bob.userId, '\\Sent'))!;
    await s.appendMessage(sent.id, { raw: msg(5), flags: ['\\Seen'], internalDate: D('2023-03-03T03:03:03Z') }, m);
    const all = await s.createMailbox(bob.userId, '[Gmail]/All Mail', { specialUse: '\\All' }, m);
    for (const n of [1, 2, 3, 4, 5]) await s.appendMessage(all.id, { raw: msg(n) }, m);
    const custom = await s.createMailbox(bob.userId, '[Gmail]/Receipts', {}, m);
    await s.appendMessage(custom.id, { raw: msg(6) }, m);
    const bulk = await s.createMailbox(bob.userId, 'Bulk', {}, m);
    for (let i = 0; i < 60; i++) await s.appendMessage(bulk.id, { raw: msg(`bulk${i}`) }, m);
    sourceCount.Bulk = 60;

    // The source is a second instance on 127.0.0.1: the operator has to allow internal hosts for that.
    kit = await createMailTestAppliance({ config: { sections: { mail: { importAllowPrivateHosts: true } } } });
    alice = await kit.addUser('alice@example.test');
    browser = new TestClient(kit.appliance.app);
    await browser.login(alice.email, alice.password);
  }, 60_000);
  afterAll(async () => {
    await kit?.close();
    await source?.close();
  });

  const sourceForm = () => ({ host: '127.0.0.1', port: String(source.secure.port), tls: 'implicit', username: bob.email, password: bob.appPassword, allowUntrusted: '1' });
  async function local(name: string) {
    const mb = await kit.store.mailboxByName(alice.userId, name);
    if (!mb) return undefined;
    const list = await kit.store.messages(mb.id);
    return Promise.all(list.map(async (x) => ({ flags: x.flags, date: x.internalDate, raw: (await kit.store.readMessage(x.sha256)).toString() })));
  }

  it('refuses to reach into the server\'s own network unless the operator allows it', async () => {
    await expect(assertPublicHost('127.0.0.1')).rejects.toThrow(/inside this server's network/);
    await expect(assertPublicHost('localhost')).rejects.toThrow(/inside this server's network/);
    await expect(assertPublicHost('10.1.2.3')).rejects.toThrow(/inside this server's network/);
    const strict = await createMailTestAppliance();
    try {
      const u = await strict.addUser('strict@example.test');
      const svc = createImportService({ store: strict.store, db: strict.appliance.db.kysely, logger: silentLogger() });
      const job = await svc.start(u.userId, { host: '127.0.0.1', port: source.plain.port, tls: 'starttls', username: bob.email, password: bob.appPassword, allowUntrusted: true });
      await svc.settled(job.id);
      const state = await svc.job(u.userId, job.id);
      expect(state?.state).toBe('failed');
      expect(state?.error).toMatch(/inside this server's network/);
    } finally { await strict.close(); }
  });

  it('maps Gmail-style folders', () => {
    const special = { '\\Sent': 'Sent', '\\Trash': 'Trash' } as const;
    const box = (path: string, extra: { specialUse?: string; flags?: string[] } = {}) => ({ path, delimiter: '/', flags: new Set(extra.flags ?? []), specialUse: extra.specialUse ?? '' });
    expect(mapFolder(box('[Gmail]/All Mail', { specialUse: '\\All' }), special)).toBeNull();
    expect(mapFolder(box('[Gmail]/Starred'), special)).toBeNull();
    expect(mapFolder(box('[Gmail]'), special)).toBeNull();
    expect(mapFolder(box('[Gmail]', { flags: ['\\Noselect'] }), special)).toBeNull();
    expect(mapFolder(box('[Gmail]/Sent Mail', { specialUse: '\\Sent' }), special)).toBe('Sent');
    expect(mapFolder(box('[Gmail]/Bin', { specialUse: '\\Trash' }), special)).toBe('Trash');
    expect(mapFolder(box('[Gmail]/Receipts'), special)).toBe('Receipts');
    expect(mapFolder({ path: 'INBOX.Lists.a/b', delimiter: '.', flags: new Set(), specialUse: '' }, special)).toBe('INBOX/Lists/a-b');
    expect(mapFolder(box('inbox'), special)).toBe('INBOX');
  });

  it('imports every folder from another server over IMAP, with flags and dates, duplicates once, showing progress', async () => {
    expect(await browser.page('/mail/import')).toContain('From another mail server');
    const res = await browser.post('/mail/import/imap', sourceForm());
    expect(res.status).toBe(303);
    const id = /\/mail\/import\/([0-9a-f-]{36})$/.exec(res.headers.get('location')!)![1]!;
    const fragment = await (await browser.get(`/mail/import/${id}/progress`, { htmx: true })).text();
    expect(fragment).toContain(`id="import-${id}"`);
    const job = await waitFor(async () => (await browser.get(`/mail/import/${id}/progress`, { headers: { Accept: 'application/json' } })).json() as Promise<{ state: string; messagesDone: number; messagesTotal: number; foldersDone: number; foldersTotal: number; percent: number }>, (j) => j.state !== 'running');
    // INBOX, Drafts, Sent, Archive, Junk, Trash, Work, Work/Projects, Bulk, [Gmail]/Receipts; not [Gmail] nor All Mail.
    expect(job).toMatchObject({ state: 'done', foldersDone: 10, foldersTotal: 10, percent: 100 });
    expect(job.messagesTotal).toBe(4 + 1 + 1 + 1 + 60);
    expect(job.messagesDone).toBe(job.messagesTotal); // the duplicate is counted as handled, stored once
    const done = await (await browser.get(`/mail/import/${id}/progress`, { htmx: true })).text();
    expect(done).toContain('data-state="done"');
    expect(done).not.toContain('hx-get'); // polling stops

    const inbox = (await local('INBOX'))!;
    expect(inbox.map((m) => [/Subject: (.*)\r\n/.exec(m.raw)![1], m.flags, new Date(m.date).toISOString()])).toEqual([
      ['message 1', ['\\Seen'], '2020-01-02T03:04:05.000Z'],
      ['message 2', ['$Important', '\\Flagged'], '2021-05-06T07:08:09.000Z'],
      ['message 3', [], '2022-01-01T00:00:00.000Z'],
    ]);
    expect(inbox[0]!.raw).toBe(msg(1).toString()); // byte-exact
    expect((await local('Work/Projects'))!.map((m) => m.flags)).toEqual([['\\Answered', '\\Seen']]);
    expect((await local('Sent'))!.map((m) => /Subject: (.*)\r\n/.exec(m.raw)![1])).toEqual(['message 5']);
    expect((await local('Receipts'))!.length).toBe(1);
    expect((await local('Bulk'))!.length).toBe(60);
    expect(await kit.store.mailboxByName(alice.userId, '[Gmail]/All Mail')).toBeUndefined();
    expect(await kit.store.mailboxByName(alice.userId, 'All Mail')).toBeUndefined();

    // Importing the same source again adds nothing.
    const again = await browser.post('/mail/import/imap', sourceForm());
    const id2 = /\/mail\/import\/(.+)$/.exec(again.headers.get('location')!)![1]!;
    await waitFor(async () => (await browser.get(`/mail/import/${id2}/progress`, { headers: { Accept: 'application/json' } })).json() as Promise<{ state: string }>, (j) => j.state !== 'running');
    expect((await local('INBOX'))!.length).toBe(3);
    expect((await local('Bulk'))!.length).toBe(60);
    // The job page and list show it; the password is nowhere in the database.
    expect(await browser.page(`/mail/import/${id}`)).toContain('Finished');
    const dump = JSON.stringify(await sql`select * from mail_import_jobs`.execute(kit.appliance.db.kysely)) + JSON.stringify(await sql`select data, metadata from core_events`.execute(kit.appliance.db.kysely).catch(() => ({ rows: [] })));
    expect(dump).not.toContain(bob.appPassword);
  }, 60_000);

  it('resumes an interrupted import without duplicates, and asks for the password after a restart', async () => {
    const carol = await kit.addUser('carol@example.test');
    const db = kit.appliance.db.kysely;
    const svc1 = createImportService({ store: kit.store, db, logger: silentLogger(), maxPerSecond: 40, allowPrivateHosts: true });
    const src = { host: '127.0.0.1', port: source.plain.port, tls: 'starttls' as const, username: bob.email, password: bob.appPassword, allowUntrusted: true };
    const job = await svc1.start(carol.userId, src);
    await waitFor(() => svc1.job(carol.userId, job.id), (j) => j!.messagesDone >= 10);
    await svc1.stop(carol.userId, job.id);
    const paused = (await svc1.job(carol.userId, job.id))!;
    expect(paused.state).toBe('paused');
    expect(paused.messagesDone).toBeLessThan(paused.messagesTotal);

    // The process dies while "running": a new one marks the job paused and wants the password.
    await sql`update mail_import_jobs set state = 'running' where id = ${job.id}`.execute(db);
    // …and it died between an append and saving its UID: progress lags behind the store.
    await sql`update mail_import_folders set last_uid = max(0, last_uid - 3) where job_id = ${job.id}`.execute(db);
    const svc2 = createImportService({ store: kit.store, db, logger: silentLogger(), maxPerSecond: 10_000, allowPrivateHosts: true });
    const restarted = (await svc2.job(carol.userId, job.id))!;
    expect(restarted.state).toBe('paused');
    expect(restarted.error).toMatch(/password/);
    await svc2.resume(carol.userId, job.id, bob.appPassword);
    await svc2.settled(job.id);
    const end = (await svc2.job(carol.userId, job.id))!;
    expect(end.state).toBe('done');
    const count = async (name: string) => (await kit.store.messages((await kit.store.mailboxByName(carol.userId, name))!.id)).length;
    expect(await count('INBOX')).toBe(3);
    expect(await count('Bulk')).toBe(60);
    expect(await count('Work/Projects')).toBe(1);
    // A wrong password fails the job with a clear message.
    const bad = await svc2.start(carol.userId, { ...src, password: 'wrong' });
    await svc2.settled(bad.id);
    expect((await svc2.job(carol.userId, bad.id))!).toMatchObject({ state: 'failed', error: 'The server refused the user name or password.' });
  }, 60_000);

  async function upload(files: { name: string; content: string | Buffer }[], fields: Record<string, string>) {
    await browser.page('/mail/import');
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    for (const f of files) fd.append('files', new File([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)], f.name));
    return kit.appliance.app.request('http://localhost/mail/import/upload', { method: 'POST', body: fd, headers: { ...browser.headers({}), 'X-CSRF-Token': browser.csrfToken, 'HX-Request': 'true' } });
  }

  it('imports an uploaded .mbox into a new folder, unescaping >From lines', async () => {
    const mbox = [
      'From alice@old.test Tue Mar  5 14:03:22 2019',
      'From: alice@old.test', 'Subject: first', 'Message-ID: <a@old.test>', 'Status: RO', '',
      'Hello', '>From the start', '>>From deeper', '',
      'From bob@old.test Wed Apr 10 08:00:00 2019',
      'From: bob@old.test', 'Subject: second', 'X-Status: AF', '',
      'Line', '',
      'From bob@old.test Wed Apr 10 08:00:00 2019',
      'From: bob@old.test', 'Subject: third', '', 'x', '',
    ].join('\n');
    const res = await upload([{ name: 'old.mbox', content: mbox }], { mailbox: 'INBOX', newMailbox: 'Old mail' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Imported 3 messages into Old mail');
    const box = (await kit.store.mailboxByName(alice.userId, 'Old mail'))!;
    const list = await kit.store.messages(box.id);
    expect(list.length).toBe(3);
    const first = (await kit.store.readMessage(list[0]!.sha256)).toString();
    expect(first).toBe('From: alice@old.test\r\nSubject: first\r\nMessage-ID: <a@old.test>\r\nStatus: RO\r\n\r\nHello\r\nFrom the start\r\n>From deeper\r\n');
    expect(list[0]!.flags).toEqual(['\\Seen']);
    expect(new Date(list[0]!.internalDate).toISOString()).toBe('2019-03-05T14:03:22.000Z');
    expect(list[1]!.flags).toEqual(['\\Answered', '\\Flagged']);
    // The same file again: nothing new.
    await upload([{ name: 'old.mbox', content: mbox }], { mailbox: 'Old mail' });
    expect((await kit.store.messages(box.id)).length).toBe(3);
  });

  it('imports uploaded .eml files and refuses an upload without files or without a token', async () => {
    const eml = 'From: x@old.test\nSubject: single\nMessage-ID: <e@old.test>\n\nOne line\n';
    const res = await upload([{ name: 'one.eml', content: eml }, { name: 'two.eml', content: eml.replace('single', 'double').replace('<e@', '<f@') }], { mailbox: 'Archive' });
    expect(res.status).toBe(200);
    const box = (await kit.store.mailboxByName(alice.userId, 'Archive'))!;
    const list = await kit.store.messages(box.id);
    expect(list.length).toBe(2);
    expect((await kit.store.readMessage(list[0]!.sha256)).toString()).toBe(eml.replace(/\n/g, '\r\n'));
    expect((await upload([], { mailbox: 'Archive' })).status).toBe(400);
    const fd = new FormData();
    fd.append('files', new File([eml], 'x.eml'));
    const noToken = await kit.appliance.app.request('http://localhost/mail/import/upload', { method: 'POST', body: fd, headers: browser.headers({}) });
    expect(noToken.status).toBe(403);
  });

  it('splits mbox streams across chunk boundaries', async () => {
    const text = 'From a Mon Jan  1 00:00:00 2024\nSubject: a\n\nx\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: b\n\ny\n';
    async function* chunks() { for (let i = 0; i < text.length; i += 3) yield Buffer.from(text.slice(i, i + 3)); }
    const out: string[] = [];
    for await (const it of splitMbox(chunks(), { maxMessageBytes: 1000 })) if (it.kind === 'message') out.push(it.message.raw.toString());
    expect(out).toEqual(['Subject: a\r\n\r\nx\r\n', 'Subject: b\r\n\r\ny\r\n']);
    const skipped = [];
    for await (const it of splitMbox(chunks(), { maxMessageBytes: 10 })) skipped.push(it.kind);
    expect(skipped).toEqual(['skipped', 'skipped']);
  });

  it('requires login', async () => {
    const anon = new TestClient(kit.appliance.app);
    expect((await anon.get('/mail/import')).status).toBe(302);
    expect((await anon.get('/mail/import/x/progress', { headers: { Accept: 'application/json' } })).status).toBe(401);
  });
});
