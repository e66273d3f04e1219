// Messages through a real client (imapflow) against the real store: APPEND with
// APPENDUID, FETCH of envelope/structure/sections/partials, STORE with UNCHANGEDSINCE,
// COPY/MOVE with COPYUID, EXPUNGE, SEARCH.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailKitUser } from '../testing/mail-kit.ts';
import { startImapFixture, type ImapFixture } from './imap-test-fixture.ts';

let fx: ImapFixture;
beforeAll(async () => {
  fx = await startImapFixture();
});
afterAll(() => fx.close());

const simple = (subject: string, body = 'Hello there.\r\n', from = 'Alice <alice@example.test>') =>
  Buffer.from(`From: ${from}\r\nTo: Bob <bob@example.test>\r\nSubject: ${subject}\r\nDate: Tue, 03 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\n${body}`);

const multipart = Buffer.from(
  [
    'From: =?UTF-8?B?SsO8cmdlbg==?= <jurgen@example.test>',
    'To: bob@example.test',
    'Subject: Report attached',
    'Date: Wed, 04 Nov 2026 09:30:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    'preamble',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe, the report is attached.',
    '--b1',
    'Content-Type: application/octet-stream; name="r.bin"',
    'Content-Disposition: attachment; filename="r.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQFBgcICQ==',
    '--b1--',
    '',
  ].join('\r\n'),
);

