// Writing mail in a real browser: compose with an attachment (the upload's progress is
// shown), send it to yourself and find it in Sent; then set an automatic reply and a
// redirection in the mail settings. Screenshots go to test-results/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

describe('browser: compose and mail settings', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;

  beforeAll(async () => {
    session = await signedInPage();
    ({ app, page } = session);
  });

  afterAll(async () => { await session?.close(); });

  test('composes with an attachment, sends it to yourself, and finds it in Sent', async () => {
    const file = join(session!.dataDir, 'report.bin');
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
    await page.goto(`${app!.baseUrl}/mail/compose`);
    await page.fill('#compose-to', app!.email);
    await page.fill('#compose-subject', 'Quarterly report');
    await page.fill('#compose-body', 'Here it is.');
    await page.setInputFiles('#compose-file', file);
    const progress = page.locator('#upload-progress');
    await expect.poll(() => progress.isVisible()).toBe(true);
    await expect.poll(() => page.locator('#attachment-list li').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#upload-label').textContent()).toContain('Uploaded report.bin');
    expect(await page.locator('#attachment-list').textContent()).toContain('report.bin');
    // The draft is autosaved (htmx, a second after the last change) and the form keeps its UID.
    await expect.poll(() => page.locator('#draft-status').textContent(), { timeout: 15_000 }).toContain('Draft saved');
    expect(await page.inputValue('#draftUid')).toMatch(/^\d+$/);
    await page.screenshot({ path: join(SHOTS, 'webmail-compose-attachment.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/mail\/compose\/sent/), page.getByRole('button', { name: 'Send' }).click()]);
    expect(await page.textContent('main')).toContain('Message sent');
    await page.screenshot({ path: join(SHOTS, 'webmail-compose-sent.png'), fullPage: true });

    await page.goto(`${app!.baseUrl}/mail`);
    await page.locator('a', { hasText: /^\s*Sent\b/ }).first().click();
    await expect.poll(() => page.textContent('main'), { timeout: 10_000 }).toContain('Quarterly report');
    await page.screenshot({ path: join(SHOTS, 'webmail-compose-in-sent.png'), fullPage: true });
    // Sending dropped the autosaved draft.
    await page.locator('a', { hasText: /^\s*Drafts\b/ }).first().click();
    await expect.poll(() => page.textContent('main'), { timeout: 10_000 }).not.toContain('Quarterly report');
  });

  test('sets an automatic reply and a redirection in the settings', async () => {
    await page.goto(`${app!.baseUrl}/mail/settings`);
    await page.check('input[name=enabled]');
    await page.fill('#ar-subject', 'Out of office');
    await page.fill('#ar-body', 'Back on Monday.');
    await page.fill('#ar-end', '2099-01-01T09:00');
    await Promise.all([page.waitForURL(/done=autoreply/), page.getByRole('button', { name: 'Save automatic reply' }).click()]);
    expect(await page.locator('.flash').textContent()).toContain('Automatic reply saved');
    expect(await page.inputValue('#ar-subject')).toBe('Out of office');

    await page.fill('#redirect-addresses', 'me@elsewhere.example');
    await Promise.all([page.waitForURL(/done=redirections/), page.getByRole('button', { name: 'Save redirection' }).click()]);
    expect(await page.inputValue('#redirect-addresses')).toBe('me@elsewhere.example');
    expect(await page.isChecked('input[name=keepLocalCopy]')).toBe(true);
    // After saving, the page comes back at the card, its heading clear of the sticky top bar.
    await page.screenshot({ path: join(SHOTS, 'webmail-settings-saved.png') });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'webmail-settings.png'), fullPage: true });
  });
});
