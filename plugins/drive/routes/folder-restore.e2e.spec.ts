// "Restore this folder as it was" in a real browser (Debian's Chromium): a folder with
// files changes (one trashed, one renamed, one rewritten, one added), then is brought back
// to a chosen moment through /drive/restore: preview, confirm, and the old state is there.
// Screenshots of the preview and the result, light and dark, go to test-results/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn } from '../../../test/browser/harness.ts';

/** A whole second between the state restored and the changes: the form picks times to the second. */
const SETTLE_MS = 1_200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('browser: folder restore', () => {
  let session: SignedIn | undefined;
  let page: Page;
  let base: string;
  /** A sync client's write (the owner's password works on /dav/ too). */
  const put = async (path: string, body: string) => {
    const res = await fetch(`${base}/dav/files/${session!.app.email}/${path}`, {
      method: 'PUT', body, headers: { Authorization: `Basic ${Buffer.from(`${session!.app.email}:${session!.app.password}`).toString('base64')}`, 'Content-Type': 'text/plain' },
    });
    expect([201, 204]).toContain(res.status);
  };
  const names = () => page.locator('.drive-table td.col-name a').allTextContents();
  const openMenu = (name: string) => page.click(`summary[aria-label="Actions for ${name}"]`);

  beforeAll(async () => {
    session = await signedInPage({ width: 1100, height: 900 }, { config: { plugins: ['drive'] } });
    page = session.page;
    base = session.app.baseUrl;
  });
  afterAll(async () => { await session?.close(); });

  test('brings a folder back as it was at a chosen time, after a preview', async () => {
    await page.goto(`${base}/drive`);
    await page.fill('#new-folder', 'Trip');
    await Promise.all([page.waitForURL(/done=folder/), page.click('text=Create folder')]);
    await put('Trip/budget.txt', 'budget: 1200 EUR\n');
    await put('Trip/packing.txt', 'boots, map, tent\n');
    await put('Trip/notes.txt', 'day 1: the pass\n');
    await Promise.all([page.waitForURL(/folder=/), page.click('a:has-text("Trip")')]);
    const folderUrl = page.url();
    expect(await names()).toEqual(['budget.txt', 'notes.txt', 'packing.txt']);

    await sleep(SETTLE_MS);
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000); // the first whole second after the files were written
    await sleep(at.getTime() - Date.now() + SETTLE_MS);

    await openMenu('packing.txt');
    await Promise.all([page.waitForURL(/done=trashed/), page.click('tr:has-text("packing.txt") >> text=Move to trash')]);
    await openMenu('notes.txt');
    await page.fill('tr:has-text("notes.txt") input[name="name"]', 'notes (old).txt');
    await Promise.all([page.waitForURL(/done=renamed/), page.click('tr:has-text("notes.txt") >> button:has-text("Rename")')]);
    await put('Trip/budget.txt', 'budget: 2500 EUR (flights went up)\n');
    await put('Trip/later.txt', 'added after the moment restored\n');
    await page.goto(folderUrl);
    expect(await names()).toEqual(['budget.txt', 'later.txt', 'notes (old).txt']);
    await page.screenshot({ path: join(SHOTS, 'drive-restore-before.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/drive\/restore/), page.click('text=Restore this folder…')]);
    expect(await page.locator('#folder option[selected]').textContent()).toBe('Trip');
    await page.fill('#at', at.toISOString().slice(0, 19));
    await Promise.all([page.waitForURL(/at=/), page.click('button:has-text("Preview")')]);
    const preview = page.locator('#restore-preview');
    await expect.poll(() => preview.textContent()).toContain('Trip');
    const text = (await preview.textContent())!;
    expect(text).toContain(`${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`);
    expect(text).toContain('change 4 items');
    expect(text).toMatch(/bring back\s*packing\.txt/);
    expect(text).toMatch(/put back the earlier version of\s*budget\.txt/);
    expect(text).toMatch(/rename\s*notes \(old\)\.txt\s*back to\s*notes\.txt/);
    expect(text).toMatch(/move to the trash\s*later\.txt/);
    expect(await page.inputValue('#at')).toBe(at.toISOString().slice(0, 19));
    await page.screenshot({ path: join(SHOTS, 'drive-restore-preview.png'), fullPage: true });

    await Promise.all([page.waitForURL(/done=folder_restored/), preview.locator('button:has-text("Restore")').click()]);
    expect(await names()).toEqual(['budget.txt', 'notes.txt', 'packing.txt']);
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Folder restored');
    const budget = await page.request.get(new URL(await page.locator('a:has-text("budget.txt")').getAttribute('href') as string, base).href);
    expect(await budget.text()).toBe('budget: 1200 EUR\n');
    await page.screenshot({ path: join(SHOTS, 'drive-restore-after.png'), fullPage: true });

    // What was added since is in the trash, not gone.
    await page.goto(`${base}/drive/trash`);
    await expect.poll(() => page.locator('body').textContent()).toContain('later.txt');
  });

  test('copies a restored file elsewhere with “Copy to…”', async () => {
    await page.goto(`${base}/drive`);
    await Promise.all([page.waitForURL(/folder=/), page.click('a:has-text("Trip")')]);
    await openMenu('budget.txt');
    await Promise.all([page.waitForURL(/\/copy/), page.click('tr:has-text("budget.txt") >> text=Copy to…')]);
    await page.selectOption('#copy-to', { label: '/ (My files)' });
    await page.screenshot({ path: join(SHOTS, 'drive-copy-to.png'), fullPage: true });
    await Promise.all([page.waitForURL(/done=copied/), page.click('button:has-text("Copy here")')]);
    expect(await names()).toEqual(['Trip', 'budget.txt']);
  });

  test('the preview on a phone in dark mode', async () => {
    const dark = await session!.browser.newContext({ viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    const p = await dark.newPage();
    await p.context().addCookies(await page.context().cookies());
    await p.goto(`${base}/drive/restore?preset=24h`);
    await expect.poll(() => p.locator('#restore-preview').count()).toBe(1);
    await p.screenshot({ path: join(SHOTS, 'drive-restore-preview-phone-dark.png'), fullPage: true });
    await dark.close();
  });
});
