// Several sessions at once: IDLE woken by a delivery through the store, two sessions
// seeing each other's flag changes and expunges, QRESYNC resynchronization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImapFixture, type ImapFixture } from './imap-test-fixture.ts';

let fx: ImapFixture;
beforeAll(async () => {
  fx = await startImapFixture();
});
afterAll(() => fx.close());

const msg = (subject: string) => Buffer.from(`From: a@example.test\r\nTo: b@example.test\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`);

function waitFor<T>(register: (resolve: (v: T) => void) => void, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    register((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

describe('IMAP sessions', () => {
  it('IDLE is woken within a second by a message delivered through the store', async () => {
    const u = await fx.kit.addUser('idler@example.test');
    const c = await fx.client(u);
    await c.mailboxOpen('INBOX');
    const exists = waitFor<{ count: number }>((r) => c.on('exists', r), 1000, 'EXISTS during IDLE');
    const idle = c.idle();
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await fx.kit.store.deliver(u.userId, msg('while idle'), {}, fx.kit.meta());
    const e = await exists;
    expect(e.count).toBe(1);
    expect(Date.now() - t0).toBeLessThan(1000);
    const fetched = await c.fetchOne('*', { envelope: true });
    expect(fetched && fetched.envelope!.subject).toBe('while idle');
    void idle;
    await c.logout();
  });

  it('IDLE on a raw socket: untagged EXISTS, FETCH and EXPUNGE arrive immediately, DONE ends it', async () => {
    const u = await fx.kit.addUser('rawidle@example.test');
    const first = await fx.kit.store.deliver(u.userId, msg('one'), {}, fx.kit.meta());
    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${u.email} "${u.password}"`);
    await r.command('s', 'SELECT INBOX');
    r.write('i IDLE\r\n');
    await r.until(/\+ idling\r\n/);
    await fx.kit.store.deliver(u.userId, msg('two'), {}, fx.kit.meta());
    await r.until(/\* 2 EXISTS\r\n/, 1000);
    await fx.kit.store.setFlags(first.mailboxId, [first.uid], 'add', ['\\Flagged'], {}, fx.kit.meta());
    await r.until(/\* 1 FETCH \(UID \d+ FLAGS \(\\Flagged\)\)\r\n/, 1000);
    await fx.kit.store.expunge(first.mailboxId, [first.uid], fx.kit.meta());
    await r.until(/\* 1 EXPUNGE\r\n/, 1000);
    r.write('DONE\r\n');
    await r.until(/i OK IDLE terminated\r\n/);
    expect(await r.command('n', 'NOOP')).toBe('n OK NOOP completed\r\n');
  });

  it('two sessions see each other\'s flag changes and expunges (FETCH, EXPUNGE after NOOP)', async () => {
    const u = await fx.kit.addUser('twins@example.test');
    for (const s of ['a', 'b', 'c']) await fx.kit.store.deliver(u.userId, msg(s), {}, fx.kit.meta());
    const one = await fx.client(u);
    const two = await fx.client(u, { password: u.password });
    await one.mailboxOpen('INBOX');
    await two.mailboxOpen('INBOX');

    const flags = waitFor<{ seq: number; flags: Set<string> }>((r) => two.on('flags', r), 2000, 'flags in session two');
    await one.messageFlagsAdd('2', ['\\Seen']);
    await two.noop();
    const f = await flags;
    expect(f.seq).toBe(2);
    expect([...f.flags]).toEqual(['\\Seen']);

    const expunged = waitFor<{ seq: number }>((r) => two.on('expunge', (e) => r({ seq: e.seq ?? 0 })), 2000, 'expunge in session two');
    await one.messageDelete('1');
    await two.noop();
    expect((await expunged).seq).toBe(1);
    expect(two.mailbox && two.mailbox.exists).toBe(2);
    // Both agree on what is where.
    const a = await one.fetchOne('1', { envelope: true });
    const b = await two.fetchOne('1', { envelope: true });
    expect(a && a.envelope!.subject).toBe('b');
    expect(b && b.envelope!.subject).toBe('b');
    await one.logout();
    await two.logout();
  });

  it('holds back EXPUNGE during FETCH and sends it after the next NOOP (RFC 9051 §7.5.1)', async () => {
    const u = await fx.kit.addUser('holder@example.test');
    const d1 = await fx.kit.store.deliver(u.userId, msg('x'), {}, fx.kit.meta());
    await fx.kit.store.deliver(u.userId, msg('y'), {}, fx.kit.meta());
    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${u.email} "${u.password}"`);
    await r.command('s', 'SELECT INBOX');
    await fx.kit.store.expunge(d1.mailboxId, [d1.uid], fx.kit.meta());
    const during = await r.command('f', 'FETCH 1:* (FLAGS)');
    expect(during).not.toContain('EXPUNGE');
    expect(await r.command('n', 'NOOP')).toContain('* 1 EXPUNGE\r\n');
  });

  it('QRESYNC: SELECT reports VANISHED (EARLIER) and changed flags since the client\'s modseq', async () => {
    const u = await fx.kit.addUser('qresync@example.test');
    const ds = [];
    for (const s of ['q1', 'q2', 'q3', 'q4']) ds.push(await fx.kit.store.deliver(u.userId, msg(s), {}, fx.kit.meta()));
    const mbox = ds[0]!.mailboxId;
    const info = (await fx.kit.store.mailbox(mbox))!;
    await fx.kit.store.expunge(mbox, [ds[1]!.uid], fx.kit.meta());
    await fx.kit.store.setFlags(mbox, [ds[2]!.uid], 'add', ['\\Answered'], {}, fx.kit.meta());

    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${u.email} "${u.password}"`);
    expect(await r.command('e', 'ENABLE QRESYNC')).toContain('* ENABLED QRESYNC');
    const sel = await r.command('s', `SELECT INBOX (QRESYNC (${info.uidValidity} ${info.highestModseq} 1:*))`);
    expect(sel).toContain(`* VANISHED (EARLIER) ${ds[1]!.uid}\r\n`);
    expect(sel).toMatch(new RegExp(`\\* 2 FETCH \\(UID ${ds[2]!.uid} FLAGS \\(\\\\Answered\\) MODSEQ \\(\\d+\\)\\)`));
    expect(sel).not.toMatch(new RegExp(`UID ${ds[0]!.uid} FLAGS`));
    // UID FETCH ... (CHANGEDSINCE m VANISHED)
    const f = await r.command('f', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${info.highestModseq} VANISHED)`);
    expect(f).toContain(`* VANISHED (EARLIER) ${ds[1]!.uid}\r\n`);
    expect(f).toMatch(new RegExp(`FETCH \\(FLAGS \\(\\\\Answered\\) UID ${ds[2]!.uid} MODSEQ`));
    // Expunge from elsewhere shows up as VANISHED (not EXPUNGE) once QRESYNC is on.
    await fx.kit.store.expunge(mbox, [ds[3]!.uid], fx.kit.meta());
    expect(await r.command('n', 'NOOP')).toContain(`* VANISHED ${ds[3]!.uid}\r\n`);
  });

  it('imapflow with qresync resyncs a mailbox', async () => {
    const u = await fx.kit.addUser('flowq@example.test');
    for (const s of ['f1', 'f2']) await fx.kit.store.deliver(u.userId, msg(s), {}, fx.kit.meta());
    const c = await fx.client(u, { qresync: true });
    const box = await c.mailboxOpen('INBOX');
    expect(box.exists).toBe(2);
    expect(typeof box.highestModseq).toBe('bigint');
    await c.logout();
  });
});
