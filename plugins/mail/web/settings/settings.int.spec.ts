import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../core/http/test-client.ts';
import type { createMailSettings } from '../../settings/mail-settings-service.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../testing/mail-kit.ts';

let kit: MailKit;
let ann: MailKitUser;
let bob: MailKitUser;
let carl: MailKitUser;
const web = new Map<string, TestClient>();
let settings: ReturnType<typeof createMailSettings>;

beforeAll(async () => {
  kit = await createMailTestAppliance();
  settings = kit.appliance.services.services.require('mail.settings');
  ann = await kit.addUser('ann@example.test');
  bob = await kit.addUser('bob@example.test');
  carl = await kit.addUser('carl@other.test');
  for (const u of [ann, bob, carl]) {
    const c = new TestClient(kit.appliance.app, 'http://example.test');
    expect((await c.login(u.email, u.password)).status).toBe(303);
    web.set(u.email, c);
  }
});
afterAll(() => kit.close());

const as = (u: MailKitUser) => web.get(u.email)!;
async function subjects(userId: string, use: '\\Junk' | 'INBOX' | '\\Archive' | '\\Trash') {
  await kit.store.ensureAccount(userId, kit.meta());
  const mb = (await kit.store.mailboxBySpecialUse(userId, use))!;
  const metas = await kit.store.messages(mb.id);
  return (await kit.store.messageRecords(mb.id, metas.map((m) => m.uid))).map((r) => ({ subject: r.index.subject, flags: r.flags }));
}
async function send(from: MailKitUser, to: string, subject: string) {
  await as(from).page('/mail/compose');
  const res = await as(from).post('/mail/compose', { from: from.email, to, cc: '', bcc: '', subject, body: 'hello', action: 'send' });
  expect(res.status).toBe(303);
}
async function post(u: MailKitUser, path: string, form: Record<string, string>) {
  await as(u).page('/mail/settings');
  return as(u).post(path, form);
}