describe('IMAP messages', () => {
  let user: MailKitUser;
  beforeAll(async () => {
    user = await fx.kit.addUser('msgs@example.test');
  });

  it('APPENDs with APPENDUID, flags and internal date, then FETCHes envelope, structure and sections', async () => {
    const c = await fx.client(user);
    const date = new Date('2026-10-01T12:00:00Z');
    const a = await c.append('INBOX', multipart, ['\\Flagged', '$Important'], date);
    expect(a).toMatchObject({ destination: 'INBOX', uid: expect.any(Number), uidValidity: expect.any(BigInt) });
    const b = await c.append('INBOX', simple('plain one'));
    expect(b && b.uid).toBeGreaterThan(a && a.uid ? a.uid : 0);

    await c.mailboxOpen('INBOX');
    const m = await c.fetchOne(String(a && a.uid), { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true }, { uid: true });
    expect(m).toBeTruthy();
    if (!m) return;
    expect([...m.flags!].sort()).toEqual(['$Important', '\\Flagged']);
    expect(new Date(m.internalDate!).toISOString()).toBe(date.toISOString());
    expect(m.size).toBe(multipart.length);
    expect(m.envelope!.subject).toBe('Report attached');
    expect(m.envelope!.from![0]).toMatchObject({ name: 'Jürgen', address: 'jurgen@example.test' });
    const bs = m.bodyStructure!;
    expect(bs.type).toBe('multipart/mixed');
    expect(bs.childNodes!.map((n) => [n.part, n.type])).toEqual([['1', 'text/plain'], ['2', 'application/octet-stream']]);
    expect(bs.childNodes![1]!.disposition).toBe('attachment');
    expect(bs.childNodes![1]!.dispositionParameters).toMatchObject({ filename: 'r.bin' });

    const parts = await c.fetchOne(String(a && a.uid), { bodyParts: ['1', '2', '1.MIME', { key: 'TEXT', start: 0, maxLength: 8 }] }, { uid: true });
    expect(parts && parts.bodyParts!.get('1')!.toString()).toBe('Gr=C3=BC=C3=9Fe, the report is attached.');
    expect(parts && parts.bodyParts!.get('2')!.toString()).toBe('AAECAwQFBgcICQ==');
    const hdr = await c.fetchOne(String(a && a.uid), { headers: true }, { uid: true });
    expect(hdr && hdr.headers!.toString()).toMatch(/^From: .*Content-Type: multipart\/mixed; boundary="b1"\r\n\r\n$/s);
    const some = await c.fetchOne(String(a && a.uid), { headers: ['subject', 'date'] }, { uid: true });
    expect(some && some.headers!.toString()).toBe('Subject: Report attached\r\nDate: Wed, 04 Nov 2026 09:30:00 +0100\r\n\r\n');
    expect(parts && parts.bodyParts!.get('1.mime')!.toString()).toBe('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    expect(parts && parts.bodyParts!.get('text')!.toString()).toBe('preamble');

    // BODY.PEEK did not set \Seen; download of the full source (BODY[]) does (RFC 9051 §6.4.5).
    const src = await c.fetchOne(String(a && a.uid), { source: true }, { uid: true });
    expect(src && src.source!.equals(multipart)).toBe(true);
    const afterPeek = await c.fetchOne(String(a && a.uid), { flags: true }, { uid: true });
    expect(afterPeek && afterPeek.flags!.has('\\Seen')).toBe(false);

    // BINARY decodes the transfer encoding (RFC 3516).
    const dl = await c.download(String(a && a.uid), '2', { uid: true });
    const chunks: Buffer[] = [];
    for await (const ch of dl.content) chunks.push(ch as Buffer);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await c.logout();
  });

  it('sets \\Seen on a non-PEEK BODY[] and reports it in the same FETCH', async () => {
    const c = await fx.client(user);
    const r = await c.append('INBOX', simple('to be read'));
    await c.mailboxOpen('INBOX');
    const seen: string[][] = [];
    c.on('flags', (e) => seen.push([...e.flags]));
    const raw = await c.fetchOne(String(r && r.uid), { bodyParts: ['TEXT'], flags: true }, { uid: true });
    // imapflow asks BODY.PEEK; use a raw FETCH for the non-PEEK case.
    expect(raw && raw.flags!.has('\\Seen')).toBe(false);
    const rc = await fx.raw({ secure: true });
    await rc.command('l', `LOGIN ${user.email} "${user.appPassword}"`);
    await rc.command('s', 'SELECT INBOX');
    const reply = await rc.command('f', `UID FETCH ${r && r.uid} (BODY[TEXT])`);
    expect(reply).toMatch(/FETCH \(BODY\[TEXT\] \{14\}\r\nHello there\.\r\n UID \d+ FLAGS \(\\Seen\)\)/);
    await rc.command('o', 'LOGOUT');
    await c.logout();
  });

  it('STOREs flags, honouring UNCHANGEDSINCE with MODIFIED', async () => {
    const c = await fx.client(user);
    await c.mailboxOpen('INBOX');
    const r = await c.append('INBOX', simple('flag me'));
    const uid = String(r && r.uid);
    expect(await c.messageFlagsAdd(uid, ['\\Answered', 'Work'], { uid: true })).toBe(true);
    const m1 = await c.fetchOne(uid, { flags: true, modseq: true } as never, { uid: true });
    expect([...(m1 as { flags: Set<string> }).flags].sort()).toEqual(['Work', '\\Answered']);
    const modseq = (m1 as unknown as { modseq: bigint }).modseq;
    expect(typeof modseq).toBe('bigint');
    await c.messageFlagsRemove(uid, ['Work'], { uid: true });
    await c.messageFlagsSet(uid, ['\\Flagged'], { uid: true });
    const m2 = await c.fetchOne(uid, { flags: true }, { uid: true });
    expect([...(m2 as { flags: Set<string> }).flags]).toEqual(['\\Flagged']);

    // The message changed after `modseq`: a conditional STORE leaves it alone and says MODIFIED (RFC 7162 §3.1.3).
    const rc = await fx.raw({ secure: true });
    await rc.command('l', `LOGIN ${user.email} "${user.appPassword}"`);
    await rc.command('s', 'SELECT INBOX (CONDSTORE)');
    const reply = await rc.command('c', `UID STORE ${uid} (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Deleted)`);
    expect(reply).toMatch(new RegExp(`c OK \\[MODIFIED ${uid}\\]`));
    const now = await rc.command('f', `UID FETCH ${uid} (FLAGS MODSEQ)`);
    expect(now).toMatch(/FLAGS \(\\Flagged\)/);
    const cur = /MODSEQ \((\d+)\)/.exec(now)![1];
    const ok = await rc.command('d', `UID STORE ${uid} (UNCHANGEDSINCE ${cur}) +FLAGS.SILENT (\\Seen)`);
    expect(ok).toMatch(/\* \d+ FETCH \(UID \d+ MODSEQ \(\d+\)\)\r\nd OK/);
    await rc.command('o', 'LOGOUT');
    await c.logout();
  });

  it('COPYs and MOVEs with COPYUID, and EXPUNGEs', async () => {
    const c = await fx.client(user);
    await c.mailboxCreate('Projects');
    await c.mailboxOpen('INBOX');
    const a = await c.append('INBOX', simple('copy me'));
    const b = await c.append('INBOX', simple('move me'));
    const copied = await c.messageCopy(String(a && a.uid), 'Projects', { uid: true });
    expect(copied).toMatchObject({ destination: 'Projects' });
    expect(copied && copied.uidMap!.get((a as { uid: number }).uid)).toBeGreaterThan(0);
    const before = c.mailbox && c.mailbox.exists;
    const moved = await c.messageMove(String(b && b.uid), 'Projects', { uid: true });
    expect(moved && moved.uidMap!.get((b as { uid: number }).uid)).toBeGreaterThan(0);
    expect(c.mailbox && c.mailbox.exists).toBe((before as number) - 1);
    const status = await c.status('Projects', { messages: true, uidNext: true });
    expect(status.messages).toBe(2);

    // COPY to a mailbox that does not exist: TRYCREATE.
    await expect(c.messageCopy(String(a && a.uid), 'Nowhere', { uid: true })).resolves.toBe(false);

    await c.messageDelete(String(a && a.uid), { uid: true });
    const left = await c.search({ uid: `${a && a.uid}` }, { uid: true });
    expect(left).toEqual([]);
    await c.logout();
  });

  it('SEARCHes by flags, headers, text, UID ranges, dates and size', async () => {
    const u = await fx.kit.addUser('searcher@example.test');
    const c = await fx.client(u);
    const r1 = await c.append('INBOX', simple('Quarterly numbers', 'The revenue grew by a lot.\r\n'), ['\\Seen'], new Date('2026-01-10T10:00:00Z'));
    const r2 = await c.append('INBOX', simple('Lunch?', 'Pizza at noon.\r\n', 'Carol <carol@example.test>'), [], new Date('2026-03-10T10:00:00Z'));
    const r3 = await c.append('INBOX', simple('Big one', 'x'.repeat(5000) + '\r\n'), [], new Date('2026-05-10T10:00:00Z'));
    const [u1, u2, u3] = [r1, r2, r3].map((r) => (r ? r.uid : 0));
    await c.mailboxOpen('INBOX');
    expect(await c.search({ all: true }, { uid: true })).toEqual([u1, u2, u3]);
    expect(await c.search({ seen: false }, { uid: true })).toEqual([u2, u3]);
    expect(await c.search({ from: 'carol' }, { uid: true })).toEqual([u2]);
    expect(await c.search({ subject: 'quarterly' }, { uid: true })).toEqual([u1]);
    expect(await c.search({ body: 'revenue' }, { uid: true })).toEqual([u1]);
    expect(await c.search({ text: 'pizza' } as never, { uid: true })).toEqual([u2]);
    expect(await c.search({ uid: `${u2}:*` }, { uid: true })).toEqual([u2, u3]);
    expect(await c.search({ since: new Date('2026-02-01') }, { uid: true })).toEqual([u2, u3]);
    expect(await c.search({ before: new Date('2026-02-01') }, { uid: true })).toEqual([u1]);
    expect(await c.search({ larger: 4000 }, { uid: true })).toEqual([u3]);
    expect(await c.search({ or: [{ from: 'carol' }, { larger: 4000 }] }, { uid: true })).toEqual([u2, u3]);
    expect(await c.search({ not: { seen: true } }, { uid: true })).toEqual([u2, u3]);
    expect(await c.search({ header: { 'message-id': 'Lunch' } }, { uid: true })).toEqual([u2]);

    // ESEARCH RETURN and SEARCHRES "$" (RFC 4731, RFC 5182).
    const rc = await fx.raw({ secure: true });
    await rc.command('l', `LOGIN ${u.email} "${u.appPassword}"`);
    await rc.command('s', 'SELECT INBOX');
    expect(await rc.command('e', 'UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN')).toContain(`* ESEARCH (TAG "e") UID MIN ${u2} MAX ${u3} COUNT 2 ALL ${u2}:${u3}`);
    expect(await rc.command('v', 'SEARCH RETURN (SAVE) FROM carol')).not.toContain('ESEARCH');
    expect(await rc.command('w', 'UID FETCH $ (UID)')).toContain(`FETCH (UID ${u2})`);
    expect(await rc.command('x', 'SEARCH CHARSET UTF-8 SUBJECT "lunch"')).toContain('* SEARCH 2');
    expect(await rc.command('y', 'SEARCH CHARSET KOI8-R SUBJECT "lunch"')).toMatch(/y NO \[BADCHARSET/);
    expect(await rc.command('z', 'SEARCH MODSEQ 1')).toMatch(/\* SEARCH 1 2 3 \(MODSEQ \d+\)/);
    await rc.command('o', 'LOGOUT');
    await c.logout();
  });
});
