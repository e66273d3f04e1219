// Logging in and managing mailboxes through imapflow and raw commands: LOGIN and
// AUTHENTICATE with both kinds of password, LIST (extended, special-use, status),
// CREATE/RENAME/DELETE, subscriptions, STATUS, NAMESPACE, QUOTA, modified UTF-7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailKitUser } from '../testing/mail-kit.ts';
import { startImapFixture, type ImapFixture } from './imap-test-fixture.ts';

let fx: ImapFixture;
let user: MailKitUser;
beforeAll(async () => {
  fx = await startImapFixture();
  user = await fx.kit.addUser('boxes@example.test');
});
afterAll(() => fx.close());

describe('IMAP login', () => {
  it('accepts the app password and the account password; refuses a wrong one with AUTHENTICATIONFAILED', async () => {
    const a = await fx.client(user);
    expect(a.authenticated).toBeTruthy();
    await a.logout();
    const b = await fx.client(user, { password: user.password });
    expect(b.authenticated).toBeTruthy();
    await b.logout();
    const r = await fx.raw({ secure: true });
    expect(await r.command('a', `LOGIN ${user.email} wrong`)).toMatch(/(^|\n)a NO \[AUTHENTICATIONFAILED\] Invalid credentials\r\n$/);
  });

  it('AUTHENTICATE PLAIN with SASL-IR and with a continuation', async () => {
    const token = Buffer.from(`\0${user.email}\0${user.appPassword}`).toString('base64');
    const r = await fx.raw({ secure: true });
    expect(await r.command('a', `AUTHENTICATE PLAIN ${token}`)).toMatch(/a OK \[CAPABILITY [^\]]*IDLE[^\]]*\] Logged in/);
    const r2 = await fx.raw({ secure: true });
    r2.write('b AUTHENTICATE PLAIN\r\n');
    await r2.until(/\+ \r\n/);
    r2.write(`${token}\r\n`);
    await r2.until(/b OK \[CAPABILITY/);
    const r3 = await fx.raw({ secure: true });
    r3.write('c AUTHENTICATE PLAIN\r\n');
    await r3.until(/\+ \r\n/);
    r3.write('*\r\n');
    await r3.until(/c BAD Authentication cancelled/);
  });

  it('refuses LOGIN and AUTHENTICATE before STARTTLS on the STARTTLS port, then works after it', async () => {
    const r = await fx.raw();
    const greeting = await r.until(/\* OK \[CAPABILITY ([^\]]*)\]/);
    expect(greeting[1]).toContain('STARTTLS');
    expect(greeting[1]).toContain('LOGINDISABLED');
    expect(greeting[1]).not.toContain('AUTH=');
    expect(await r.command('a', `LOGIN ${user.email} "${user.password}"`)).toMatch(/a NO \[PRIVACYREQUIRED\]/);
    expect(await r.command('b', 'AUTHENTICATE PLAIN AGJvYgBwdw==')).toMatch(/b NO \[PRIVACYREQUIRED\]/);
    expect(await r.command('c', 'SELECT INBOX')).toMatch(/c BAD/);
    // Plaintext pipelined after STARTTLS must be ignored (RFC 9051 §6.2.1).
    r.write(`d STARTTLS\r\ne LOGIN ${user.email} "${user.password}"\r\n`);
    await r.until(/d OK Begin TLS/);
    await r.startTls();
    const caps = await r.command('f', 'CAPABILITY');
    expect(caps).toContain('AUTH=PLAIN');
    expect(caps).not.toContain('e OK');
    expect(await r.command('g', `LOGIN ${user.email} "${user.password}"`)).toMatch(/g OK/);
  });
});

