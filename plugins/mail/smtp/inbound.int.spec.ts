// The MX on real sockets, driven by nodemailer with an injected DNS zone: acceptance with
// Authentication-Results, unknown users, relaying, SIZE, retries, spam.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../core/testing/temp-dir.ts';
import { DkimKeyStore } from './dkim/dkim-keys.ts';
import { dkimSignMessage } from './dkim/dkim-sign.ts';
import { headerValues } from './raw-message.ts';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from './testing/smtp-kit.ts';
import { SmtpDialog } from './testing/smtp-dialog.ts';
import { staticResolver } from './testing/static-resolver.ts';

const MAX = 20_000;
let kit: SmtpKit;
let bob: SmtpKitUser;
const keysDir = tempDir();
const signerKeys = new DkimKeyStore(keysDir.path);

beforeAll(async () => {
  const record = await signerKeys.dkimDnsRecord('signer.test');
  kit = await createSmtpKit({
    listen: { submission: false, submissions: false },
    maxMessageBytes: MAX,
    resolver: staticResolver({
      'spf-pass.test': { TXT: [['v=spf1 ip4:127.0.0.1 -all']] },
      'spf-fail.test': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] },
      [record.name]: { TXT: [[record.value]] },
      '_dmarc.signer.test': { TXT: [['v=DMARC1; p=reject']] },
    }),
  });
  bob = await kit.addUser('bob@example.test');
});
afterAll(async () => {
  await kit.close();
  keysDir.remove();
});

const mx = () => nodemailer.createTransport({ host: '127.0.0.1', port: kit.mx.port, secure: false, ignoreTLS: true, name: 'mta.sender.test' });
const find = async (subject: string, mailbox: 'INBOX' | '\\Junk' = 'INBOX') =>
  (await kit.messages(bob.userId, mailbox)).filter((m) => m.raw.toString().includes(`Subject: ${subject}`));

