// Bad input on raw sockets: malformed commands, literals over the limits, garbage bytes,
// commands before login, too many failures — each gets a proper answer, and the server
// keeps serving this connection (where the protocol allows) and others.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailKitUser } from '../testing/mail-kit.ts';
import { startImapFixture, type ImapFixture, type RawClient } from './imap-test-fixture.ts';

let fx: ImapFixture;
let user: MailKitUser;
beforeAll(async () => {
  fx = await startImapFixture({ limits: { maxLineBytes: 2048, appendLimit: 100_000, maxLiteralBytes: 4096, maxConnectionsPerUser: 3, maxBadCommands: 10 } });
  user = await fx.kit.addUser('robust@example.test');
});
afterAll(() => fx.close());

async function loggedIn(who: MailKitUser = user): Promise<RawClient> {
  const r = await fx.raw({ secure: true });
  await r.until(/^\* OK/);
  expect(await r.command('l', `LOGIN ${who.email} "${who.password}"`)).toMatch(/l OK/);
  return r;
}

async function stillServing(): Promise<void> {
  const r = await loggedIn(await fx.kit.addUser(`still-${Math.random().toString(36).slice(2)}@example.test`));
  expect(await r.command('z', 'NOOP')).toBe('z OK NOOP completed\r\n');
  await r.command('zz', 'LOGOUT');
}

describe('IMAP robustness', () => {
  it('answers malformed commands with BAD and keeps the connection', async () => {
    const r = await loggedIn();
    expect(await r.command('a', 'FETCH')).toMatch(/a BAD/);
    expect(await r.command('b', 'SELECT "unterminated')).toMatch(/b BAD/);
    expect(await r.command('c', 'FROBNICATE now')).toMatch(/c BAD Unknown command/);
    expect(await r.command('d', 'SELECT INBOX extra')).toMatch(/d BAD/);
    r.write('(((\r\n');
    await r.until(/\* BAD/);
    await r.command('ok', 'SELECT INBOX');
    expect(await r.command('e', `SEARCH ${'('.repeat(40)}ALL${')'.repeat(40)}`)).toMatch(/e BAD Too deeply nested/);
    expect(await r.command('f', 'FETCH 1:* (BODY[1.BOGUS])')).toMatch(/f BAD/);
    expect(await r.command('g', 'STORE 1 +FLAGS (\\*)')).toMatch(/g (BAD|OK)/);
    expect(await r.command('h', 'NOOP')).toBe('h OK NOOP completed\r\n');
  });

  it('refuses an APPEND literal over APPENDLIMIT before it is sent, and discards a non-synchronizing one', async () => {
    const r = await loggedIn();
    const sync = await r.command('a', 'APPEND INBOX {60000000}');
    expect(sync).toMatch(/^a NO \[TOOBIG\]/);
    expect(sync).not.toContain('+ ');
    // LITERAL+ (RFC 7888 §4): the client sends the bytes anyway; the server reads past them.
    r.write(`b APPEND INBOX {200000+}\r\n`);
    r.write(randomBytes(200000));
    r.write('\r\n');
    await r.until(/b NO \[TOOBIG\]/);
    expect(await r.command('c', 'NOOP')).toBe('c OK NOOP completed\r\n');
    // A literal over the limit of an ordinary command.
    expect(await r.command('d', 'LOGIN {100000}')).toMatch(/d BAD|d NO \[LIMIT\]/);
    expect(await r.command('e', 'NOOP')).toBe('e OK NOOP completed\r\n');
  });

  it('survives garbage bytes and over-long lines', async () => {
    const r = await loggedIn(await fx.kit.addUser('garbage@example.test'));
    const garbage = Buffer.from(randomBytes(5000).map((b) => (b === 0x0a || b === 0x0d ? 0x41 : b)));
    r.write(garbage);
    r.write('\r\n');
    await r.until(/ BAD Command line too long\r\n/);
    r.write(Buffer.from([0x00, 0xff, 0xfe, 0x20, 0x41, 0x0d, 0x0a]));
    await r.until(/too long\r\n[\s\S]*BAD[^\r\n]*\r\n/);
    expect(await r.command('a', 'NOOP')).toBe('a OK NOOP completed\r\n');
    await stillServing();
  });

  it('refuses commands before login, and says BYE after too many', async () => {
    const r = await fx.raw({ secure: true });
    expect(await r.command('a', 'SELECT INBOX')).toMatch(/a BAD SELECT needs authentication first/);
    expect(await r.command('b', 'FETCH 1 FLAGS')).toMatch(/b BAD/);
    expect(await r.command('c', 'CAPABILITY')).toMatch(/c OK/);
    const flood = await fx.raw({ secure: true });
    for (let i = 0; i < 60; i++) flood.write(`n${i} NOOP\r\n`);
    await flood.until(/\* BYE Too many commands without logging in/);
    await stillServing();
  });

  it('says BYE after too many invalid commands in a row, and after too many failed logins', async () => {
    const r = await fx.raw({ secure: true });
    for (let i = 0; i < 10; i++) r.write(`x${i} NONSENSE\r\n`);
    await r.until(/\* BYE Too many invalid commands/);
    const g = await fx.raw({ secure: true });
    for (let i = 0; i < 3; i++) await g.command(`p${i}`, `LOGIN ${user.email} wrong${i}`).catch(() => '');
    await g.until(/\* BYE Too many failed login attempts/);
    await stillServing();
  });

  it('processes pipelined commands in order', async () => {
    const r = await loggedIn(await fx.kit.addUser('pipeliner@example.test'));
    r.write('p1 SELECT INBOX\r\np2 NOOP\r\np3 APPEND INBOX {5+}\r\nhello\r\np4 STATUS INBOX (MESSAGES)\r\np5 UNSELECT\r\n');
    await r.until(/p5 OK/);
    const tags = [...r.text.matchAll(/^(p\d) (OK|NO|BAD)/gm)].map((m) => m[1]);
    expect(tags).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('limits connections per user', async () => {
    const u = await fx.kit.addUser('busy-user@example.test');
    const conns: RawClient[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fx.raw({ secure: true });
      expect(await r.command('l', `LOGIN ${u.email} "${u.password}"`)).toMatch(/l OK/);
      conns.push(r);
    }
    const extra = await fx.raw({ secure: true });
    expect(await extra.command('l', `LOGIN ${u.email} "${u.password}"`)).toMatch(/l NO \[LIMIT\]/);
    conns[0]!.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(await extra.command('m', `LOGIN ${u.email} "${u.password}"`)).toMatch(/m OK/);
  });
});
