// /mail/admin end to end: the page through the HTTP app with real sessions and CSRF
// tokens, the MX and submission on real sockets (nodemailer), the outbound worker
// against a closed port. Catch-all on/off as the MX sees it, no relay for foreign
// domains, the DKIM record the page shows, the queue's retry and cancel, and 403 for
// everyone who is not an administrator.
import { createServer } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { createSmtpKit, type SmtpKit, type SmtpKitUser } from '../smtp/testing/smtp-kit.ts';
import { staticResolver } from '../smtp/testing/static-resolver.ts';

let kit: SmtpKit;
let alice: SmtpKitUser;
let bob: SmtpKitUser;
let admin: TestClient;
let user: TestClient;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  kit = await createSmtpKit({
    listen: { submissions: false },
    outboundPort: await closedPort(),
    resolver: staticResolver({ 'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] }, 'mx.remote.test': { A: ['127.0.0.1'] } }),
  });
  alice = await kit.addUser('alice@example.test');
  bob = await kit.addUser('bob@example.test');
  admin = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await admin.login(kit.appliance.owner.email, kit.appliance.owner.password)).status).toBe(303);
  user = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await user.login(alice.email, alice.password)).status).toBe(303);
});
afterAll(() => kit.close());

const mx = () => nodemailer.createTransport({ host: '127.0.0.1', port: kit.mx.port, secure: false, ignoreTLS: true, name: 'mta.sender.test' });
const submission = (u: SmtpKitUser) => nodemailer.createTransport({
  host: '127.0.0.1', port: kit.submission.port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: u.email, pass: u.appPassword },
});
async function sendMx(to: string, subject: string) {
  const t = mx();
  try {
    return await t.sendMail({ from: 'someone@nowhere.test', to, subject, text: 'hello' });
  } finally {
    t.close();
  }
}
const refusal = (to: string) => sendMx(to, 'refused').then(() => undefined, (e: unknown) => e as { responseCode?: number; command?: string });
const subjects = async (u: SmtpKitUser) => (await kit.messages(u.userId)).map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim());
async function adminPost(path: string, form: Record<string, string> = {}) {
  await admin.page('/mail/admin');
  return admin.post(path, form);
}
const resolve = (address: string) => kit.store.accountForAddress(address, async (a) => (await kit.appliance.auth.userByEmail(a))?.id);

