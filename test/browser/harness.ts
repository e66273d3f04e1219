// What the browser specs share: the whole appliance as a child process
// (`node scripts/cairn.js start`, the owner's credentials read from its output) and
// Debian's Chromium driven through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS = join(ROOT, 'test-results');
/** How long the appliance may take to print `Ready.` (first start creates the database). */
const START_TIMEOUT_MS = 60_000;

export interface Started {
  child: ChildProcess;
  baseUrl: string;
  email: string;
  password: string;
  output: string[];
  /** Every `listening <name> <address>` line: http, imap, imaps, smtp, submission, submissions. */
  listening: Record<string, string>;
}

/** `node scripts/cairn.js start` on a data directory, every port ephemeral; `env` adds or overrides variables. */
export function startAppliance(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/cairn.js'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CAIRN_DATA_DIR: dataDir,
      CAIRN_HTTP_PORT: '0',
      CAIRN_SMTP_PORT: '0',
      CAIRN_SUBMISSION_PORT: '0',
      CAIRN_SUBMISSIONS_PORT: '0',
      CAIRN_IMAP_PORT: '0',
      CAIRN_IMAPS_PORT: '0',
      CAIRN_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolvePromise, reject) => {
    let password: string | undefined;
    let email: string | undefined;
    let baseUrl: string | undefined;
    const listening: Record<string, string> = {};
    const timer = setTimeout(() => fail(new Error(`the appliance did not print "Ready." within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    function fail(e: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n--- appliance output ---\n${output.join('\n')}`));
    }
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`the appliance exited early (code ${code}, signal ${signal})`)));
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(`[stderr] ${line}`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const text = line.trim();
      password ??= /^Password: (\S+)/.exec(text)?.[1];
      email ??= /^Log in at \S+ as (\S+)/.exec(text)?.[1];
      baseUrl ??= /^listening http (http:\/\/\S+)/.exec(text)?.[1];
      const l = /^listening (\S+) (\S+)/.exec(text);
      if (l) listening[l[1]!] = l[2]!;
      if (text === 'Ready.') {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        if (!password || !email || !baseUrl) {
          fail(new Error('the appliance is ready but did not print the owner\'s password, login and HTTP address'));
          return;
        }
        resolvePromise({ child, baseUrl, email, password, output, listening });
      }
    });
  });
}

export async function stopAppliance(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}

/** Chromium as the tests run it: headless, no sandbox (root in CI), no background traffic. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (CI does this in .ci/run).`);
  }
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface SignedIn {
  app: Started;
  browser: Browser;
  page: import('playwright-core').Page;
  dataDir: string;
  close(): Promise<void>;
}

/** A fresh appliance, Chromium, and a page signed in as the owner through the real login form. */
export async function signedInPage(viewport = { width: 1100, height: 900 }, opts: { config?: Record<string, unknown> } = {}): Promise<SignedIn> {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-browser-'));
  let env: Record<string, string> = {};
  if (opts.config) {
    // Settings without an environment variable go through a config file (CAIRN_CONFIG).
    writeFileSync(join(dataDir, 'cairn.json'), JSON.stringify(opts.config));
    env = { CAIRN_CONFIG: join(dataDir, 'cairn.json') };
  }
  const app = await startAppliance(dataDir, env);
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${app.baseUrl}/login`);
  await page.fill('#email', app.email);
  await page.fill('#password', app.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('button[type=submit]')]);
  return {
    app, browser, page, dataDir,
    async close() {
      await browser.close();
      await stopAppliance(app.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
