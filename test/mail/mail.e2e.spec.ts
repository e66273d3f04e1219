// Issue 3's "done when", against the real appliance process: users made with the CLI,
// a message submitted with nodemailer reaching another user's INBOX over IMAP (imapflow),
// an external MX delivery accepted, an open-relay attempt refused, and mbsync syncing an
// account both ways.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startAppliance, stopAppliance, type Started } from '../browser/harness.ts';

const DOMAIN = 'cairn.test';
let dir: string;
let app: Started;
const env = () => ({ CAIRN_DATA_DIR: join(dir, 'data'), CAIRN_HOSTNAME: DOMAIN, CAIRN_LOG_LEVEL: 'warn' });
const port = (name: string) => Number(new URL(app.listening[name]!.split(' ')[0]!).port);

function cairn(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/cairn.js'), ...args], { env: { ...process.env, ...env() }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cairn ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function imap(user: string, pass: string) {
  return new ImapFlow({ host: '127.0.0.1', port: port('imaps'), secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
}

/** Every message of the selected mailbox. Never leave imapflow's fetch loop early: its command queue stalls. */
async function fetchAll(client: ImapFlow, query: Parameters<ImapFlow['fetch']>[1]) {
  const out = [];
  for await (const m of client.fetch('1:*', query)) out.push(m);
  return out;
}

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let bobApp = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-mail-e2e-'));
  app = await startAppliance(join(dir, 'data'), { CAIRN_HOSTNAME: DOMAIN });
  cairn('user', 'add', `alice@${DOMAIN}`, '--password', 'alice has a long password');
  cairn('user', 'add', `bob@${DOMAIN}`, '--password', 'bob has a long password');
  bobApp = /: (\S+)$/.exec(cairn('app-password', 'create', `bob@${DOMAIN}`, '--label', 'mbsync').trim())![1]!;
}, 60_000);

afterAll(async () => {
  if (app) await stopAppliance(app.child);
  rmSync(dir, { recursive: true, force: true });
});

