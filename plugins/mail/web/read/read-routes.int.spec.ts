import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestClient } from '../../../../core/http/test-client.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../testing/mail-kit.ts';

let k: MailKit;
let alice: MailKitUser;
let bob: MailKitUser;
let web: TestClient;
let bobWeb: TestClient;
let inbox: string;

function mail(o: { subject: string; from?: string; body?: string; html?: string; headers?: string[]; attachment?: { name: string; type: string; data: Buffer } }): Buffer {
  const head = [
    ...(o.headers ?? []),
    `From: ${o.from ?? 'Carol <carol@example.org>'}`, 'To: alice@example.test', `Subject: ${o.subject}`,
    `Date: ${new Date().toUTCString()}`, `Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`, 'MIME-Version: 1.0',
  ];
  if (o.attachment) {
    const b = 'BOUNDARY42';
    return Buffer.from([...head, `Content-Type: multipart/mixed; boundary="${b}"`, '',
      `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', o.body ?? 'see attached', '',
      `--${b}`, `Content-Type: ${o.attachment.type}; name="${o.attachment.name}"`, 'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(o.attachment.name)}`, '',
      o.attachment.data.toString('base64'), `--${b}--`, ''].join('\r\n'));
  }
  if (o.html !== undefined) return Buffer.from([...head, 'Content-Type: text/html; charset=utf-8', '', o.html, ''].join('\r\n'));
  return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', '', o.body ?? 'hello', ''].join('\r\n'));
}

const deliver = (user: MailKitUser, raw: Buffer, mailbox?: 'INBOX' | '\\Trash' | '\\Junk') =>
  k.store.deliver(user.userId, raw, mailbox ? { mailbox } : {}, k.meta());
