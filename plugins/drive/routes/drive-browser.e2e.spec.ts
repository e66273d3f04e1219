// The drive in a real browser (Debian's Chromium): upload with the progress bar, a
// share link opened in a second browser context that is not signed in, and
// screenshots of the pages at desktop and phone widths in light and dark (test-results/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn } from '../../../test/browser/harness.ts';

describe('browser: drive', () => {
  let session: SignedIn | undefined;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    session = await signedInPage({ width: 1100, height: 900 }, { config: { plugins: ['mail', 'contacts', 'notes', 'drive'] } });
    page = session.page;
    base = session.app.baseUrl;
  });
  afterAll(async () => { await session?.close(); });

  test('uploads files with progress, shares one by a password link, and opens it signed out', async () => {
    await page.goto(`${base}/drive`);
    await page.fill('#new-folder', 'Holiday');
    await Promise.all([page.waitForURL(/done=folder/), page.click('text=Create folder')]);
    await page.click('a:has-text("Holiday")');
    const file = join(session!.dataDir, 'itinerary.txt');
    writeFileSync(file, 'Day 1: arrive\n'.repeat(20_000));
    await Promise.all([page.waitForEvent('load'), page.setInputFiles('#upload-input', file)]);
    await expect.poll(() => page.locator('.drive-table td.col-name a').allTextContents()).toEqual(['itinerary.txt']);
    await page.screenshot({ path: join(SHOTS, 'drive-folder-light.png'), fullPage: true });

    await page.click('summary[aria-label="Actions for itinerary.txt"]');
    await page.click('text=Share…');
    await page.fill('#link-password', 'sunny beach');
    await Promise.all([page.waitForURL(/done=link/), page.click('text=Create link')]);
    const url = await page.locator('#links input[readonly]').first().inputValue();
    expect(url).toMatch(/\/drive\/s\/[A-Za-z0-9_-]+$/);
    await page.screenshot({ path: join(SHOTS, 'drive-share.png'), fullPage: true });

    const stranger = await session!.browser.newContext({ viewport: { width: 390, height: 800 } });
    const other = await stranger.newPage();
    const link = new URL(new URL(url).pathname, base).href;
    await other.goto(link);
    await expect.poll(() => other.locator('h2, h1').allTextContents()).toContain('This link is protected');
    await other.fill('#link-pw', 'wrong guess');
    await other.click('text=Open');
    await expect.poll(() => other.locator('.flash-error').textContent()).toContain('not right');
    await other.fill('#link-pw', 'sunny beach');
    await other.click('text=Open');
    await expect.poll(() => other.locator('a.btn:has-text("Download")').count()).toBe(1);
    await other.screenshot({ path: join(SHOTS, 'drive-public-link-phone.png'), fullPage: true });
    const download = await Promise.all([other.waitForEvent('download'), other.click('text=Download')]).then(([d]) => d);
    expect(download.suggestedFilename()).toBe('itinerary.txt');
    await stranger.close();
  });

  test('looks right on a phone and in dark mode', async () => {
    const dark = await session!.browser.newContext({ viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    const p = await dark.newPage();
    await p.context().addCookies(await page.context().cookies());
    await p.goto(`${base}/drive`);
    await p.screenshot({ path: join(SHOTS, 'drive-phone-dark.png'), fullPage: true });
    await p.click('a:has-text("Holiday")');
    await p.click('summary[aria-label="Actions for itinerary.txt"]');
    await p.screenshot({ path: join(SHOTS, 'drive-phone-menu-dark.png'), fullPage: true });
    await p.goto(`${base}/drive?view=grid`);
    await p.screenshot({ path: join(SHOTS, 'drive-grid-phone-dark.png'), fullPage: true });
    await p.goto(`${base}/drive/restore`);
    await p.screenshot({ path: join(SHOTS, 'drive-restore-phone-dark.png'), fullPage: true });
    await dark.close();
  });
});
