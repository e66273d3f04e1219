// Webmail's reading side in a real browser: mail arrives through the MX port, is read,
// starred and found with the Starred filter, moved with a bulk action, deleted and
// brought back from "recently deleted", and a new message shows up without a reload
// (SSE). Screenshots go to test-results/.
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

describe('browser: webmail reading', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let browser: Browser;
  let page: Page;
  let send: (subject: string, html?: string) => Promise<void>;

  beforeAll(async () => {
    session = await signedInPage({ width: 1280, height: 860 });
    ({ app, page, browser } = session);
    const port = Number(new URL(app.listening.smtp!.split(' ')[0]!).port);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    send = async (subject, html) => {
      await transport.sendMail({ from: 'Carol <carol@elsewhere.example>', to: app!.email, subject, ...(html ? { html } : { text: `Body of ${subject}` }) });
    };
  });

  afterAll(async () => { await session?.close(); });

  const row = (subject: string) => page.locator('#mail-list .mail-row', { hasText: subject });

  test('reads, stars and filters, moves by bulk action', async () => {
    await send('Quarterly report', '<h2>Numbers</h2><p>Revenue is <b>up</b>.</p><img src="https://tracker.example/p.gif" alt="logo"><script>document.title="pwned"</script>');
    await send('Lunch plans');
    await send('Move me somewhere');
    await page.goto(`${app!.baseUrl}/mail`);
    await expect.poll(async () => { await page.reload(); return page.locator('#mail-list .mail-row').count(); }, { timeout: 15_000 }).toBe(3);
    expect(await page.locator('#mail-folders [data-special="inbox"] .count').textContent()).toBe('3');
    await page.screenshot({ path: join(SHOTS, 'webmail-list.png') });

    // Keyboard: j moves the focus down the list, o opens the focused message.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await page.locator('.mail-row.kbd-focus').textContent()).toContain('Quarterly report');
    await Promise.all([page.waitForURL(/\/mail\/m\/[^/]+\/\d+/), page.keyboard.press('o')]);
    await expect.poll(() => page.locator('#mail-reader .mail-body').textContent()).toContain('Revenue is up');
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('.mail-images-blocked').textContent()).toContain('1 remote image was blocked');
    await page.screenshot({ path: join(SHOTS, 'webmail-reading.png') });

    await page.locator('#mail-reader .mail-star').click();
    await expect.poll(() => page.locator('#mail-reader .mail-star').getAttribute('aria-pressed')).toBe('true');
    await page.click('.mail-filters >> text=Starred');
    await page.waitForURL(/filter=starred/);
    expect(await page.locator('#mail-list .mail-row').allTextContents()).toHaveLength(1);
    expect(await page.locator('#mail-list .mail-row').textContent()).toContain('Quarterly report');
    await page.screenshot({ path: join(SHOTS, 'webmail-starred.png') });

    await page.click('.mail-filters >> text=All');
    await row('Move me somewhere').locator('input[name=uid]').check();
    await page.selectOption('#mail-move-target', { label: 'Archive' });
    await Promise.all([page.waitForURL(/\/mail\/m\/[^/?]+$/), page.click('button[name=action][value=move]')]);
    await expect.poll(() => row('Move me somewhere').count()).toBe(0);
    await page.click('#mail-folders [data-special="archive"]');
    await expect.poll(() => row('Move me somewhere').count()).toBe(1);
  });

  test('deletes a message and restores it from "recently deleted"', async () => {
    await page.click('#mail-folders [data-special="inbox"]');
    await row('Lunch plans').locator('.mail-row-link').click();
    await Promise.all([page.waitForURL(/\/mail\/m\/[^/?]+$/), page.locator('#mail-reader button[value=delete]').click()]);
    await expect.poll(() => row('Lunch plans').count()).toBe(0);
    await page.click('#mail-folders [data-special="trash"]');
    await row('Lunch plans').locator('input[name=uid]').check();
    await Promise.all([page.waitForURL(/\/mail\/m\/[^/?]+$/), page.click('button[name=action][value=delete]')]);
    await expect.poll(() => row('Lunch plans').count()).toBe(0);
    await page.click('text=Recently deleted');
    const deleted = page.locator('#mail-list .mail-row', { hasText: 'Lunch plans' });
    await expect.poll(() => deleted.count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'webmail-recently-deleted.png') });
    await Promise.all([page.waitForURL(/done=restored/), deleted.first().getByRole('button', { name: 'Restore' }).click()]);
    await page.click('#mail-folders [data-special="trash"]');
    await expect.poll(() => row('Lunch plans').count()).toBe(1);
  });

  test('a new message appears without a reload', async () => {
    await page.click('#mail-folders [data-special="inbox"]');
    await page.waitForLoadState('networkidle').catch(() => undefined);
    const marker = await page.evaluate(() => { (window as unknown as { __noReload: boolean }).__noReload = true; return true; });
    expect(marker).toBe(true);
    await send('Live arrival');
    await expect.poll(() => row('Live arrival').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'webmail-live.png') });

    // Search (the index is built asynchronously) and folder management.
    await page.fill('#mail-q', 'quarterly');
    await page.press('#mail-q', 'Enter');
    await page.waitForURL(/\/mail\/search\?/);
    await expect.poll(async () => { await page.reload(); return page.locator('#mail-list .mail-row', { hasText: 'Quarterly report' }).count(); }, { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.mail-hint').textContent()).toContain('Include Trash and Junk');
    await page.screenshot({ path: join(SHOTS, 'webmail-search.png') });
    await page.click('text=Manage folders');
    await page.fill('#new-folder', 'Projects/Cairn');
    await Promise.all([page.waitForURL(/done=created/), page.click('button:has-text("Create")')]);
    expect(await page.locator('#mail-folders').textContent()).toContain('Cairn');
    await page.screenshot({ path: join(SHOTS, 'webmail-folders.png') });

    // Phone-sized, dark.
    const phone = await browser!.newContext({ viewport: { width: 390, height: 800 }, colorScheme: 'dark', storageState: await page.context().storageState() });
    const p = await phone.newPage();
    await p.goto(`${app!.baseUrl}/mail`);
    await p.screenshot({ path: join(SHOTS, 'webmail-phone-list.png') });
    await p.locator('#mail-list .mail-row', { hasText: 'Quarterly report' }).locator('.mail-row-link').click();
    await p.waitForURL(/\/mail\/m\/[^/]+\/\d+/);
    expect(await p.locator('#mail-list').isVisible()).toBe(false);
    await p.screenshot({ path: join(SHOTS, 'webmail-phone-reading.png') });
    await phone.close();
  });
});