describe('mail end to end', () => {
  it('a message submitted by nodemailer reaches another user over IMAP, and a Bcc-free copy lands in Sent', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: port('submission'), secure: false, requireTLS: true, tls: { rejectUnauthorized: false },
      auth: { user: `alice@${DOMAIN}`, pass: 'alice has a long password' },
    });
    const info = await transport.sendMail({
      from: `Alice <alice@${DOMAIN}>`, to: `bob@${DOMAIN}`, bcc: `alice@${DOMAIN}`, subject: 'Lunch on Friday?',
      text: 'Shall we try the new place?', attachments: [{ filename: 'menu.txt', content: 'soup, bread' }],
    });
    expect(info.accepted).toEqual([`bob@${DOMAIN}`, `alice@${DOMAIN}`]);
    transport.close();

    const client = imap(`bob@${DOMAIN}`, 'bob has a long password');
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const msg = await waitFor(async () => (await fetchAll(client, { envelope: true, source: true, bodyStructure: true })).find((m) => m.envelope?.subject === 'Lunch on Friday?'));
        expect(msg.envelope!.from![0]!.address).toBe(`alice@${DOMAIN}`);
        expect(msg.source!.toString()).toContain('Shall we try the new place?');
        expect(msg.source!.toString()).not.toMatch(/^Bcc:/mi);
        expect(JSON.stringify(msg.bodyStructure)).toContain('menu.txt');
      } finally { lock.release(); }
    } finally { await client.logout(); }

    const alice = imap(`alice@${DOMAIN}`, 'alice has a long password');
    await alice.connect();
    try {
      const status = await alice.status('Sent', { messages: true });
      expect(status.messages).toBe(1);
      const lock = await alice.getMailboxLock('Sent');
      try {
        const [m] = await fetchAll(alice, { source: true, flags: true });
        expect(m!.source!.toString()).not.toMatch(/^Bcc:/mi);
        expect([...m!.flags!]).toContain('\\Seen');
      } finally { lock.release(); }
    } finally { await alice.logout(); }
  });

  it('accepts mail from another server on the MX port and refuses to relay', async () => {
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: port('smtp'), secure: false, ignoreTLS: true, name: 'mail.elsewhere.example' });
    await mx.sendMail({ from: 'carol@elsewhere.example', to: `bob@${DOMAIN}`, subject: 'From outside', text: 'Hello from another server.' });
    await expect(mx.sendMail({ from: 'spammer@elsewhere.example', to: 'victim@another.example', subject: 'relay?', text: 'x' })).rejects.toMatchObject({ responseCode: 554 });
    await expect(mx.sendMail({ from: 'carol@elsewhere.example', to: `nobody@${DOMAIN}`, subject: 'unknown', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    mx.close();
    const client = imap(`bob@${DOMAIN}`, bobApp);
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const src = await waitFor(async () => (await fetchAll(client, { envelope: true, source: true })).find((m) => m.envelope?.subject === 'From outside')?.source!.toString());
        expect(src).toMatch(/^Authentication-Results: cairn\.test;\r?\n\s+dkim=none[^\n]*\r?\n\s+spf=none/m);
      } finally { lock.release(); }
    } finally { await client.logout(); }
  });

  it('syncs an account both ways with mbsync', async () => {
    if (!existsSync('/usr/bin/mbsync')) throw new Error('mbsync is not installed (apt-get install isync; .ci/run does it)');
    const maildir = join(dir, 'Maildir');
    mkdirSync(maildir, { recursive: true });
    const config = join(dir, 'mbsyncrc');
    writeFileSync(config, [
      'IMAPAccount cairn', 'Host 127.0.0.1', `Port ${port('imaps')}`, `User bob@${DOMAIN}`, `Pass ${bobApp}`, 'SSLType IMAPS',
      `CertificateFile ${join(dir, 'data', 'tls', 'cert.pem')}`, '',
      'IMAPStore remote', 'Account cairn', '',
      'MaildirStore local', `Path ${maildir}/`, `Inbox ${maildir}/INBOX`, 'SubFolders Verbatim', '',
      'Channel cairn', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Both', 'Expunge Both', 'SyncState *', '',
    ].join('\n'));
    const sync = () => {
      const r = spawnSync('mbsync', ['-c', config, '-a'], { encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`mbsync failed: ${r.stdout}\n${r.stderr}`);
    };
    sync();
    // Server → local: both INBOX messages and the special-use folders arrived.
    expect(readdirSync(join(maildir, 'INBOX', 'cur')).length + readdirSync(join(maildir, 'INBOX', 'new')).length).toBe(2);
    expect(existsSync(join(maildir, 'Sent'))).toBe(true);
    // Local → server: a new message in a new folder, and one message marked as read.
    mkdirSync(join(maildir, 'Projects', 'cur'), { recursive: true });
    mkdirSync(join(maildir, 'Projects', 'new'), { recursive: true });
    mkdirSync(join(maildir, 'Projects', 'tmp'), { recursive: true });
    writeFileSync(join(maildir, 'Projects', 'cur', `${Date.now()}.1.local:2,S`), `From: bob@${DOMAIN}\r\nTo: bob@${DOMAIN}\r\nSubject: Written offline\r\n\r\nSynced up by mbsync.\r\n`);
    const inboxNew = readdirSync(join(maildir, 'INBOX', 'new'));
    for (const f of inboxNew) {
      const from = join(maildir, 'INBOX', 'new', f);
      const to = join(maildir, 'INBOX', 'cur', `${f.split(':')[0]}:2,S`);
      spawnSync('mv', [from, to]);
    }
    sync();
    const client = imap(`bob@${DOMAIN}`, bobApp);
    await client.connect();
    try {
      expect((await client.status('Projects', { messages: true })).messages).toBe(1);
      expect((await client.status('INBOX', { unseen: true })).unseen).toBe(0);
    } finally { await client.logout(); }
  });
});
