// Idle RSS of the whole appliance (`node scripts/cairn.js start`) after it is ready.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../core/testing/temp-dir.ts';

const SETTLE_MS = 3_000;

/** Idle RSS (MB) at the first start (which also hashes the owner's password and makes the TLS pair) and at a restart. */
export async function benchIdleRss(): Promise<{ firstStart: number; restart: number }> {
  const dir = tempDir('cairn-bench-');
  try {
    const firstStart = await idleRss(dir.path);
    const restart = await idleRss(dir.path);
    return { firstStart, restart };
  } finally { dir.remove(); }
}

async function idleRss(dataDir: string): Promise<number> {
  const root = join(import.meta.dirname, '../..');
  const child = spawn(process.execPath, [join(root, 'scripts/cairn.js'), 'start'], {
    env: { ...process.env, CAIRN_DATA_DIR: dataDir, CAIRN_HTTP_PORT: '0', CAIRN_SMTP_PORT: '0', CAIRN_SUBMISSION_PORT: '0', CAIRN_SUBMISSIONS_PORT: '0', CAIRN_IMAP_PORT: '0', CAIRN_IMAPS_PORT: '0', CAIRN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => { out += d; if (out.includes('Ready.')) resolve(); });
      child.on('exit', (c) => reject(new Error(`appliance exited (${c}) before it was ready: ${out}`)));
    });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
    return kb / 1024;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
