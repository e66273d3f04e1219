import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../core/http/test-client.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../testing/mail-kit.ts';

let kit: MailKit;
let ann: MailKitUser;
let bob: MailKitUser;
let annWeb: TestClient;
let bobWeb: TestClient;

beforeAll(async () => {
  kit = await createMailTestAppliance();
  ann = await kit.addUser('ann@example.test');
  bob = await kit.addUser('bob@example.test');
  annWeb = new TestClient(kit.appliance.app, 'http://example.test');
  bobWeb = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await annWeb.login(ann.email, ann.password)).status).toBe(303);
  expect((await bobWeb.login(bob.email, bob.password)).status).toBe(303);
});
afterAll(() => kit.close());

async function box(userId: string, use: '\\Sent' | '\\Drafts' | 'INBOX' | '\\Junk') {
  await kit.store.ensureAccount(userId, kit.meta());
  return (await kit.store.mailboxBySpecialUse(userId, use))!;
}
async function rawMessages(userId: string, use: '\\Sent' | '\\Drafts' | 'INBOX' | '\\Junk') {
  const mb = await box(userId, use);
  const metas = await kit.store.messages(mb.id);
  return Promise.all(metas.map(async (m) => ({ uid: m.uid, flags: m.flags, raw: (await kit.store.readMessage(m.sha256)).toString('utf8') })));
}
const form = (over: Record<string, string>) => ({ from: ann.email, to: '', cc: '', bcc: '', subject: '', body: '', action: 'send', ...over });

/** Uploads a file as compose.js does (multipart, token in the header). */
async function upload(client: TestClient, name: string, content: string | Buffer, type = 'text/plain'): Promise<Response> {
  const fd = new FormData();
  fd.append('file', new File([typeof content === 'string' ? content : new Uint8Array(content)], name, { type }));
  const headers = client.headers({});
  headers['X-CSRF-Token'] = client.csrfToken;
  return client.app.request('http://example.test/mail/compose/attachments', { method: 'POST', body: fd, headers });
}

