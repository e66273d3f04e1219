// Submission (RFC 6409) on real sockets, driven by nodemailer: AUTH with an app
// password over STARTTLS and implicit TLS, local delivery, the Sent copy without Bcc,
// sender ownership, and no AUTH before TLS.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerValues } from './raw-message.ts';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from './testing/smtp-kit.ts';
import { SmtpDialog } from './testing/smtp-dialog.ts';

let kit: SmtpKit;
let alice: SmtpKitUser;
let bob: SmtpKitUser;
let carol: SmtpKitUser;

beforeAll(async () => {
  kit = await createSmtpKit({ listen: { mx: false } });
  alice = await kit.addUser('alice@example.test');
  bob = await kit.addUser('bob@example.test');
  carol = await kit.addUser('carol@example.test');
});
afterAll(() => kit.close());

const client = (user: SmtpKitUser, opts: { implicit?: boolean; pass?: string } = {}) => nodemailer.createTransport({
  host: '127.0.0.1', port: opts.implicit ? kit.submissions.port : kit.submission.port, secure: opts.implicit ?? false,
  requireTLS: !opts.implicit, tls: { rejectUnauthorized: false }, auth: { user: user.email, pass: opts.pass ?? user.appPassword },
});

describe('submission', () => {
  it('delivers to local users with an app password over STARTTLS, and files a Bcc-free copy in Sent', async () => {
    const t = client(alice);
    const info = await t.sendMail({ from: `Alice <${alice.email}>`, to: bob.email, bcc: carol.email, subject: 'Quarterly numbers', text: 'See attached.' });
    t.close();
    expect(info.accepted.sort()).toEqual([bob.email, carol.email].sort());

    const [atBob] = await kit.messages(bob.userId);
    expect(atBob!.raw.toString()).toContain('Subject: Quarterly numbers');
    expect(headerValues(atBob!.raw, 'bcc')).toEqual([]);
    expect(headerValues(atBob!.raw, 'received')[0]).toMatch(/with ESMTPSA/);
    expect(headerValues(atBob!.raw, 'return-path')).toEqual([`<${alice.email}>`]);
    const [atCarol] = await kit.messages(carol.userId);
    expect(headerValues(atCarol!.raw, 'bcc')).toEqual([]);

    const sent = await kit.messages(alice.userId, '\\Sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.flags).toContain('\\Seen');
    expect(headerValues(sent[0]!.raw, 'bcc')).toEqual([]);
    expect(headerValues(sent[0]!.raw, 'subject')).toEqual(['Quarterly numbers']);
  });

  it('works on the implicit TLS port with the account password too', async () => {
    const t = client(alice, { implicit: true, pass: alice.password });
    await t.sendMail({ from: alice.email, to: bob.email, subject: 'Over implicit TLS', text: 'hi' });
    t.close();
    const atBob = await kit.messages(bob.userId);
    expect(atBob.some((m) => m.raw.toString().includes('Subject: Over implicit TLS'))).toBe(true);
  });

  it('adds Message-ID and Date when the client leaves them out (RFC 6409 §8)', async () => {
    const t = client(alice);
    await t.sendMail({ envelope: { from: alice.email, to: [bob.email] }, raw: `From: ${alice.email}\r\nTo: ${bob.email}\r\nSubject: bare\r\n\r\nbare body\r\n` });
    t.close();
    const m = (await kit.messages(bob.userId)).find((x) => x.raw.toString().includes('Subject: bare'))!;
    expect(headerValues(m.raw, 'message-id')[0]).toMatch(/^<[0-9a-f]+@example\.test>$/);
    expect(headerValues(m.raw, 'date')).toHaveLength(1);
  });

  it('refuses an envelope sender that is not the user\'s', async () => {
    const t = client(alice);
    const err = await t.sendMail({ envelope: { from: bob.email, to: [carol.email] }, from: bob.email, to: carol.email, subject: 'spoof', text: 'x' }).catch((e: unknown) => e as { responseCode?: number; response?: string });
    t.close();
    expect(err).toMatchObject({ responseCode: 553 });
    expect(String((err as { response?: string }).response)).toContain('5.7.1');
  });

  it('refuses a From header that is not the user\'s', async () => {
    const before = (await kit.messages(carol.userId)).length;
    const t = client(alice);
    const err = await t.sendMail({ envelope: { from: alice.email, to: [carol.email] }, from: `Bob <${bob.email}>`, to: carol.email, subject: 'spoof', text: 'x' }).catch((e: unknown) => e as { responseCode?: number });
    t.close();
    expect(err).toMatchObject({ responseCode: 553 });
    expect(await kit.messages(carol.userId)).toHaveLength(before);
  });

  it('accepts mail from an alias', async () => {
    await kit.store.addAlias(alice.userId, 'ali@example.test', kit.meta());
    const t = client(alice);
    await t.sendMail({ from: 'ali@example.test', to: bob.email, subject: 'From my alias', text: 'x' });
    t.close();
    expect((await kit.messages(bob.userId)).some((m) => m.raw.toString().includes('Subject: From my alias'))).toBe(true);
  });

  it('refuses unknown local recipients at RCPT and wrong passwords at AUTH', async () => {
    const t = client(alice);
    await expect(t.sendMail({ from: alice.email, to: 'nobody@example.test', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    t.close();
    const bad = client(alice, { pass: 'wrong password' });
    await expect(bad.sendMail({ from: alice.email, to: bob.email, subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 535 });
    bad.close();
  });

  it('offers AUTH only after STARTTLS and refuses it before', async () => {
    const d = await SmtpDialog.open(kit.submission.port);
    expect((await d.reply())!.code).toBe(220);
    const ehlo = (await d.command('EHLO client.test'))!;
    expect(ehlo.lines.join('\n')).toContain('STARTTLS');
    expect(ehlo.lines.join('\n')).not.toMatch(/AUTH/);
    const plain = Buffer.from(`\0${alice.email}\0${alice.appPassword}`).toString('base64');
    const auth = (await d.command(`AUTH PLAIN ${plain}`))!;
    expect(auth.code).toBe(530);
    expect(auth.text).toContain('5.7.0');
    expect((await d.command(`MAIL FROM:<${alice.email}>`))!.code).toBe(530);
    expect((await d.command('STARTTLS'))!.code).toBe(220);
    await d.startTls();
    const ehlo2 = (await d.command('EHLO client.test'))!;
    expect(ehlo2.lines.join('\n')).toMatch(/AUTH PLAIN LOGIN/);
    expect((await d.command(`AUTH PLAIN ${plain}`))!.code).toBe(235);
    expect((await d.command(`MAIL FROM:<${alice.email}>`))!.code).toBe(250);
    d.close();
  });

  it('refuses a PLAIN authorization identity other than the login', async () => {
    const d = await SmtpDialog.open(kit.submissions.port, { tls: true });
    await d.reply();
    await d.command('EHLO client.test');
    const token = Buffer.from(`${bob.email}\0${alice.email}\0${alice.appPassword}`).toString('base64');
    expect((await d.command(`AUTH PLAIN ${token}`))!.code).toBe(535);
    d.close();
  });
});

describe('submission: hourly send limit', () => {
  it('refuses remote recipients beyond the hourly cap with 450 4.7.1, and local mail still goes', async () => {
    const k = await createSmtpKit({ listen: { mx: false }, extra: { sendLimitPerHour: 2 } });
    try {
      const dave = await k.addUser('dave@example.test');
      const erin = await k.addUser('erin@example.test');
      const t = nodemailer.createTransport({
        host: '127.0.0.1', port: k.submission.port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: dave.email, pass: dave.appPassword },
      });
      await t.sendMail({ from: dave.email, to: ['x@remote.test', 'y@remote.test'], subject: 'two out', text: 'ok' });
      await expect(t.sendMail({ from: dave.email, to: 'z@remote.test', subject: 'one too many', text: 'no' })).rejects.toMatchObject({ responseCode: 450 });
      await t.sendMail({ from: dave.email, to: erin.email, subject: 'inside', text: 'fine' });
      t.close();
      expect((await k.messages(erin.userId)).length).toBe(1);
    } finally {
      await k.close();
    }
  });
});
