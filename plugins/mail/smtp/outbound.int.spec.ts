// The outbound queue end to end: submission → mail.OutboundQueued → worker → a fake
// remote MX found through the injected DNS zone; deferral and retry on 4xx under a test
// clock; a DSN in the sender's INBOX on 5xx and on expiry; never a DSN for a bounce.
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outboundStream } from './events.ts';
import { smtpBlobRefs } from './queue/outbound-blob-refs.ts';
import { dkimDnsRecordFor } from './dkim/dkim-keys.ts';
import { mailauthAuthenticate } from './mailauth.ts';
import { headerValues } from './raw-message.ts';
import { startFakeRemoteMx, type FakeRemoteMx } from './testing/fake-remote-mx.ts';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from './testing/smtp-kit.ts';
import { staticResolver } from './testing/static-resolver.ts';

const MINUTE = 60_000;
let clock = Date.parse('2026-03-02T09:00:00Z');
let remote: FakeRemoteMx;
let kit: SmtpKit;
let alice: SmtpKitUser;

beforeAll(async () => {
  remote = await startFakeRemoteMx();
  kit = await createSmtpKit({
    listen: { mx: false, submissions: false },
    now: () => clock,
    retryPolicy: { schedule: [10 * MINUTE, 30 * MINUTE], lifetimeMs: 60 * MINUTE },
    outboundPort: remote.port,
    resolver: staticResolver({
      'remote.test': { MX: [{ exchange: 'mx2.remote.test', priority: 20 }, { exchange: 'mx1.remote.test', priority: 10 }] },
      'mx1.remote.test': { A: ['127.0.0.1'] },
      'mx2.remote.test': { A: ['127.0.0.1'] },
      'nomx.test': { A: ['127.0.0.1'] },
    }),
  });
  alice = await kit.addUser('alice@example.test');
});
afterAll(async () => {
  await kit.close();
  await remote.close();
});
beforeEach(() => {
  remote.rcpt = () => undefined;
});

async function submit(to: string | string[], subject: string, extra: { bcc?: string } = {}): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: kit.submission.port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: alice.email, pass: alice.appPassword } });
  await t.sendMail({ from: alice.email, to, subject, text: `Body of ${subject}`, ...extra });
  t.close();
}
const items = async (recipient: string) => (await kit.servers.queue.list({ userId: alice.userId })).filter((r) => r.recipient === recipient);
const receivedBy = (subject: string) => remote.received.filter((m) => m.raw.toString().includes(`Subject: ${subject}`));

