// Bad input on the MX and the submission port: garbage, commands out of order, pipelined
// bursts, HTTP, overlong lines. Each gets a proper reply, and the server keeps serving.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from './testing/smtp-kit.ts';
import { SmtpDialog } from './testing/smtp-dialog.ts';

let kit: SmtpKit;
let bob: SmtpKitUser;

beforeAll(async () => {
  kit = await createSmtpKit({ listen: { submissions: false } });
  bob = await kit.addUser('bob@example.test');
});
afterAll(() => kit.close());

async function open(port = kit.mx.port): Promise<SmtpDialog> {
  const d = await SmtpDialog.open(port);
  expect((await d.reply())!.code).toBe(220);
  return d;
}

async function stillServes(subject: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: kit.mx.port, ignoreTLS: true });
  await t.sendMail({ from: 'a@remote.test', to: bob.email, subject, text: 'x' });
  t.close();
  expect((await kit.messages(bob.userId)).some((m) => m.raw.toString().includes(`Subject: ${subject}`))).toBe(true);
}

describe('greeting', () => {
  it('greets at once: no fixed 100 ms early-talker pause', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const d = await SmtpDialog.open(kit.mx.port);
      expect((await d.reply())!.code).toBe(220);
      times.push(performance.now() - t0);
      d.close();
    }
    expect(Math.min(...times)).toBeLessThan(50);
  });
});

describe('bad input', () => {
  it('answers commands out of order with 503 and garbage with 500', async () => {
    const d = await open();
    expect((await d.command('MAIL FROM:<a@remote.test>'))!.code).toBe(503); // before EHLO
    await d.command('EHLO client.test');
    expect((await d.command('RCPT TO:<bob@example.test>'))!.code).toBe(503); // before MAIL
    expect((await d.command('DATA'))!.code).toBe(503);
    expect((await d.command('\u0000\u00ff\u00fe garbage'))!.code).toBe(500);
    expect((await d.command('MAIL FROM:<not an address'))!.code).toBe(501);
    expect((await d.command('MAIL FROM:<a@remote.test>'))!.code).toBe(250);
    expect((await d.command('MAIL FROM:<b@remote.test>'))!.code).toBe(503); // nested MAIL
    expect((await d.command('RSET'))!.code).toBe(250);
    expect((await d.command('NOOP'))!.code).toBe(250);
    expect((await d.command('QUIT'))!.code).toBe(221);
    d.close();
    await stillServes('after garbage');
  });

  it('forgets the recipients of a transaction abandoned with RSET', async () => {
    const carol = await kit.addUser('carol@example.test');
    const d = await open();
    await d.command('EHLO rset.test');
    await d.command('MAIL FROM:<a@remote.test>');
    expect((await d.command(`RCPT TO:<${carol.email}>`))!.code).toBe(250);
    expect((await d.command('RSET'))!.code).toBe(250);
    await d.command('MAIL FROM:<a@remote.test>');
    await d.command(`RCPT TO:<${bob.email}>`);
    expect((await d.command('DATA'))!.code).toBe(354);
    d.write('Subject: after rset\r\n\r\nx\r\n.\r\n');
    expect((await d.reply())!.code).toBe(250);
    d.close();
    expect((await kit.messages(bob.userId)).some((m) => m.raw.toString().includes('Subject: after rset'))).toBe(true);
    expect(await kit.messages(carol.userId)).toHaveLength(0);
  });

  it('handles a whole transaction pipelined in one write (RFC 2920), and a bogus burst after it', async () => {
    const d = await open();
    d.write([
      'EHLO burst.test', 'MAIL FROM:<a@remote.test>', 'RCPT TO:<bob@example.test>', 'RCPT TO:<nobody@example.test>', 'RCPT TO:<x@elsewhere.test>', 'DATA',
      'Subject: pipelined', '', 'body', '.', 'RCPT TO:<bob@example.test>', 'FOO', 'QUIT', '',
    ].join('\r\n'));
    const codes: number[] = [];
    for (;;) {
      const r = await d.reply();
      if (!r) break;
      codes.push(r.code);
      if (r.code === 221) break;
    }
    // EHLO, MAIL, RCPT ok, RCPT unknown, RCPT relay, DATA 354, 250, RCPT without MAIL, unknown command, QUIT.
    expect(codes).toEqual([250, 250, 250, 550, 554, 354, 250, 503, 500, 221]);
    d.close();
    expect((await kit.messages(bob.userId)).some((m) => m.raw.toString().includes('Subject: pipelined'))).toBe(true);
  });

  it('hangs up on an HTTP request and on a flood of unknown commands', async () => {
    const http = await open();
    expect((await http.command('GET / HTTP/1.1'))!.code).toBe(421);
    expect(await http.reply(2_000)).toBeUndefined();
    const flood = await open();
    await flood.command('EHLO flood.test');
    let last: number | undefined;
    for (let i = 0; i < 12 && last !== 421; i++) last = (await flood.command(`XYZZY${i}`))?.code;
    expect(last).toBe(421);
    expect(await flood.reply(2_000)).toBeUndefined();
    await stillServes('after flood');
  });

  it('refuses an overlong command line without falling over', async () => {
    const d = await open();
    await d.command('EHLO long.test');
    const r = await d.command(`MAIL FROM:<${'a'.repeat(40_000)}@remote.test>`);
    expect(r?.code).toBe(421); // "Command line too long", then the connection is closed
    expect(await d.reply(2_000)).toBeUndefined();
    d.close();
    await stillServes('after overlong');
  });

  it('survives a client that disconnects in the middle of DATA', async () => {
    const d = await open();
    await d.command('EHLO cut.test');
    await d.command('MAIL FROM:<a@remote.test>');
    await d.command(`RCPT TO:<${bob.email}>`);
    expect((await d.command('DATA'))!.code).toBe(354);
    d.write('Subject: cut off\r\n\r\nhalf a mess');
    d.close();
    await new Promise((r) => setTimeout(r, 50));
    await stillServes('after cut');
    expect((await kit.messages(bob.userId)).some((m) => m.raw.toString().includes('Subject: cut off'))).toBe(false);
  });

  it('on the submission port: MAIL before AUTH is 530, AUTH garbage is refused', async () => {
    const d = await open(kit.submission.port);
    await d.command('EHLO sub.test');
    expect((await d.command('STARTTLS'))!.code).toBe(220);
    await d.startTls();
    await d.command('EHLO sub.test');
    expect((await d.command('MAIL FROM:<bob@example.test>'))!.code).toBe(530);
    expect((await d.command('AUTH PLAIN !!!notbase64'))!.code).toBeGreaterThanOrEqual(500);
    expect((await d.command('AUTH CRAM-MD5'))!.code).toBe(504);
    d.close();
  });
});