describe('inbound MX', () => {
  it('accepts mail for a local user and prepends Return-Path, Received and Authentication-Results (SPF none)', async () => {
    const t = mx();
    const info = await t.sendMail({ from: 'alice@nowhere.test', to: bob.email, subject: 'spf none', text: 'hello' });
    t.close();
    expect(info.response).toMatch(/^250 2\.6\.0/);
    const [m] = await find('spf none');
    const ar = headerValues(m!.raw, 'authentication-results');
    expect(ar).toHaveLength(1);
    expect(ar[0]).toMatch(/^example\.test;/);
    expect(ar[0]).toContain('spf=none');
    expect(ar[0]).toContain('dkim=none');
    expect(headerValues(m!.raw, 'return-path')).toEqual(['<alice@nowhere.test>']);
    expect(headerValues(m!.raw, 'received')[0]).toMatch(/^from mta\.sender\.test \(\[127\.0\.0\.1\]\)\s+by example\.test \(Cairn\) with ESMTP id \S+\s+for <bob@example\.test>;/);
    // Trace fields come first (RFC 5321 §4.4).
    expect(m!.raw.toString().startsWith('Return-Path:')).toBe(true);
  });

  it('records SPF pass for an authorized client, and fail for an unauthorized one', async () => {
    const t = mx();
    await t.sendMail({ from: 'alice@spf-pass.test', to: bob.email, subject: 'spf pass', text: 'hello' });
    await t.sendMail({ from: 'alice@spf-fail.test', to: bob.email, subject: 'spf fail', text: 'hello' });
    t.close();
    expect(headerValues((await find('spf pass'))[0]!.raw, 'authentication-results')[0]).toMatch(/spf=pass[^;]*smtp\.mailfrom=(alice@)?spf-pass\.test/);
    expect(headerValues((await find('spf fail'))[0]!.raw, 'authentication-results')[0]).toContain('spf=fail');
  });

  it('verifies a DKIM signature from the sender\'s domain (dkim=pass, dmarc=pass)', async () => {
    const raw = Buffer.from('From: carol@signer.test\r\nTo: bob@example.test\r\nSubject: signed mail\r\nDate: Sat, 01 Mar 2025 10:00:00 +0000\r\nMessage-ID: <sig@signer.test>\r\n\r\n' + 'A long body line.\r\n'.repeat(500));
    const signed = await dkimSignMessage(raw, await signerKeys.key('signer.test'), new Date());
    const t = mx();
    await t.sendMail({ envelope: { from: 'carol@signer.test', to: [bob.email] }, raw: signed });
    t.close();
    const ar = headerValues((await find('signed mail'))[0]!.raw, 'authentication-results')[0]!;
    expect(ar).toMatch(/dkim=pass[^;]*header\.i=@signer\.test/);
    expect(ar).toContain('dmarc=pass');
  });

  it('removes forged Authentication-Results that claim to be ours, keeps other hosts\' ones', async () => {
    const t = mx();
    await t.sendMail({
      envelope: { from: 'x@nowhere.test', to: [bob.email] },
      raw: 'Return-Path: <ceo@bank.test>\r\nAuthentication-Results: example.test; dkim=pass header.d=bank.test\r\nAuthentication-Results: other.test; spf=pass\r\nFrom: x@nowhere.test\r\nTo: bob@example.test\r\nSubject: forged ar\r\n\r\nx\r\n',
    });
    t.close();
    const ar = headerValues((await find('forged ar'))[0]!.raw, 'authentication-results');
    expect(ar.filter((v) => v.startsWith('example.test;'))).toHaveLength(1);
    expect(ar.some((v) => v.includes('header.d=bank.test'))).toBe(false);
    expect(ar).toContain('other.test; spf=pass');
    expect(headerValues((await find('forged ar'))[0]!.raw, 'return-path')).toEqual(['<x@nowhere.test>']);
  });

  it('refuses an unknown local recipient at RCPT with 550 5.1.1', async () => {
    const t = mx();
    const err = await t.sendMail({ from: 'a@nowhere.test', to: 'nobody@example.test', subject: 'x', text: 'x' }).catch((e: unknown) => e as { responseCode?: number; response?: string });
    t.close();
    expect(err).toMatchObject({ responseCode: 550 });
    expect(String((err as { rejectedErrors?: { response: string }[] }).rejectedErrors?.[0]?.response ?? (err as { response?: string }).response)).toContain('5.1.1');
  });

  it('never relays: a non-local recipient is refused with 5.7.1, and AUTH is not offered', async () => {
    const d = await SmtpDialog.open(kit.mx.port);
    await d.reply();
    const ehlo = (await d.command('EHLO spammer.test'))!;
    expect(ehlo.lines.join('\n')).not.toMatch(/AUTH/);
    expect(ehlo.lines.join('\n')).toMatch(new RegExp(`SIZE ${MAX}`));
    expect((await d.command('MAIL FROM:<a@spammer.test>'))!.code).toBe(250);
    const rcpt = (await d.command('RCPT TO:<victim@gmail.test>'))!;
    expect(rcpt.code).toBe(554);
    expect(rcpt.text).toMatch(/^5\.7\.1 Relay access denied/);
    expect((await d.command('AUTH PLAIN AGJvYgBwdw=='))!.code).toBeGreaterThanOrEqual(500);
    d.close();
  });

  it('enforces SIZE: a declared size and an actual size over the limit are refused with 552', async () => {
    const d = await SmtpDialog.open(kit.mx.port);
    await d.reply();
    await d.command('EHLO big.test');
    expect((await d.command(`MAIL FROM:<a@big.test> SIZE=${MAX + 1}`))!.code).toBe(552);
    d.close();
    const t = mx();
    const err = await t.sendMail({ from: 'a@big.test', to: bob.email, subject: 'too big', text: 'x'.repeat(MAX * 2) }).catch((e: unknown) => e as { responseCode?: number });
    t.close();
    expect(err).toMatchObject({ responseCode: 552 });
    expect(await find('too big')).toHaveLength(0);
  });

  it('delivers a retried transaction once', async () => {
    const raw = 'From: a@nowhere.test\r\nTo: bob@example.test\r\nSubject: retried\r\nMessage-ID: <retry-1@nowhere.test>\r\n\r\nsame bytes\r\n';
    const t = mx();
    await t.sendMail({ envelope: { from: 'a@nowhere.test', to: [bob.email] }, raw });
    await t.sendMail({ envelope: { from: 'a@nowhere.test', to: [bob.email] }, raw });
    t.close();
    expect(await find('retried')).toHaveLength(1);
  });

  it('delivers one copy per user when several of their addresses are recipients', async () => {
    await kit.store.addAlias(bob.userId, 'robert@example.test', kit.meta());
    const t = mx();
    await t.sendMail({ from: 'a@nowhere.test', to: [bob.email, 'Robert@Example.test'], subject: 'two addresses', text: 'x' });
    t.close();
    expect(await find('two addresses')).toHaveLength(1);
  });

  it('files a message flagged as spam in Junk', async () => {
    const t = mx();
    await t.sendMail({ from: 'a@nowhere.test', to: bob.email, subject: 'cheap pills', text: 'x', headers: { 'X-Spam-Flag': 'YES', 'X-Spam-Status': 'Yes, score=12.1' } });
    await t.sendMail({ from: 'a@nowhere.test', to: bob.email, subject: 'spam status only', text: 'x', headers: { 'X-Spam-Status': 'Yes, score=7' } });
    t.close();
    expect(await find('cheap pills', '\\Junk')).toHaveLength(1);
    expect(await find('spam status only', '\\Junk')).toHaveLength(1);
    expect(await find('cheap pills')).toHaveLength(0);
  });

  it('answers 452 4.2.2 at RCPT when the declared size does not fit the quota', async () => {
    const full = await kit.addUser('full@example.test');
    await kit.store.setQuota(full.userId, 100, kit.meta());
    const d = await SmtpDialog.open(kit.mx.port);
    await d.reply();
    await d.command('EHLO q.test');
    await d.command('MAIL FROM:<a@q.test> SIZE=5000');
    const r = (await d.command('RCPT TO:<full@example.test>'))!;
    expect(r.code).toBe(452);
    expect(r.text).toMatch(/^4\.2\.2/);
    d.close();
  });
});
