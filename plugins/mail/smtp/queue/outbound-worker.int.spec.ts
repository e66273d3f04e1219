// The worker on its own clock: started, it wakes when something is queued and delivers
// without anyone calling runDue; two workers on one database never send an item twice.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../core/logger.ts';
import { startFakeRemoteMx, type FakeRemoteMx } from '../testing/fake-remote-mx.ts';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from '../testing/smtp-kit.ts';
import { staticResolver } from '../testing/static-resolver.ts';
import { directMxTransport } from './remote-transport.ts';
import { OutboundWorker } from './outbound-worker.ts';
import { defaultRetryPolicy } from './retry-schedule.ts';

let remote: FakeRemoteMx;
let kit: SmtpKit;
let alice: SmtpKitUser;
const resolver = staticResolver({ 'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] }, 'mx.remote.test': { A: ['127.0.0.1'] } });

beforeAll(async () => {
  remote = await startFakeRemoteMx();
  kit = await createSmtpKit({ listen: { mx: false, submissions: false }, outboundPort: remote.port, resolver });
  alice = await kit.addUser('alice@example.test');
});
afterAll(async () => {
  await kit.close();
  await remote.close();
});

async function until(cond: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbound worker', () => {
  it('wakes on enqueue and delivers by itself; a second worker on the same tables never sends an item twice', async () => {
    const second = new OutboundWorker({
      events: kit.appliance.log, db: kit.db, blobs: kit.appliance.blobs, store: kit.store, resolveRecipient: async () => undefined,
      transport: directMxTransport({ hostname: 'example.test', resolver, port: remote.port }), policy: defaultRetryPolicy, now: Date.now,
      hostname: 'example.test', logger: silentLogger(),
    });
    kit.servers.startQueue();
    second.start();
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: kit.submission.port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: alice.email, pass: alice.appPassword } });
    const to = Array.from({ length: 8 }, (_, i) => `r${i}@remote.test`);
    await t.sendMail({ from: alice.email, to, subject: 'by itself', text: 'x' });
    t.close();
    // Both workers race for the items (the second is nudged by hand as if it were another process).
    const racing = second.runDue();
    await until(async () => (await kit.servers.queue.list({ status: 'delivered' })).length === 8);
    await racing;
    await second.stop();
    const got = remote.received.filter((m) => m.raw.toString().includes('Subject: by itself'));
    expect(got.map((m) => m.to[0]).sort()).toEqual([...to].sort());
    // A worker releases its lease after the delivery is recorded, so the read model can
    // say "delivered" a moment before the lease is gone: wait for it, bounded by until().
    await until(async () => (await kit.db.selectFrom('mail_outbound_leases').selectAll().execute()).length === 0);
    expect(await kit.db.selectFrom('mail_outbound_leases').selectAll().execute()).toEqual([]);
  });
});
