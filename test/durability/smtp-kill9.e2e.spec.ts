// Acknowledged means durable, end to end: messages accepted with 250 on the MX port
// survive a SIGKILL of the appliance mid-load — the message row and its bytes (small
// messages are inline blobs written by the same transaction as the event).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { ROOT, startAppliance } from '../browser/harness.ts';

describe('durability of SMTP delivery', () => {
  it('keeps every message that got a 250 when the server is killed with SIGKILL mid-load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-smtp-kill-'));
    try {
      const dataDir = join(dir, 'data');
      const env = { CAIRN_HOSTNAME: 'kill.test' };
      const app = await startAppliance(dataDir, env);
      const add = spawnSync(process.execPath, [join(ROOT, 'scripts/cairn.js'), 'user', 'add', 'bob@kill.test', '--password', 'bob has a long password'], { env: { ...process.env, CAIRN_DATA_DIR: dataDir, CAIRN_LOG_LEVEL: 'warn' }, encoding: 'utf8' });
      expect(add.status).toBe(0);
      const port = Number(new URL(app.listening.smtp!.split(' ')[0]!).port);
      const accepted: string[] = [];
      let stop = false;
      const sender = async (w: number) => {
        const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
        for (let i = 0; !stop; i++) {
          const subject = `w${w}-m${i}`;
          try {
            await t.sendMail({ from: 'load@elsewhere.example', to: 'bob@kill.test', subject, text: 'x'.repeat(20_000) });
            accepted.push(subject);
          } catch { break; } // the server is gone
        }
        t.close();
      };
      const senders = Array.from({ length: 8 }, (_, w) => sender(w));
      await new Promise((r) => setTimeout(r, 3_000));
      const exited = new Promise((r) => app.child.once('exit', r)); // before the kill: the event must not be missed
      app.child.kill('SIGKILL');
      stop = true;
      await Promise.all(senders);
      await exited;
      expect(accepted.length).toBeGreaterThan(20);

      const db = new Database(join(dataDir, 'cairn.db'), { readonly: true });
      try {
        const rows = db.prepare("select json_extract(m.idx, '$.subject') as subject, (b.sha256 is not null) as inline from mail_messages m left join core_blob_data b on b.sha256 = m.sha256").all() as { subject: string; inline: number }[];
        const stored = new Set(rows.map((r) => r.subject));
        expect(accepted.filter((s) => !stored.has(s))).toEqual([]);
        expect(rows.every((r) => r.inline === 1)).toBe(true);
      } finally { db.close(); }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