describe('mail administration: catch-all', () => {
  it('refuses an unknown address at RCPT while no catch-all is set', async () => {
    expect(await refusal('anything@example.test')).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
  });

  it('delivers any unknown address of the domain to the chosen user once set; known addresses and aliases keep theirs', async () => {
    const res = await adminPost('/mail/admin/catch-all', { domain: 'example.test', account: bob.email });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/mail/admin?done=catch-all#domains');
    expect(await kit.store.catchAlls()).toEqual(new Map([['example.test', bob.userId]]));
    expect((await sendMx('Anything@Example.test', 'to the catch-all')).response).toMatch(/^250/);
    expect(await subjects(bob)).toContain('to the catch-all');
    // Known addresses are not caught.
    await sendMx(alice.email, 'to alice');
    expect(await subjects(alice)).toContain('to alice');
    expect(await subjects(bob)).not.toContain('to alice');
    // An alias is carved out of the catch-all domain: the settings page lets alice take it, and it wins.
    await user.page('/mail/settings');
    expect((await user.post('/mail/settings/aliases', { address: 'sales@example.test' })).status).toBe(303);
    expect(await resolve('sales@example.test')).toBe(alice.userId);
    // Submission's local delivery uses the same resolution.
    const t = submission(alice);
    await t.sendMail({ from: alice.email, to: 'whoever@example.test', subject: 'submitted to the catch-all', text: 'x' });
    t.close();
    expect(await subjects(bob)).toContain('submitted to the catch-all');
    expect(await kit.servers.queue.list({ userId: alice.userId })).toEqual([]);
    // Setting the same account again changes nothing (no event).
    const before = (await kit.appliance.log.readStream('mail-domain:example.test')).length;
    expect((await adminPost('/mail/admin/catch-all', { domain: 'example.test', account: bob.email })).status).toBe(303);
    expect((await kit.appliance.log.readStream('mail-domain:example.test')).length).toBe(before);
    expect(await admin.page('/mail/admin')).toMatch(new RegExp(`<option value="${bob.email}" selected`));
  });

  it('refuses unknown addresses again once unset', async () => {
    expect((await adminPost('/mail/admin/catch-all', { domain: 'example.test', account: '' })).status).toBe(303);
    expect(await kit.store.catchAlls()).toEqual(new Map());
    expect(await refusal('anything@example.test')).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    const events = await kit.appliance.log.readStream('mail-domain:example.test');
    expect(events.map((e) => e.data)).toEqual([{ domain: 'example.test', accountId: bob.userId }, { domain: 'example.test', accountId: null }]);
  });

  it('never catches for a domain that is not ours: refused when set, relay denied at RCPT, no resolution', async () => {
    const res = await adminPost('/mail/admin/catch-all', { domain: 'elsewhere.test', account: bob.email });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('elsewhere.test is not one of this server’s domains');
    expect(await kit.store.catchAlls()).toEqual(new Map());
    expect(await refusal('anything@elsewhere.test')).toMatchObject({ responseCode: 554, command: 'RCPT TO' });
    expect(await resolve('anything@elsewhere.test')).toBeUndefined();
    // An unknown user is refused too.
    expect((await adminPost('/mail/admin/catch-all', { domain: 'example.test', account: 'ghost@example.test' })).status).toBe(404);
  });

  it('looks up the exact domain, and stops catching when the domain or the account goes away', async () => {
    const sys = { actor: 'system', source: 'system' } as const;
    await kit.appliance.identity.addDomain('team.test', sys);
    const dave = await kit.addUser('dave@example.test');
    expect((await adminPost('/mail/admin/catch-all', { domain: 'team.test', account: bob.email })).status).toBe(303);
    expect(await resolve('x@team.test')).toBe(bob.userId);
    expect(await resolve('x@sub.team.test')).toBeUndefined();
    expect(await resolve('x@team.test.evil.test')).toBeUndefined();
    await kit.appliance.identity.removeDomain('team.test', sys);
    expect(await resolve('x@team.test')).toBeUndefined();
    expect(await refusal('x@team.test')).toMatchObject({ responseCode: 554 });
    // A removed account never receives: refused at RCPT rather than filed into a mailbox nobody has.
    expect((await adminPost('/mail/admin/catch-all', { domain: 'example.test', account: dave.email })).status).toBe(303);
    expect(await resolve('nobody@example.test')).toBe(dave.userId);
    await kit.appliance.identity.removeUser(dave.userId, sys);
    expect(await refusal('nobody@example.test')).toMatchObject({ responseCode: 550 });
    expect((await adminPost('/mail/admin/catch-all', { domain: 'example.test', account: '' })).status).toBe(303);
  });
});