describe('outbound queue', () => {
  it('queues remote recipients durably before 250, then delivers to the preferred MX, DKIM-signed, without Bcc', async () => {
    await submit('dave@remote.test', 'to dave', { bcc: 'erin@remote.test' });
    const [item] = await items('dave@remote.test');
    expect(item).toMatchObject({ status: 'queued', sender: alice.email, origin: 'submission', attempts: 0 });
    expect(await items('erin@remote.test')).toHaveLength(1);

    expect(await kit.servers.worker.runDue()).toBe(2);
    const got = receivedBy('to dave');
    expect(got.map((m) => m.to).sort()).toEqual([['dave@remote.test'], ['erin@remote.test']]);
    expect(got[0]!.from).toBe(alice.email);
    expect(headerValues(got[0]!.raw, 'bcc')).toEqual([]);
    expect((await items('dave@remote.test'))[0]).toMatchObject({ status: 'delivered', attempts: 1, last_host: 'mx1.remote.test' });

    // The signature verifies against the record the admin is told to publish.
    const record = dkimDnsRecordFor(await kit.servers.dkimKeys.key('example.test'));
    expect(await kit.servers.dkimDnsRecord('example.test')).toEqual(record);
    const verdict = await mailauthAuthenticate(got[0]!.raw, {
      sender: alice.email, ip: '192.0.2.1', helo: 'example.test', mta: 'remote.test', resolver: staticResolver({ [record.name]: { TXT: [[record.value]] } }), disableBimi: true,
    });
    expect(verdict.dkim.results?.[0]?.status.result).toBe('pass');

    const events = await kit.appliance.log.readStream(outboundStream(item!.queue_id));
    expect(events.map((e) => e.type)).toEqual(['mail.OutboundQueued', 'mail.DeliveryAttempted', 'mail.Delivered']);
    expect(await kit.servers.worker.runDue()).toBe(0);
  });

  it('falls back to the domain\'s own address when it has no MX', async () => {
    await submit('frank@nomx.test', 'implicit mx');
    await kit.servers.worker.runDue();
    expect(receivedBy('implicit mx')).toHaveLength(1);
  });

  it('bounces on a 5xx and puts a DSN in the sender\'s INBOX', async () => {
    remote.rcpt = (a) => (a === 'nobody@remote.test' ? '550 5.1.1 <nobody@remote.test>: user unknown' : undefined);
    await submit('nobody@remote.test', 'to nobody');
    await kit.servers.worker.runDue();
    const [item] = await items('nobody@remote.test');
    expect(item).toMatchObject({ status: 'bounced', last_code: 550 });
    const events = await kit.appliance.log.readStream(outboundStream(item!.queue_id));
    expect(events.at(-1)).toMatchObject({ type: 'mail.Bounced', data: { status: '5.1.1', reason: 'rejected', dsnSent: true } });

    const inbox = await kit.messages(alice.userId);
    const dsn = inbox.find((m) => m.raw.toString().includes('Final-Recipient: rfc822; nobody@remote.test'));
    expect(dsn).toBeDefined();
    const parsed = await simpleParser(dsn!.raw);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(dsn!.raw.toString()).toContain('Status: 5.1.1');
    expect(dsn!.raw.toString()).toContain('Diagnostic-Code: smtp; 550 5.1.1 <nobody@remote.test>: user unknown');
  });

  it('defers on a 4xx and retries on schedule until it is accepted', async () => {
    let tries = 0;
    remote.rcpt = (a) => (a === 'grey@remote.test' && tries++ < 2 ? '451 4.7.1 greylisted, try later' : undefined);
    await submit('grey@remote.test', 'greylisted');
    await kit.servers.worker.runDue();
    let [item] = await items('grey@remote.test');
    // Both MX hosts were tried in this attempt (4xx from one → the next), then deferred.
    expect(item).toMatchObject({ status: 'deferred', attempts: 1, last_code: 451, next_attempt_at: clock + 10 * MINUTE });
    // Its bytes are kept by blob GC until it is finished.
    const refs: string[] = [];
    for await (const sha of smtpBlobRefs(kit.db)) refs.push(sha);
    expect(refs).toContain(item!.sha256);
    expect(await kit.servers.worker.runDue()).toBe(0);
    clock += 10 * MINUTE;
    expect(await kit.servers.worker.runDue()).toBe(1);
    [item] = await items('grey@remote.test');
    expect(item).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receivedBy('greylisted')).toHaveLength(1);
  });

  it('gives up at expiry with status 4.4.7 and a DSN', async () => {
    remote.rcpt = (a) => (a === 'slow@remote.test' ? '452 4.2.2 mailbox full' : undefined);
    await submit('slow@remote.test', 'never fits');
    const start = clock;
    for (let i = 0; i < 10; i++) {
      await kit.servers.worker.runDue();
      const [row] = await items('slow@remote.test');
      if (row!.status === 'bounced') break;
      clock = row!.next_attempt_at;
    }
    const [item] = await items('slow@remote.test');
    expect(item).toMatchObject({ status: 'bounced' });
    expect(clock - start).toBe(60 * MINUTE);
    const events = await kit.appliance.log.readStream(outboundStream(item!.queue_id));
    // Attempts at 0, +10 and +40 minutes are deferred (the third to the expiry time, not +30), the one at +60 bounces.
    expect(events.map((e) => e.type).filter((t) => t === 'mail.DeliveryDeferred')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'mail.Bounced', data: { status: '4.4.7', reason: 'expired', dsnSent: true } });
    expect((await kit.messages(alice.userId)).some((m) => m.raw.toString().includes('Final-Recipient: rfc822; slow@remote.test'))).toBe(true);
  });

  it('never bounces a bounce: no DSN for the null sender', async () => {
    remote.rcpt = () => '550 5.1.1 no';
    const before = (await kit.messages(alice.userId)).length;
    const [id] = await kit.servers.queue.enqueue({
      sender: '', recipients: ['gone@remote.test'], raw: Buffer.from('From: MAILER-DAEMON@example.test\r\nTo: gone@remote.test\r\nSubject: a bounce\r\n\r\nx\r\n'),
      userId: alice.userId, origin: 'autoreply', idempotencyKey: 'null-sender-test',
    }, kit.meta());
    await kit.servers.worker.runDue();
    const events = await kit.appliance.log.readStream(outboundStream(id!));
    expect(events.at(-1)).toMatchObject({ type: 'mail.Bounced', data: { dsnSent: false } });
    expect((await kit.messages(alice.userId)).length).toBe(before);
  });

  it('bounces mail to a domain that does not exist without contacting anyone', async () => {
    await submit('x@no-such-domain.test', 'nxdomain');
    await kit.servers.worker.runDue();
    const [item] = await items('x@no-such-domain.test');
    expect(item).toMatchObject({ status: 'bounced' });
    expect(receivedBy('nxdomain')).toHaveLength(0);
  });

  it('rebuilds mail_outbound identically from the events', async () => {
    const before = await kit.servers.queue.list();
    await kit.appliance.projections.rebuild(['mail.outbound']);
    expect(await kit.servers.queue.list()).toEqual(before);
  });
});

describe('outbound through a smarthost', () => {
  it('authenticates over STARTTLS and hands every message to the relay', async () => {
    const relay = await startFakeRemoteMx({ auth: { user: 'relay-user', pass: 'p@ss:word' }, tls: kit.appliance.services.tls });
    const smart = await createSmtpKit({
      listen: { mx: false, submissions: false },
      smarthost: `smtp://relay-user:${encodeURIComponent('p@ss:word')}@127.0.0.1:${relay.port}?tls=insecure`,
    });
    try {
      const u = await smart.addUser('zoe@example.test');
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: smart.submission.port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: u.email, pass: u.appPassword } });
      await t.sendMail({ from: u.email, to: 'someone@anywhere.test', subject: 'via relay', text: 'x' });
      t.close();
      await smart.servers.worker.runDue();
      expect(relay.received.map((m) => m.to)).toEqual([['someone@anywhere.test']]);
    } finally {
      await smart.close();
      await relay.close();
    }
  });
});
