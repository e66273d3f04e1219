// The whole appliance as a child process (`node scripts/cairn.js start`) driven by a
// real Chromium: sign in through the login page, switch themes on the account page
// (checking the computed colours and that the choice survives a reload), and create
// an app password that is shown once. Screenshots go to test-results/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, SHOTS, startAppliance, stopAppliance, type Started } from './harness.ts';

/** The palettes' --bg values in app.css. */
const LIGHT_BG = 'rgb(245, 246, 248)';
const DARK_BG = 'rgb(16, 20, 24)';

async function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

describe('browser: sign in, theme, app password', () => {
  let dataDir: string;
  let app: Started | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-browser-'));
    app = await startAppliance(dataDir);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    if (app) await stopAppliance(app.child);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('sign in through the login page', async () => {
    await page.goto(`${app!.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect.poll(() => page.title()).toBe('Sign in · Cairn');
    await page.screenshot({ path: join(SHOTS, 'login.png'), fullPage: true });

    // A wrong password first: the form comes back with a message.
    await page.fill('#email', app!.email);
    await page.fill('#password', 'definitely-wrong');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    expect(await page.textContent('.flash-error')).toContain('Wrong email address or password.');
    await page.screenshot({ path: join(SHOTS, 'login-error.png'), fullPage: true });

    await page.fill('#password', app!.password);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('button[type=submit]')]);
    const who = page.locator('#user-name');
    await expect.poll(() => who.textContent()).toBeTruthy();
    expect(await who.getAttribute('title')).toBe(app!.email);
    await page.screenshot({ path: join(SHOTS, 'signed-in.png'), fullPage: true });
  });

  test('switch theme to dark, keep it after a reload, then back to light', async () => {
    await page.goto(`${app!.baseUrl}/account`);
    await page.waitForFunction(() => 'htmx' in window);
    expect(await page.getAttribute('html', 'data-theme')).toBe('auto');
    expect(await background(page)).toBe(LIGHT_BG); // auto + light system preference
    await page.screenshot({ path: join(SHOTS, 'account-light.png'), fullPage: true });

    await page.click('#appearance button[value=dark]');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await expect.poll(() => background(page)).toBe(DARK_BG);
    await expect.poll(() => page.getAttribute('#appearance button[value=dark]', 'aria-pressed')).toBe('true');

    await page.reload();
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await background(page)).toBe(DARK_BG);
    await page.screenshot({ path: join(SHOTS, 'account-dark.png'), fullPage: true });

    await page.click('#appearance button[value=light]');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await expect.poll(() => background(page)).toBe(LIGHT_BG);
    await page.reload();
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');
  });

  test('create an app password: shown once with the user name', async () => {
    await page.goto(`${app!.baseUrl}/account`);
    await page.waitForFunction(() => 'htmx' in window);
    await page.fill('#app-password-label', 'Phone (e2e)');
    await page.click('#devices button[type=submit]:has-text("Create app password")');
    const secret = page.locator('[data-testid=new-app-password]');
    await secret.waitFor();
    const password = (await secret.textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await page.textContent('#new-app-user')).toBe(app!.email);
    await page.evaluate(() => window.scrollTo(0, 0)); // a sticky header would otherwise land mid-page in the full-page shot
    await page.screenshot({ path: join(SHOTS, 'app-password-created.png'), fullPage: true });

    await page.reload();
    expect(await page.locator('[data-testid=new-app-password]').count()).toBe(0);
    expect(await page.content()).not.toContain(password);
    expect(await page.textContent('#devices table')).toContain('Phone (e2e)');
  });

  test('phone-sized screens and the dark theme stay usable', async () => {
    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await p.goto(`${app!.baseUrl}/account`);
    // The theme is "light" now (set above) even though the phone prefers dark.
    expect(await background(p)).toBe(LIGHT_BG);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: join(SHOTS, 'account-phone.png'), fullPage: true });
    // "Automatic" follows the phone's dark preference.
    await p.waitForFunction(() => 'htmx' in window);
    await p.click('#appearance button[value=auto]');
    await p.waitForFunction(() => document.documentElement.dataset.theme === 'auto');
    await expect.poll(() => background(p)).toBe(DARK_BG);
    await p.goto(`${app!.baseUrl}/no-such-page`);
    await p.screenshot({ path: join(SHOTS, 'not-found-phone.png'), fullPage: true });
    await phone.close();
  });

  test('no console errors (CSP violations, script failures)', () => {
    // Only the deliberate wrong password (401) and unknown page (404) may show up as failed loads.
    expect(consoleErrors.filter((e) => !/status of (401|404)\b/.test(e))).toEqual([]);
  });
});