const rowUids = (html: string) => [...html.matchAll(/class="mail-row[^"]*" data-uid="(\d+)"/g)].map((m) => Number(m[1]));
const mbId = async (user: MailKitUser, name: string) => (await k.store.mailboxByName(user.userId, name))!.id;

beforeAll(async () => {
  k = await createMailTestAppliance();
  alice = await k.addUser('alice@example.test');
  bob = await k.addUser('bob@example.test');
  web = new TestClient(k.appliance.app, 'http://example.test');
  bobWeb = new TestClient(k.appliance.app, 'http://example.test');
  expect((await web.login(alice.email, alice.password)).status).toBe(303);
  expect((await bobWeb.login(bob.email, bob.password)).status).toBe(303);
  await k.store.ensureAccount(alice.userId, k.meta());
  await k.store.ensureAccount(bob.userId, k.meta());
  inbox = await mbId(alice, 'INBOX');
});
afterAll(() => k.close());

describe('webmail: list', () => {
  it('redirects /mail to the INBOX and sends signed-out visitors to the login page', async () => {
    const res = await web.get('/mail');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/mail/m/${inbox}`);
    const anon = await new TestClient(k.appliance.app, 'http://example.test').get(`/mail/m/${inbox}`);
    expect(anon.status).toBe(302);
    expect(anon.headers.get('location')).toMatch(/^\/login\?next=/);
  });

  it('lists delivered mail with unread counts, newest first', async () => {
    await deliver(alice, mail({ subject: 'First hello' }));
    await deliver(alice, mail({ subject: 'Second hello' }));
    const html = await web.page(`/mail/m/${inbox}`);
    expect(html).toContain('First hello');
    expect(html).toMatch(/Second hello[\s\S]*First hello/);
    expect(html).toMatch(/<span class="count" aria-label="2 unread">2<\/span>/);
    expect(html).toContain('/mail/static/mail.css?v=');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script
  });

  it('pages by UID windows', async () => {
    const box = await k.store.createMailbox(alice.userId, 'Paging', {}, k.meta());
    for (let i = 0; i < 120; i++) await k.store.appendMessage(box.id, { raw: mail({ subject: `Bulk ${i}` }) }, k.meta());
    const p1 = await web.page(`/mail/m/${box.id}`);
    const u1 = rowUids(p1);
    expect(u1).toHaveLength(50);
    expect(u1[0]).toBe(120);
    const older = /href="([^"]*before=(\d+))"/.exec(p1)!;
    expect(Number(older[2])).toBe(71);
    const p2 = await web.page(older[1]!.replace(/&amp;/g, '&'));
    expect(rowUids(p2)[0]).toBe(70);
    const p3 = await web.page(`/mail/m/${box.id}?before=21`);
    expect(rowUids(p3)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(p3).not.toContain('Older →');
    expect(p3).toContain('← Newer');
    const newer = await web.page(`/mail/m/${box.id}?after=20`);
    expect(rowUids(newer)[49]).toBe(21);
    const bySize = await web.page(`/mail/m/${box.id}?sort=size&offset=50`);
    expect(rowUids(bySize)).toHaveLength(50);
    const bySubject = await web.page(`/mail/m/${box.id}?sort=subject`);
    expect(bySubject).toMatch(/Bulk 0<[\s\S]*Bulk 1</);
  });

  it('stars with htmx and filters Starred / Unstarred / Unread / Read', async () => {
    const { uid } = await deliver(alice, mail({ subject: 'Star me' }));
    await web.page(`/mail/m/${inbox}`);
    const res = await web.post(`/mail/m/${inbox}/${uid}/star`, { on: '1' }, { htmx: true });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).toContain('aria-pressed="true"');
    expect(fragment).not.toContain('<html');
    const starred = await web.page(`/mail/m/${inbox}?filter=starred`);
    expect(rowUids(starred)).toEqual([uid]);
    expect(rowUids(await web.page(`/mail/m/${inbox}?filter=unstarred`))).not.toContain(uid);
    expect(rowUids(await web.page(`/mail/m/${inbox}?filter=unread`))).toContain(uid);
    expect(rowUids(await web.page(`/mail/m/${inbox}?filter=read`))).not.toContain(uid);
    await web.post(`/mail/m/${inbox}/${uid}/star`, { on: '0' }, { htmx: true });
    expect(rowUids(await web.page(`/mail/m/${inbox}?filter=starred`))).toEqual([]);
    expect((await web.post(`/mail/m/${inbox}/${uid}/star`, { on: '1' }, { noCsrf: true, htmx: true })).status).toBe(403);
  });

  it('bulk: read, move to a folder, delete to Trash, expunge from Trash, spam to Junk', async () => {
    const a = (await deliver(alice, mail({ subject: 'Bulk A' }))).uid;
    const b = (await deliver(alice, mail({ subject: 'Bulk B' }))).uid;
    const c = (await deliver(alice, mail({ subject: 'Bulk C' }))).uid;
    const work = await k.store.createMailbox(alice.userId, 'Work', {}, k.meta());
    await web.page(`/mail/m/${inbox}`);
    const post = (form: Record<string, string>, uids: number[]) => {
      const body = new URLSearchParams(form);
      for (const u of uids) body.append('uid', String(u));
      body.set('_csrf', web.csrfToken);
      return k.appliance.app.request(`http://example.test/mail/m/${inbox}/bulk`, {
        method: 'POST', body: body.toString(), headers: { ...web.headers({}), 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    };
    expect((await post({ action: 'read' }, [a, b])).status).toBe(303);
    expect((await k.store.messages(inbox, { fromUid: a, toUid: b })).every((m) => m.flags.includes('\\Seen'))).toBe(true);
    expect((await post({ action: 'move', target: work.id }, [a])).status).toBe(303);
    expect(await web.page(`/mail/m/${work.id}`)).toContain('Bulk A');
    expect((await post({ action: 'delete' }, [b])).status).toBe(303);
    const trash = await mbId(alice, 'Trash');
    expect(await web.page(`/mail/m/${trash}`)).toContain('Bulk B');
    expect((await post({ action: 'spam' }, [c])).status).toBe(303);
    expect(await web.page(`/mail/m/${await mbId(alice, 'Junk')}`)).toContain('Bulk C');
    const inInbox = await web.page(`/mail/m/${inbox}`);
    expect(inInbox).not.toContain('Bulk A');
    expect(inInbox).not.toContain('Bulk B');
    // Delete in Trash expunges.
    const [tuid] = (await k.store.messages(trash)).map((m) => m.uid);
    const body = new URLSearchParams({ action: 'delete', uid: String(tuid), _csrf: web.csrfToken });
    const r = await k.appliance.app.request(`http://example.test/mail/m/${trash}/bulk`, { method: 'POST', body: body.toString(), headers: { ...web.headers({}), 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(303);
    expect(await k.store.messages(trash)).toHaveLength(0);
    // Moving into someone else's mailbox is a 404.
    const bobInbox = await mbId(bob, 'INBOX');
    expect((await post({ action: 'move', target: bobInbox }, [c])).status).toBe(404);
  });

  it('creates, renames and deletes folders', async () => {
    await web.page('/mail/folders');
    expect((await web.post('/mail/folders', { name: 'Projects/2026' })).status).toBe(303);
    const html = await web.page('/mail/folders?done=created');
    expect(html).toContain('Folder created');
    const id = await mbId(alice, 'Projects/2026');
    expect((await web.post(`/mail/m/${id}/rename`, { name: 'Projects/2027' })).status).toBe(303);
    expect(await k.store.mailboxByName(alice.userId, 'Projects/2027')).toBeDefined();
    expect((await web.post(`/mail/m/${id}/delete-folder`)).status).toBe(303);
    expect(await k.store.mailboxByName(alice.userId, 'Projects/2027')).toBeUndefined();
    const dup = await web.post('/mail/folders', { name: 'Projects' });
    expect(dup.status).toBe(409);
  });
});

describe('webmail: reading', () => {
  it('marks a message seen when opened and shows plain text escaped', async () => {
    const { uid } = await deliver(alice, mail({ subject: 'Plain one', body: 'a <b>not bold</b> line\nhttps://example.org/x' }));
    const html = await web.page(`/mail/m/${inbox}/${uid}`);
    expect(html).toContain('Plain one');
    expect(html).toContain('a &lt;b&gt;not bold&lt;/b&gt; line');
    expect(html).toContain('<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">');
    expect(html).toContain(`/mail/compose?reply=${encodeURIComponent(`${inbox}:${uid}`)}`);
    expect((await k.store.messages(inbox, { fromUid: uid, toUid: uid }))[0]!.flags).toContain('\\Seen');
  });

  it('blocks remote images unless ?images=1', async () => {
    const { uid } = await deliver(alice, mail({ subject: 'Newsletter', html: '<p>Hi</p><img src="https://tracker.example/p.gif" alt="logo">' }));
    const blocked = await web.page(`/mail/m/${inbox}/${uid}`);
    expect(blocked).not.toContain('tracker.example');
    expect(blocked).toContain('/mail/static/blocked-image.svg');
    expect(blocked).toContain(`/mail/m/${inbox}/${uid}?images=1`);
    expect((await web.get(`/mail/m/${inbox}/${uid}`)).headers.get('content-security-policy')).not.toMatch(/img-src[^;]*https:/);
    const shownRes = await web.get(`/mail/m/${inbox}/${uid}?images=1`);
    // The browser is allowed to load them only for this response.
    expect(shownRes.headers.get('content-security-policy')).toMatch(/img-src[^;]*https:/);
    const shown = await shownRes.text();
    expect(shown).toContain('src="https://tracker.example/p.gif"');
    expect(shown).not.toContain('Show images');
  });

  it('serves attachments as downloads with the right headers, previews images inline, never HTML inline', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d0b6ef0000000049454e44ae426082', 'hex');
    const { uid } = await deliver(alice, mail({ subject: 'With file', attachment: { name: 'Übersicht 2026.png', type: 'image/png', data: png } }));
    const page = await web.page(`/mail/m/${inbox}/${uid}`);
    expect(page).toContain('Übersicht 2026.png');
    const dl = await web.get(`/mail/m/${inbox}/${uid}/att/0`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="_bersicht 2026.png"; filename*=UTF-8''%C3%9Cbersicht%202026.png`);
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(png);
    const inline = await web.get(`/mail/m/${inbox}/${uid}/att/0?inline=1`);
    expect(inline.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(inline.headers.get('content-security-policy')).toMatch(/sandbox/);
    const evil = await deliver(alice, mail({ subject: 'html file', attachment: { name: 'x.html', type: 'text/html', data: Buffer.from('<script>alert(1)</script>') } }));
    const h = await web.get(`/mail/m/${inbox}/${evil.uid}/att/0?inline=1`);
    expect(h.headers.get('content-type')).toBe('application/octet-stream');
    expect(h.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await web.get(`/mail/m/${inbox}/${uid}/att/7`)).status).toBe(404);
  });

  it('shows the raw source as text/plain', async () => {
    const { uid } = await deliver(alice, mail({ subject: 'Raw <html>', html: '<script>x</script>' }));
    const res = await web.get(`/mail/m/${inbox}/${uid}/raw`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('Subject: Raw <html>');
  });

  it('summarizes Authentication-Results from the top header only', async () => {
    const ok = await deliver(alice, mail({ subject: 'Signed', headers: ['Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org'] }));
    expect(await web.page(`/mail/m/${inbox}/${ok.uid}`)).toContain('verified sender');
    const bad = await deliver(alice, mail({ subject: 'Forged', headers: ['Authentication-Results: mx.example.test; spf=fail; dkim=none; dmarc=fail', 'Authentication-Results: evil; dmarc=pass'] }));
    expect(await web.page(`/mail/m/${inbox}/${bad.uid}`)).toContain('sender not verified');
  });

  it("gives 404 for another user's mailbox and messages, also through every route", async () => {
    const { uid } = await deliver(bob, mail({ subject: 'Bob secret' }));
    const bobInbox = await mbId(bob, 'INBOX');
    await web.page(`/mail/m/${inbox}`);
    for (const path of [`/mail/m/${bobInbox}`, `/mail/m/${bobInbox}/${uid}`, `/mail/m/${bobInbox}/${uid}/raw`, `/mail/m/${bobInbox}/${uid}/att/0`, `/mail/m/${bobInbox}/restore?preset=24h`, '/mail/m/nope']) {
      const res = await web.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('Bob secret');
    }
    for (const [path, form] of [[`/mail/m/${bobInbox}/${uid}/star`, { on: '1' }], [`/mail/m/${bobInbox}/bulk`, { action: 'delete', uid: String(uid) }], [`/mail/m/${bobInbox}/rename`, { name: 'x' }], [`/mail/m/${bobInbox}/restore`, { at: new Date().toISOString() }], ['/mail/deleted/restore', { item: `${bobInbox}:${uid}` }]] as const) {
      expect((await web.post(path, form)).status, path).toBe(404);
    }
    expect((await k.store.messages(bobInbox)).map((m) => m.flags)).toEqual([[]]);
    expect(await bobWeb.page(`/mail/m/${bobInbox}/${uid}`)).toContain('Bob secret');
  });
});

describe('webmail: search', () => {
  it('searches all folders but Trash and Junk, and offers to include them', async () => {
    await deliver(alice, mail({ subject: 'Zeppelin schedule' }));
    await deliver(alice, mail({ subject: 'Zeppelin in trash' }), '\\Trash');
    await deliver(alice, mail({ subject: 'Zeppelin spam' }), '\\Junk');
    await deliver(bob, mail({ subject: 'Zeppelin for bob' }));
    let html = '';
    await vi.waitFor(async () => {
      html = await web.page('/mail/search?q=zeppelin&in=all');
      expect(html).toContain('Zeppelin schedule');
    }, { timeout: 5000, interval: 50 });
    expect(html).not.toContain('Zeppelin in trash');
    expect(html).not.toContain('Zeppelin spam');
    expect(html).not.toContain('Zeppelin for bob');
    expect(html).toContain('Include Trash and Junk');
    await vi.waitFor(async () => {
      html = await web.page('/mail/search?q=zeppelin&in=everything');
      expect(html).toContain('Zeppelin in trash');
      expect(html).toContain('Zeppelin spam');
    }, { timeout: 5000, interval: 50 });
    expect(html).not.toContain('Zeppelin for bob');
    expect((await web.get(`/mail/search?q=zeppelin&in=${await mbId(bob, 'INBOX')}`)).status).toBe(404);
  });
});

describe('webmail: recently deleted and folder restore', () => {
  it('lists expunged messages and restores one', async () => {
    const { uid } = await deliver(alice, mail({ subject: 'Oops deleted' }));
    await k.store.expunge(inbox, [uid], k.meta());
    const html = await web.page('/mail/deleted');
    expect(html).toContain('Oops deleted');
    const res = await web.post('/mail/deleted/restore', { item: `${inbox}:${uid}` });
    expect(res.status).toBe(303);
    expect(await web.page(`/mail/m/${inbox}`)).toContain('Oops deleted');
  });

  it('previews and restores a folder as it was', async () => {
    const box = await k.store.createMailbox(alice.userId, 'Restorable', {}, k.meta());
    await k.store.appendMessage(box.id, { raw: mail({ subject: 'Keep me' }) }, k.meta());
    await new Promise((r) => setTimeout(r, 20));
    const at = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const uids = (await k.store.messages(box.id)).map((m) => m.uid);
    await k.store.expunge(box.id, uids, k.meta());
    expect(await web.page(`/mail/m/${box.id}`)).not.toContain('Keep me');
    const preview = await web.page(`/mail/m/${box.id}/restore?at=${encodeURIComponent(at)}`);
    expect(preview).toContain('1 message come back');
    expect((await web.post(`/mail/m/${box.id}/restore`, { at })).status).toBe(303);
    expect(await web.page(`/mail/m/${box.id}`)).toContain('Keep me');
    expect((await web.get(`/mail/m/${box.id}/restore?preset=24h`)).status).toBe(200);
  });
});

describe('webmail: live updates', () => {
  it('emits an SSE event when mail arrives and stops when the client goes away', async () => {
    const ctrl = new AbortController();
    const res = await k.appliance.app.request('http://example.test/mail/events', { headers: web.headers({}), signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    const readUntil = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += dec.decode(value);
      }
    };
    await readUntil(/event: ready/);
    await deliver(alice, mail({ subject: 'Live one' }));
    await readUntil(/event: mail\ndata: [^\n]*"mailboxIds":\["[^"]+"\]/);
    expect(text).toContain(inbox);
    ctrl.abort();
    await reader.cancel().catch(() => undefined);
  });
});

describe('webmail: conversations', () => {
  const withIds = (subject: string, id: string, refs: string[] = []) => {
    const raw = mail({ subject, headers: refs.length ? [`In-Reply-To: ${refs.at(-1)}`, `References: ${refs.join(' ')}`] : [] }).toString();
    return Buffer.from(raw.replace(/Message-ID: <[^>]+>/, `Message-ID: ${id}`));
  };

  it('threads by References and In-Reply-To, also when a reply arrives before its parent, and shows the conversation', async () => {
    // The reply of a reply arrives first; then the root; then the middle message links them.
    await deliver(alice, withIds('Re: Re: Plans', '<c3@example.org>', ['<c1@example.org>', '<c2@example.org>']));
    await deliver(alice, withIds('Plans', '<c1@example.org>'));
    await deliver(alice, withIds('Unrelated', '<u1@example.org>'));
    await deliver(alice, withIds('Re: Plans', '<c2@example.org>', ['<c1@example.org>']), '\\Trash');
    await deliver(alice, withIds('Re: Plans (2)', '<c4@example.org>', ['<c1@example.org>']));
    await k.appliance.projections.settle();
    const uid = rowUids(await (await web.get(`/mail/m/${inbox}?sort=date`)).text())[0]!;
    const list = await (await web.get(`/mail/m/${inbox}`)).text();
    expect(list).toMatch(/title="4 messages in this conversation">4</);
    const page = await (await web.get(`/mail/m/${inbox}/${uid}`)).text();
    // Trash is left out of a conversation opened from the INBOX: 3 of the 4 are shown.
    const conv = /<details class="mail-conversation"[\s\S]*?<\/details>/.exec(page)?.[0] ?? '';
    expect(conv).toContain('Conversation · 3 messages');
    expect(conv).toContain('Re: Re: Plans');
    expect(conv).toContain('Re: Plans (2)');
    expect(conv).not.toContain('Unrelated');
    // Conversation mode: the thread is one row (its newest message in this folder).
    const threaded = await (await web.get(`/mail/m/${inbox}?threads=1`)).text();
    const plansRows = [...threaded.matchAll(/<span class="subject">([\s\S]*?)<\/span><time/g)].filter((m) => /Plans/.test(m[1]!));
    expect(plansRows).toHaveLength(1);
    expect(plansRows[0]![1]).toContain('Re: Plans (2)');
    expect(threaded).toContain('Unrelated');
    const flat = await (await web.get(`/mail/m/${inbox}`)).text();
    expect([...flat.matchAll(/<span class="subject">([\s\S]*?)<\/span><time/g)].filter((m) => /Plans/.test(m[1]!)).length).toBe(3);
    // Expunging a conversation's newest message makes the one before it the row.
    const headUid = Number(/data-uid="(\d+)"[\s\S]*?Re: Plans \(2\)/.exec(threaded)![1]);
    await k.store.expunge(inbox, [headUid], k.meta());
    await k.appliance.projections.settle();
    const after = await (await web.get(`/mail/m/${inbox}?threads=1`)).text();
    const rowsNow = [...after.matchAll(/<span class="subject">([\s\S]*?)<\/span><time/g)].filter((m) => /Plans/.test(m[1]!));
    expect(rowsNow).toHaveLength(1);
    expect(rowsNow[0]![1]).not.toContain('Re: Plans (2)');
    // Bob sees nothing of Alice's threads.
    const bobInbox = await mbId(bob, 'INBOX');
    expect((await bobWeb.get(`/mail/m/${bobInbox}`)).status).toBe(200);
    expect((await bobWeb.get(`/mail/m/${inbox}/${uid}`)).status).toBe(404);
  });
});
