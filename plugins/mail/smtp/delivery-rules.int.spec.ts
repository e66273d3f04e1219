// Redirections and the out-of-office reply through the real MX and the real queue.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryMailSettings } from './pipeline/mail-settings.ts';
import { headerValues } from './raw-message.ts';
import { startFakeRemoteMx, type FakeRemoteMx } from './testing/fake-remote-mx.ts';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from './testing/smtp-kit.ts';
import { staticResolver } from './testing/static-resolver.ts';

const settings = memoryMailSettings();
let remote: FakeRemoteMx;
let kit: SmtpKit;
let bob: SmtpKitUser;
let carol: SmtpKitUser;

beforeAll(async () => {
  remote = await startFakeRemoteMx();
  kit = await createSmtpKit({
    listen: { submissions: false },
    settings,
    outboundPort: remote.port,
    resolver: staticResolver({ 'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] }, 'mx.remote.test': { A: ['127.0.0.1'] } }),
  });
  bob = await kit.addUser('bob@example.test');
  carol = await kit.addUser('carol@example.test');
});
afterAll(async () => {
  await kit.close();
  await remote.close();
});

async function toMx(raw: string, from = 'alice@remote.test', to = [bob.email]): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: kit.mx.port, ignoreTLS: true });
  await t.sendMail({ envelope: { from, to }, raw: raw.replace(/\n/g, '\r\n') });
  t.close();
}
const has = async (userId: string, subject: string) => (await kit.messages(userId)).filter((m) => m.raw.toString().includes(`Subject: ${subject}`)).length;

describe('redirections', () => {
  it('forwards a copy to a remote address and keeps one, with the redirecting user as envelope sender', async () => {
    settings.set(bob.userId, { redirections: { addresses: ['bob.private@remote.test'], keepLocalCopy: true } });
    await toMx('From: alice@remote.test\nTo: bob@example.test\nSubject: forward me\n\nx\n');
    expect(await has(bob.userId, 'forward me')).toBe(1);
    await kit.servers.worker.runDue();
    const got = remote.received.find((m) => m.raw.toString().includes('Subject: forward me'))!;
    expect(got.from).toBe(bob.email);
    expect(got.to).toEqual(['bob.private@remote.test']);
    expect(headerValues(got.raw, 'delivered-to')).toEqual([bob.email]);
    expect(headerValues(got.raw, 'dkim-signature')[0]).toContain('d=example.test');
  });

  it('forwards to a local user without keeping a copy', async () => {
    settings.set(bob.userId, { redirections: { addresses: [carol.email], keepLocalCopy: false } });
    await toMx('From: alice@remote.test\nTo: bob@example.test\nSubject: only carol\n\nx\n');
    expect(await has(bob.userId, 'only carol')).toBe(0);
    expect(await has(carol.userId, 'only carol')).toBe(1);
  });

  it('breaks a local redirection loop and keeps the mail', async () => {
    settings.set(bob.userId, { redirections: { addresses: [carol.email], keepLocalCopy: false } });
    settings.set(carol.userId, { redirections: { addresses: [bob.email], keepLocalCopy: false } });
    await toMx('From: alice@remote.test\nTo: bob@example.test\nSubject: loop\n\nx\n');
    expect((await has(bob.userId, 'loop')) + (await has(carol.userId, 'loop'))).toBe(1);
    settings.set(carol.userId, {});
    settings.set(bob.userId, {});
  });
});

describe('out-of-office reply', () => {
  it('answers a person once per period with an auto-replied message from the null sender', async () => {
    settings.set(bob.userId, { autoreply: { enabled: true, subject: 'Out of office', body: 'Back on Monday.', start: null, end: null } });
    const before = remote.received.length;
    await toMx('From: Alice <alice@remote.test>\nTo: bob@example.test\nSubject: meeting\nMessage-ID: <m1@remote.test>\n\nx\n');
    await toMx('From: Alice <alice@remote.test>\nTo: bob@example.test\nSubject: meeting again\nMessage-ID: <m2@remote.test>\n\nx\n');
    await kit.servers.worker.runDue();
    const replies = remote.received.slice(before).filter((m) => m.raw.toString().includes('Subject: Out of office'));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.from).toBe('');
    expect(replies[0]!.to).toEqual(['alice@remote.test']);
    expect(headerValues(replies[0]!.raw, 'auto-submitted')).toEqual(['auto-replied']);
    expect(headerValues(replies[0]!.raw, 'in-reply-to')).toEqual(['<m1@remote.test>']);
  });

  it('stays silent for lists, bulk mail, automatic mail and bounces', async () => {
    const before = (await kit.servers.queue.list()).length;
    await toMx('From: list@remote.test\nTo: bob@example.test\nList-Id: <news.remote.test>\nSubject: newsletter\n\nx\n', 'list-bounces@remote.test');
    await toMx('From: promo@remote.test\nTo: bob@example.test\nPrecedence: bulk\nSubject: promo\n\nx\n', 'promo@remote.test');
    await toMx('From: robot@remote.test\nTo: bob@example.test\nAuto-Submitted: auto-generated\nSubject: robot\n\nx\n', 'robot@remote.test');
    await toMx('From: MAILER-DAEMON@remote.test\nTo: bob@example.test\nSubject: bounce\n\nx\n', '');
    expect(await has(bob.userId, 'newsletter')).toBe(1);
    expect((await kit.servers.queue.list()).length).toBe(before);
  });

  it('replies to a local sender locally, and two responders do not answer each other', async () => {
    settings.set(carol.userId, { autoreply: { enabled: true, subject: 'Carol is away', body: 'Later.', start: null, end: null } });
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: kit.submission.port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: carol.email, pass: carol.appPassword } });
    await t.sendMail({ from: carol.email, to: bob.email, subject: 'internal question', text: '?' });
    t.close();
    expect(await has(carol.userId, 'Out of office')).toBe(1);
    expect(await has(bob.userId, 'Carol is away')).toBe(0);
  });
});