describe('mail settings pages', () => {
  it('refuses a change without the CSRF token', async () => {
    await as(ann).page('/mail/settings');
    expect((await as(ann).post('/mail/settings/aliases', { address: 'x@example.test' }, { noCsrf: true })).status).toBe(403);
  });

  it('adds and removes aliases: local domains only, never another account’s address', async () => {
    expect((await post(ann, '/mail/settings/aliases', { address: 'Team@Example.test' })).status).toBe(303);
    expect(await kit.store.aliases(ann.userId)).toEqual(['team@example.test']);
    expect(await as(ann).page('/mail/settings')).toContain('team@example.test');
    const foreign = await post(ann, '/mail/settings/aliases', { address: 'me@elsewhere.test' });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('not one of this server');
    const taken = await post(ann, '/mail/settings/aliases', { address: bob.email });
    expect(taken.status).toBe(403);
    expect((await post(bob, '/mail/settings/aliases', { address: 'team@example.test' })).status).toBe(403);
    // Mail to the alias arrives.
    await send(bob, 'team@example.test', 'To the team');
    expect((await subjects(ann.userId, 'INBOX')).map((m) => m.subject)).toContain('To the team');
    expect((await post(ann, '/mail/settings/aliases/remove', { address: 'team@example.test' })).status).toBe(303);
    expect(await kit.store.aliases(ann.userId)).toEqual([]);
  });

  it('saves a redirection (with a local copy) that delivery follows', async () => {
    expect((await post(ann, '/mail/settings/redirections', { addresses: 'carl@other.test', keepLocalCopy: '1' })).status).toBe(303);
    expect((await settings.settingsOf(ann.userId)).redirections).toEqual({ addresses: ['carl@other.test'], keepLocalCopy: true });
    await send(bob, ann.email, 'Redirect me');
    expect((await subjects(carl.userId, 'INBOX')).map((m) => m.subject)).toContain('Redirect me');
    expect((await subjects(ann.userId, 'INBOX')).map((m) => m.subject)).toContain('Redirect me');
    const bad = await post(ann, '/mail/settings/redirections', { addresses: 'not an address' });
    expect(bad.status).toBe(400);
    expect((await post(ann, '/mail/settings/redirections', { addresses: '' })).status).toBe(303);
  });

  it('saves an automatic reply with its dates', async () => {
    const res = await post(bob, '/mail/settings/autoreply', { enabled: '1', subject: 'Away', body: 'Back on Monday', start: '2020-01-01T00:00', end: '2099-01-01T00:00' });
    expect(res.status).toBe(303);
    const ar = (await settings.settingsOf(bob.userId)).autoreply;
    expect(ar).toMatchObject({ enabled: true, subject: 'Away', body: 'Back on Monday', start: '2020-01-01T00:00:00.000Z', end: '2099-01-01T00:00:00.000Z' });
    const html = await as(bob).page('/mail/settings');
    expect(html).toContain('value="2099-01-01T00:00"');
    const wrong = await post(bob, '/mail/settings/autoreply', { enabled: '1', subject: '', body: '', start: '2030-01-02T00:00', end: '2030-01-01T00:00' });
    expect(wrong.status).toBe(400);
    expect((await post(bob, '/mail/settings/autoreply', { subject: '', body: '', start: '', end: '' })).status).toBe(303);
  });

  it('keeps signatures, one default per address, and compose inserts the default', async () => {
    expect((await post(ann, '/mail/settings/signatures', { name: 'Work', body: 'Ann, Example Inc.', defaultFor: ann.email })).status).toBe(303);
    expect((await post(ann, '/mail/settings/signatures', { name: 'Short', body: '— A', defaultFor: ann.email })).status).toBe(303);
    let html = await as(ann).page('/mail/settings');
    expect(html).toMatch(/Short<\/strong><span class="muted small"> — default for ann@example\.test/);
    expect(html).not.toMatch(/Work<\/strong><span/);
    const compose = await as(ann).page('/mail/compose');
    expect(compose).toContain('-- \n— A');
    expect(compose).toContain('data-body="Ann, Example Inc."');
    const id = /data-signature="([^"]+)"/.exec(html)![1]!;
    expect((await post(ann, '/mail/settings/signatures/delete', { id })).status).toBe(303);
    html = await as(ann).page('/mail/settings');
    expect(html).not.toContain('Ann, Example Inc.');
    expect((await kit.appliance.log.readStream(`mail-settings:${ann.userId}`)).map((e) => e.type)).toContain('mail.SignaturesSet');
  });

  it('adds a rule that delivery applies, applies another to existing Inbox mail, deletes rules', async () => {
    expect((await post(bob, '/mail/settings/rules', { field: 'subject', op: 'contains', value: '[news]', action: 'move', folder: 'Archive', stop: '1' })).status).toBe(303);
    await send(ann, bob.email, '[news] Weekly');
    expect((await subjects(bob.userId, '\\Archive')).map((m) => m.subject)).toContain('[news] Weekly');
    // Already in the Inbox before the rule exists.
    await send(ann, bob.email, 'Invoice 42');
    await send(ann, bob.email, 'Invoice 43');
    expect((await post(bob, '/mail/settings/rules', { field: 'from', op: 'contains', value: 'ann@', action: 'flag' })).status).toBe(303);
    const html = await as(bob).page('/mail/settings');
    const ids = [...html.matchAll(/data-rule="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect((await post(bob, '/mail/settings/rules', { field: 'header', header: 'x-invoice', op: 'contains', value: '' , action: 'read' })).status).toBe(400);
    expect((await post(bob, '/mail/settings/rules', { field: 'subject', op: 'contains', value: 'invoice', action: 'move', folder: 'Trash' })).status).toBe(303);
    const third = [...(await as(bob).page('/mail/settings')).matchAll(/data-rule="([^"]+)"/g)].map((m) => m[1]!)[2]!;
    expect((await post(bob, '/mail/settings/rules/apply', { id: third })).status).toBe(303);
    expect((await subjects(bob.userId, '\\Trash')).map((m) => m.subject).sort()).toEqual(['Invoice 42', 'Invoice 43']);
    expect((await subjects(bob.userId, 'INBOX')).map((m) => m.subject)).not.toContain('Invoice 42');
    expect((await post(bob, '/mail/settings/rules/apply', { id: ids[1]! })).status).toBe(303);
    expect((await subjects(bob.userId, 'INBOX')).every((m) => m.flags.includes('\\Flagged'))).toBe(true);
    for (const id of [...ids, third]) expect((await post(bob, '/mail/settings/rules/delete', { id })).status).toBe(303);
    expect((await settings.settingsOf(bob.userId)).rules).toEqual([]);
  });

  it('adds a size rule that forwards a copy to a local colleague and keeps the message', async () => {
    expect((await post(bob, '/mail/settings/rules', { field: 'size', op: 'over', value: 'big', action: 'flag' })).status).toBe(400);
    expect((await post(bob, '/mail/settings/rules', { field: 'subject', op: 'over', value: '1K', action: 'flag' })).status).toBe(400);
    expect((await post(bob, '/mail/settings/rules', { field: 'size', op: 'over', value: '1K', action: 'forward', forwardTo: carl.email })).status).toBe(303);
    expect(await as(bob).page('/mail/settings')).toContain(`size is larger than 1K ⇒ forward a copy to ${carl.email}`);
    await send(ann, bob.email, 'Short');
    await send(ann, bob.email, `Long ${'x'.repeat(3000)}`);
    expect((await subjects(bob.userId, 'INBOX')).map((m) => m.subject.slice(0, 5))).toEqual(expect.arrayContaining(['Short', 'Long ']));
    const carls = (await subjects(carl.userId, 'INBOX')).map((m) => m.subject.slice(0, 5));
    expect(carls).toContain('Long ');
    expect(carls).not.toContain('Short');
    const rules = (await settings.settingsOf(bob.userId)).rules;
    for (const r of rules) expect((await post(bob, '/mail/settings/rules/delete', { id: r.id })).status).toBe(303);
  });

  it('files blocked senders in Junk, never approved ones', async () => {
    expect((await post(carl, '/mail/settings/senders', { blocked: 'example.test', approved: 'Bob@Example.test' })).status).toBe(303);
    expect(await as(carl).page('/mail/settings')).toContain('@example.test');
    await send(ann, carl.email, 'From a blocked domain');
    await send(bob, carl.email, 'From an approved sender');
    expect((await subjects(carl.userId, '\\Junk')).map((m) => m.subject)).toEqual(['From a blocked domain']);
    expect((await subjects(carl.userId, 'INBOX')).map((m) => m.subject)).toContain('From an approved sender');
  });

  it('shows recent activity and links to devices', async () => {
    const html = await as(carl).page('/mail/settings');
    expect(html).toContain('Blocked/approved senders changed');
    expect(html).toContain('Delivered to Junk: “From a blocked domain”');
    expect(html).toContain('href="/account"');
    expect(await as(ann).page('/mail/settings')).toMatch(/Sent “Invoice 43” \(via the web\)/);
  });
});