describe('mail administration: DNS records', () => {
  it('shows MX, SPF, the DKIM record the key store gives, DMARC and the SRV records for each local domain', async () => {
    const html = await admin.page('/mail/admin');
    const record = await kit.servers.dkimDnsRecord('example.test');
    expect(record.name).toBe('cairn._domainkey.example.test');
    expect(html).toContain(`<pre class="dkim-value" data-domain="example.test">${record.value}</pre>`);
    const zone = (/<pre class="dns-records" data-domain="example.test">([^<]*)<\/pre>/.exec(html)?.[1] ?? '').replaceAll('&quot;', '"');
    expect(zone).toContain('example.test. 3600 IN MX 10 example.test.');
    expect(zone).toContain('example.test. 3600 IN TXT "v=spf1 mx -all"');
    expect(zone).toContain('_dmarc.example.test. 3600 IN TXT "v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test"');
    expect(zone).toContain('_submissions._tcp.example.test. 3600 IN SRV');
    // The DKIM line: the same value in 255-byte strings.
    const dkimLine = zone.split('\n').find((l) => l.startsWith('cairn._domainkey.example.test. 3600 IN TXT '))!;
    const strings = [...dkimLine.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(strings.every((s) => s.length <= 255)).toBe(true);
    expect(strings.join('')).toBe(record.value);
  });

  it('is linked from the device set-up page for administrators only', async () => {
    expect(await admin.page('/mail/setup')).toContain('href="/mail/admin"');
    expect(await user.page('/mail/setup')).not.toContain('href="/mail/admin"');
  });
});

describe('mail administration: outbound queue', () => {
  let queueId: string;

  it('lists a deferred message with its sender, recipient, attempts, last error and next attempt', async () => {
    const t = submission(alice);
    await t.sendMail({ from: alice.email, to: 'far@remote.test', subject: 'to a dead server', text: 'x' });
    t.close();
    expect(await kit.servers.worker.runDue()).toBe(1);
    const [item] = await kit.servers.queue.list({ userId: alice.userId });
    expect(item).toMatchObject({ status: 'deferred', attempts: 1, recipient: 'far@remote.test' });
    queueId = item!.queue_id;
    expect(item!.next_attempt_at).toBeGreaterThan(Date.now());
    const html = await admin.page('/mail/admin');
    const row = new RegExp(`<tr data-queue-id="${queueId}" data-status="deferred">(.*?)</tr>`, 's').exec(html)?.[1] ?? '';
    expect(row).toContain(alice.email);
    expect(row).toContain('far@remote.test');
    expect(row).toContain('<td>1</td>');
    expect(row).toContain(item!.last_error!);
    expect(row).toContain(`<time datetime="${new Date(item!.next_attempt_at).toISOString()}"`);
    expect(row).toContain(`action="/mail/admin/queue/${queueId}/retry"`);
  });

  it('refuses everything to someone who is not an administrator, reads and writes alike', async () => {
    const refused = async (res: Response) => {
      expect(res.status).toBe(403);
      // The role check answered, not the CSRF check: the token is valid.
      expect(await res.text()).toContain('Only administrators can manage mail domains and the queue.');
    };
    await refused(await user.get('/mail/admin'));
    await user.page('/mail/settings');
    await refused(await user.post('/mail/admin/catch-all', { domain: 'example.test', account: alice.email }));
    await refused(await user.post(`/mail/admin/queue/${queueId}/retry`));
    await refused(await user.post(`/mail/admin/queue/${queueId}/cancel`));
    expect((await kit.store.catchAlls()).get('example.test')).toBeUndefined();
    expect((await kit.servers.queue.item(queueId))?.status).toBe('deferred');
    // Signed out: the login page, never the admin page.
    expect((await new TestClient(kit.appliance.app, 'http://example.test').get('/mail/admin')).status).toBe(302);
  });

  it('retries now: the next attempt moves to now and the worker tries it', async () => {
    const res = await adminPost(`/mail/admin/queue/${queueId}/retry`);
    expect(res.status).toBe(303);
    const item = await kit.servers.queue.item(queueId);
    expect(item!.next_attempt_at).toBeLessThanOrEqual(Date.now());
    expect((await kit.appliance.log.readStream(`mail-outbound:${queueId}`)).map((e) => e.type)).toContain('mail.DeliveryRescheduled');
    expect(await kit.servers.worker.runDue()).toBe(1);
    expect(await kit.servers.queue.item(queueId)).toMatchObject({ status: 'deferred', attempts: 2 });
  });

  it('cancels: the message is dropped, never tried again, and shown as cancelled without actions', async () => {
    expect((await adminPost(`/mail/admin/queue/${queueId}/cancel`)).status).toBe(303);
    expect(await kit.servers.queue.item(queueId)).toMatchObject({ status: 'cancelled', attempts: 2 });
    const again = await adminPost(`/mail/admin/queue/${queueId}/retry`); // on a cancelled item: a conflict, shown on the page
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already cancelled');
    // Due or not, the worker leaves it alone.
    expect(await kit.servers.worker.runDue()).toBe(0);
    const html = await admin.page('/mail/admin');
    const row = new RegExp(`<tr data-queue-id="${queueId}" data-status="cancelled">(.*?)</tr>`, 's').exec(html)?.[1];
    expect(row).toBeDefined();
    expect(row).not.toContain('/retry');
    // Nothing went back to alice (no DSN).
    expect((await kit.messages(alice.userId)).some((m) => m.raw.toString().includes('multipart/report'))).toBe(false);
    // Cancelling twice is a no-op; an unknown id is 404.
    expect((await adminPost(`/mail/admin/queue/${queueId}/cancel`)).status).toBe(303);
    expect((await adminPost('/mail/admin/queue/0123456789abcdefghjkmnpqrs/cancel')).status).toBe(404);
    expect((await adminPost('/mail/admin/queue/..%2F..%2Fetc/cancel')).status).toBe(404);
  });

  it('rebuilds the queue and catch-all read models identically from the events', async () => {
    const queueBefore = await kit.servers.queue.list();
    const catchAllBefore = await kit.store.catchAlls();
    await kit.appliance.projections.rebuild(['mail.outbound', 'mail.catchall']);
    expect(await kit.servers.queue.list()).toEqual(queueBefore);
    expect(await kit.store.catchAlls()).toEqual(catchAllBefore);
  });
});
