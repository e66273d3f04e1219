// Nextcloud Login Flow v2 in a real browser, the way Nextcloud's desktop app runs it:
// the flow is started over HTTP with the app's User-Agent, its login link is opened in
// Chromium (already signed in, and once signed out through the sign-in page), Grant is
// clicked, and the poll hands over credentials that Nextcloud's own sync client
// (nextcloudcmd, when installed) then syncs a folder with. Screenshots go to test-results/.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

const NEXTCLOUDCMD = '/usr/bin/nextcloudcmd';
/** What the desktop client (3.x) sends when it starts the flow: "<host name> (Desktop Client - <platform>)". */
const DESKTOP_UA = 'workstation (Desktop Client - Linux)';

interface Flow { poll: { token: string; endpoint: string }; login: string }
interface Credentials { server: string; loginName: string; appPassword: string }

describe('browser: Nextcloud Login Flow v2', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;

  beforeAll(async () => {
    session = await signedInPage({ width: 1100, height: 800 });
    ({ app, page } = session);
  });
  afterAll(async () => { await session?.close(); });

  async function startFlow(): Promise<Flow> {
    const res = await fetch(`${app.baseUrl}/index.php/login/v2`, { method: 'POST', headers: { 'User-Agent': DESKTOP_UA } });
    expect(res.status).toBe(200);
    return await res.json() as Flow;
  }

  function poll(flow: Flow): Promise<Response> {
    return fetch(flow.poll.endpoint, { method: 'POST', body: new URLSearchParams({ token: flow.poll.token }) });
  }

  test('a signed-in user grants the desktop app, whose credentials then sync a folder', async () => {
    const flow = await startFlow();
    expect(flow.login.startsWith(`${app.baseUrl}/index.php/login/v2/flow/`)).toBe(true);
    expect((await poll(flow)).status).toBe(404);

    await page.goto(flow.login);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Connect Nextcloud desktop (Linux) on workstation to your account?');
    expect(await page.locator('main, body').first().textContent()).toContain(app.email);
    await page.screenshot({ path: join(SHOTS, 'nextcloud-login-flow-grant.png'), fullPage: true });
    await Promise.all([page.waitForURL(flow.login), page.getByRole('button', { name: 'Grant access' }).click()]);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Done — you can close this window');
    await page.screenshot({ path: join(SHOTS, 'nextcloud-login-flow-done.png'), fullPage: true });

    const answer = await poll(flow);
    expect(answer.status).toBe(200);
    const creds = await answer.json() as Credentials;
    expect(creds.loginName).toBe(app.email);
    expect(creds.server).toBe(app.baseUrl);
    expect((await poll(flow)).status).toBe(404);

    const propfind = await fetch(`${creds.server}/remote.php/dav/files/${creds.loginName}/`, {
      method: 'PROPFIND', headers: { Depth: '0', Authorization: `Basic ${Buffer.from(`${creds.loginName}:${creds.appPassword}`).toString('base64')}` },
    });
    expect(propfind.status).toBe(207);

    await page.goto(`${app.baseUrl}/account`);
    await expect.poll(() => page.locator('#devices').textContent()).toContain('Nextcloud desktop (Linux) on workstation');

    if (existsSync(NEXTCLOUDCMD)) {
      const dir = mkdtempSync(join(tmpdir(), 'cairn-login-flow-'));
      try {
        writeFileSync(join(dir, 'from-the-desktop.txt'), 'synced with a login-flow password');
        await nextcloudcmd(dir, creds);
        const got = await fetch(`${creds.server}/dav/files/${creds.loginName}/from-the-desktop.txt`, {
          headers: { Authorization: `Basic ${Buffer.from(`${creds.loginName}:${creds.appPassword}`).toString('base64')}` },
        });
        expect(await got.text()).toBe(readFileSync(join(dir, 'from-the-desktop.txt'), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('a signed-out browser signs in first and comes back to the grant page', async () => {
    const flow = await startFlow();
    const context = await session!.browser.newContext({ viewport: { width: 390, height: 800 } });
    try {
      const fresh = await context.newPage();
      await fresh.goto(flow.login);
      expect(new URL(fresh.url()).pathname).toBe('/login');
      await fresh.fill('#email', app.email);
      await fresh.fill('#password', app.password);
      await Promise.all([fresh.waitForURL(flow.login), fresh.click('button[type=submit]')]);
      await expect.poll(() => fresh.locator('h1').textContent()).toContain('to your account?');
      await fresh.screenshot({ path: join(SHOTS, 'nextcloud-login-flow-grant-phone.png'), fullPage: true });
      await Promise.all([fresh.waitForLoadState('load'), fresh.getByRole('button', { name: 'Cancel' }).click()]);
      await expect.poll(() => fresh.locator('h1').textContent()).toContain('Not connected');
      expect((await poll(flow)).status).toBe(404);
      // The link is spent: opening it again shows that it expired, and nothing can be granted.
      const again = await fresh.goto(flow.login);
      expect(again?.status()).toBe(404);
    } finally {
      await context.close();
    }
  });
});

/** One nextcloudcmd run against the server the poll named, with the login-flow credentials. */
function nextcloudcmd(dir: string, creds: Credentials): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(NEXTCLOUDCMD, ['--non-interactive', '--max-sync-retries', '1', '-u', creds.loginName, '-p', creds.appPassword, dir, creds.server], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, _out, log) => {
      if (err) reject(new Error(`nextcloudcmd failed (${err.code}):\n${log.split('\n').slice(-40).join('\n')}`));
      else resolve();
    });
  });
}