describe('compose', () => {
  it('shows the form with the user’s addresses and refuses a post without the CSRF token', async () => {
    const html = await annWeb.page('/mail/compose');
    expect(html).toContain('id="compose-form"');
    expect(html).toContain(`<option value="${ann.email}" selected="">`);
    expect(html).toContain('/mail/compose/compose.js');
    expect((await annWeb.post('/mail/compose', form({ to: bob.email, subject: 'x' }), { noCsrf: true })).status).toBe(403);
    const js = await annWeb.get('/mail/compose/compose.js');
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('sends to another local user: it arrives in their INBOX, the Sent copy has no Bcc', async () => {
    await annWeb.page('/mail/compose');
    const res = await annWeb.post('/mail/compose', form({ to: `Bob <${bob.email}>`, bcc: 'ann@example.test', subject: 'Lunch?', body: 'At noon.' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/mail/compose/sent');
    const inbox = await rawMessages(bob.userId, 'INBOX');
    const got = inbox.find((m) => m.raw.includes('Subject: Lunch?'))!;
    expect(got.raw).toContain('At noon.');
    expect(got.raw).not.toMatch(/^Bcc:/im);
    const sent = (await rawMessages(ann.userId, '\\Sent')).find((m) => m.raw.includes('Subject: Lunch?'))!;
    expect(sent.flags).toContain('\\Seen');
    expect(sent.raw).not.toMatch(/^Bcc:/im);
    expect(sent.raw).toMatch(/^Message-ID: </im);
    // The Bcc recipient got it too.
    expect((await rawMessages(ann.userId, 'INBOX')).some((m) => m.raw.includes('Subject: Lunch?'))).toBe(true);
  });

  it('replies with In-Reply-To, References, Re: and the quoted original, and marks it answered', async () => {
    const inbox = await box(bob.userId, 'INBOX');
    const msg = (await rawMessages(bob.userId, 'INBOX')).find((m) => m.raw.includes('Subject: Lunch?'))!;
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(msg.raw)![1]!;
    const html = await bobWeb.page(`/mail/compose?reply=${inbox.id}:${msg.uid}`);
    expect(html).toContain('value="Re: Lunch?"');
    expect(html).toContain('&gt; At noon.');
    expect(html).toContain(`value="${messageId.replace('<', '&lt;').replace('>', '&gt;')}"`);
    const body = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1]!.replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
    const res = await bobWeb.post('/mail/compose', {
      from: bob.email, to: ann.email, cc: '', bcc: '', subject: 'Re: Lunch?', body: `Yes!${body}`, action: 'send',
      inReplyTo: messageId, references: messageId, answering: `${inbox.id}:${msg.uid}`,
    });
    expect(res.status).toBe(303);
    const reply = (await rawMessages(ann.userId, 'INBOX')).find((m) => m.raw.includes('Subject: Re: Lunch?'))!;
    expect(reply.raw).toContain(`In-Reply-To: ${messageId}`);
    expect(reply.raw).toContain(`References: ${messageId}`);
    expect(reply.raw).toContain('> At noon.');
    expect((await kit.store.messages(inbox.id)).find((m) => m.uid === msg.uid)!.flags).toContain('\\Answered');
  });

  it('replies to all: the others in To and Cc, never the user himself', async () => {
    const raw = Buffer.from(`From: Ann <${ann.email}>\r\nTo: ${bob.email}, Dora <dora@remote.test>\r\nCc: eve@remote.test\r\nSubject: Plans\r\nMessage-ID: <plans@example.test>\r\n\r\nLet us meet.\r\n`);
    const { mailboxId, uid } = await kit.store.deliver(bob.userId, raw, {}, kit.meta());
    const html = await bobWeb.page(`/mail/compose?replyAll=${mailboxId}:${uid}`);
    expect(html).toContain(`id="compose-to" name="to" type="text" value="&quot;Ann&quot; &lt;${ann.email}&gt;"`);
    expect(html).toContain('id="compose-cc" name="cc" type="text" value="dora@remote.test, eve@remote.test"');
    expect(html).toContain('value="Re: Plans"');
  });

  it('forwards inline and as an attachment; another user cannot open the original', async () => {
    const inbox = await box(bob.userId, 'INBOX');
    const msg = (await rawMessages(bob.userId, 'INBOX')).find((m) => m.raw.includes('Subject: Lunch?'))!;
    const inline = await bobWeb.page(`/mail/compose?forward=${inbox.id}:${msg.uid}`);
    expect(inline).toContain('value="Fwd: Lunch?"');
    expect(inline).toContain('Forwarded message');
    const html = await bobWeb.page(`/mail/compose?forwardAttached=${inbox.id}:${msg.uid}`);
    const token = /name="attachment" value="([^"]+)"/.exec(html)![1]!;
    expect(html).toContain('Lunch?.eml');
    const res = await bobWeb.post('/mail/compose', { from: bob.email, to: ann.email, cc: '', bcc: '', subject: 'Fwd: Lunch?', body: 'see attached', action: 'send', attachment: token });
    expect(res.status).toBe(303);
    const fwd = (await rawMessages(ann.userId, 'INBOX')).find((m) => m.raw.includes('Subject: Fwd: Lunch?'))!;
    expect(fwd.raw).toMatch(/Content-Type: message\/rfc822/i);
    expect((await annWeb.get(`/mail/compose?reply=${inbox.id}:${msg.uid}`)).status).toBe(404);
  });

  it('uploads an attachment, then sends it; refuses files over the limit and others’ tokens', async () => {
    await annWeb.page('/mail/compose');
    const res = await upload(annWeb, 'notes.txt', 'attached words');
    expect(res.status).toBe(200);
    const li = await res.text();
    const token = /name="attachment" value="([^"]+)"/.exec(li)![1]!;
    expect(li).toContain('notes.txt');
    expect((await upload(annWeb, 'big.bin', Buffer.alloc(26 * 1024 * 1024), 'application/octet-stream')).status).toBe(413);
    // Bob cannot send Ann's staged file.
    await bobWeb.page('/mail/compose');
    await bobWeb.post('/mail/compose', { from: bob.email, to: bob.email, cc: '', bcc: '', subject: 'steal', body: '', action: 'send', attachment: token });
    const stolen = (await rawMessages(bob.userId, 'INBOX')).find((m) => m.raw.includes('Subject: steal'))!;
    expect(stolen.raw).not.toContain('notes.txt');
    expect((await annWeb.post('/mail/compose', form({ to: bob.email, subject: 'With file', body: 'see file', attachment: token }))).status).toBe(303);
    const got = (await rawMessages(bob.userId, 'INBOX')).find((m) => m.raw.includes('Subject: With file'))!;
    expect(got.raw).toContain('filename=notes.txt');
    expect(got.raw).toContain(Buffer.from('attached words').toString('base64'));
  });

  it('autosaves drafts, each version replacing the previous one, and another user cannot touch them', async () => {
    await annWeb.page('/mail/compose');
    const first = await annWeb.post('/mail/compose/draft', form({ to: bob.email, subject: 'Draft v1', body: 'one' }), { htmx: true });
    expect(first.status).toBe(200);
    const uid1 = /name="draftUid" value="(\d+)"/.exec(await first.text())![1]!;
    const second = await annWeb.post('/mail/compose/draft', form({ to: bob.email, subject: 'Draft v2', body: 'two', draftUid: uid1 }), { htmx: true });
    const uid2 = /name="draftUid" value="(\d+)"/.exec(await second.text())![1]!;
    expect(Number(uid2)).toBeGreaterThan(Number(uid1));
    let drafts = await rawMessages(ann.userId, '\\Drafts');
    expect(drafts.map((d) => d.uid)).toEqual([Number(uid2)]);
    expect(drafts[0]!.flags).toContain('\\Draft');
    // Bob names Ann's draft UID: only his own Drafts are ever looked at.
    await bobWeb.page('/mail/compose');
    await bobWeb.post('/mail/compose/draft', { from: bob.email, to: '', cc: '', bcc: '', subject: 'mine', body: '', draftUid: uid2 }, { htmx: true });
    expect((await bobWeb.get(`/mail/compose?draft=${uid2}`)).status).toBe(404);
    drafts = await rawMessages(ann.userId, '\\Drafts');
    expect(drafts.map((d) => d.uid)).toEqual([Number(uid2)]);
    // Ann reopens and sends it: the draft goes away.
    const html = await annWeb.page(`/mail/compose?draft=${uid2}`);
    expect(html).toContain('value="Draft v2"');
    expect((await annWeb.post('/mail/compose', form({ to: bob.email, subject: 'Draft v2', body: 'two', draftUid: uid2 }))).status).toBe(303);
    expect(await rawMessages(ann.userId, '\\Drafts')).toEqual([]);
  });

  it('sends as an alias, and refuses a foreign From', async () => {
    await kit.store.addAlias(ann.userId, 'sales@example.test', kit.meta());
    const html = await annWeb.page('/mail/compose');
    expect(html).toContain('<option value="sales@example.test"');
    expect((await annWeb.post('/mail/compose', form({ from: 'sales@example.test', to: bob.email, subject: 'From sales' }))).status).toBe(303);
    const got = (await rawMessages(bob.userId, 'INBOX')).find((m) => m.raw.includes('Subject: From sales'))!;
    expect(got.raw).toMatch(/^From: sales@example\.test/im);
    const refused = await annWeb.post('/mail/compose', form({ from: bob.email, to: bob.email, subject: 'Spoofed' }));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('not one of your addresses');
    expect((await rawMessages(bob.userId, 'INBOX')).some((m) => m.raw.includes('Subject: Spoofed'))).toBe(false);
    const unknown = await annWeb.post('/mail/compose', form({ to: 'nobody@example.test', subject: 'Typo' }));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('nobody@example.test');
  });

  it('suggests addresses the user wrote to', async () => {
    await annWeb.page('/mail/compose');
    const res = await annWeb.get('/mail/compose/suggest?field=to&to=x%40y.test%2C%20bo', { htmx: true });
    const html = await res.text();
    expect(html).toContain(`value="x@y.test, ${bob.email}"`);
    expect(await (await bobWeb.get('/mail/compose/suggest?q=zzz', { htmx: true })).text()).toBe('');
  });
});