describe('IMAP mailboxes', () => {
  it('lists with special-use and children attributes, creates, renames and deletes', async () => {
    const c = await fx.client(user);
    const names = (await c.list()).map((m) => m.path);
    expect(names).toEqual(expect.arrayContaining(['INBOX', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash']));
    const sent = (await c.list()).find((m) => m.path === 'Sent');
    expect(sent && sent.specialUse).toBe('\\Sent');

    expect(await c.mailboxCreate('Clients/Acme')).toMatchObject({ path: 'Clients/Acme', created: true });
    const list = await c.list();
    const parent = list.find((m) => m.path === 'Clients');
    expect(parent && [...parent.flags]).toContain('\\HasChildren');
    expect([...list.find((m) => m.path === 'Clients/Acme')!.flags]).toContain('\\HasNoChildren');

    await c.mailboxRename('Clients', 'Customers');
    const renamed = (await c.list()).map((m) => m.path);
    expect(renamed).toEqual(expect.arrayContaining(['Customers', 'Customers/Acme']));
    expect(renamed).not.toContain('Clients');

    await expect(c.mailboxDelete('Customers')).rejects.toThrow();
    await c.mailboxDelete('Customers/Acme');
    await c.mailboxDelete('Customers');
    expect((await c.list()).map((m) => m.path)).not.toContain('Customers');
    await c.logout();
  });

  it('answers user errors with response codes', async () => {
    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${user.email} "${user.password}"`);
    expect(await r.command('a', 'CREATE INBOX')).toMatch(/a NO \[ALREADYEXISTS\]/);
    expect(await r.command('b', 'CREATE Twice')).toMatch(/b OK/);
    expect(await r.command('c', 'CREATE Twice')).toMatch(/c NO \[ALREADYEXISTS\]/);
    expect(await r.command('d', 'DELETE Nothing')).toMatch(/d NO \[NONEXISTENT\]/);
    expect(await r.command('e', 'SELECT Nothing')).toMatch(/e NO \[NONEXISTENT\]/);
    expect(await r.command('f', 'DELETE INBOX')).toMatch(/f NO \[CANNOT\]/);
    expect(await r.command('g', 'RENAME Nothing Else')).toMatch(/g NO \[NONEXISTENT\]/);
    expect(await r.command('h', 'RENAME Twice Sent')).toMatch(/h NO \[ALREADYEXISTS\]/);
    expect(await r.command('i', 'APPEND Nothing {3+}\r\nabc')).toMatch(/i NO \[TRYCREATE\]/);
    expect(await r.command('j', 'CREATE Bins (USE (\\Sent))')).toMatch(/j NO \[USEATTR\]/);
    expect(await r.command('k', 'CREATE Bins (USE (\\Flagged))')).toMatch(/k OK/);
    expect(await r.command('m', 'LIST (SPECIAL-USE) "" "*"')).toContain('* LIST (\\HasNoChildren \\Flagged) "/" "Bins"');
  });

  it('LIST-EXTENDED: subscriptions, RETURN (SUBSCRIBED CHILDREN STATUS), LSUB', async () => {
    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${user.email} "${user.password}"`);
    await r.command('a', 'CREATE Lists/Inner');
    await r.command('b', 'SUBSCRIBE Lists/Inner');
    await r.command('c', 'UNSUBSCRIBE Lists');
    const sub = await r.command('d', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "Lists*"');
    expect(sub).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" "Lists/Inner"');
    expect(sub).toContain('* LIST (\\HasChildren) "/" "Lists" ("CHILDINFO" ("SUBSCRIBED"))');
    const st = await r.command('e', 'LIST "" "%" RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UIDNEXT UNSEEN SIZE))');
    expect(st).toMatch(/\* LIST \(\\HasNoChildren \\Subscribed\) "\/" "INBOX"\r\n\* STATUS "INBOX" \(MESSAGES \d+ UIDNEXT \d+ UNSEEN \d+ SIZE \d+\)\r\n/);
    expect(await r.command('f', 'LSUB "" "Lists/%"')).toContain('* LSUB (\\HasNoChildren) "/" "Lists/Inner"');
    expect(await r.command('g', 'LIST "" ""')).toContain('* LIST (\\Noselect) "/" ""');
    expect(await r.command('h', 'LIST "" "inbox"')).toContain('"INBOX"');
  });

  it('encodes names in modified UTF-7 unless UTF8=ACCEPT is enabled', async () => {
    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${user.email} "${user.password}"`);
    expect(await r.command('a', 'CREATE "Entw&APw-rfe"')).toMatch(/a OK/);
    expect(await r.command('b', 'LIST "" "Entw*"')).toContain('"Entw&APw-rfe"');
    expect((await fx.kit.store.mailboxByName(user.userId, 'Entwürfe'))?.name).toBe('Entwürfe');
    expect(await r.command('c', 'CREATE "bad&name"')).toMatch(/c NO \[CANNOT\]/);
    await r.command('d', 'ENABLE UTF8=ACCEPT');
    expect(await r.command('e', 'LIST "" "Entw*"')).toContain('"Entwürfe"');
  });

  it('STATUS, NAMESPACE, ID, GETQUOTAROOT', async () => {
    const r = await fx.raw({ secure: true });
    await r.command('l', `LOGIN ${user.email} "${user.password}"`);
    await fx.kit.store.deliver(user.userId, Buffer.from('Subject: s\r\n\r\nx\r\n'), {}, fx.kit.meta());
    expect(await r.command('a', 'STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE DELETED RECENT)')).toMatch(
      /\* STATUS "INBOX" \(MESSAGES 1 UIDNEXT \d+ UIDVALIDITY \d+ UNSEEN 1 HIGHESTMODSEQ \d+ SIZE \d+ DELETED 0 RECENT 0\)/,
    );
    expect(await r.command('b', 'NAMESPACE')).toContain('* NAMESPACE (("" "/")) NIL NIL');
    expect(await r.command('c', 'ID ("name" "test")')).toContain('* ID ("name" "Cairn"');
    expect(await r.command('d', 'GETQUOTAROOT INBOX')).toMatch(/\* QUOTAROOT "INBOX" ""\r\n\* QUOTA "" \(\)/);
    await fx.kit.store.setQuota(user.userId, 10 * 1024 * 1024, fx.kit.meta());
    expect(await r.command('e', 'GETQUOTA ""')).toMatch(/\* QUOTA "" \(STORAGE \d+ 10240\)/);
  });
});
