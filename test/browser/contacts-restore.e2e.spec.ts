// Restoring an address book in a real browser: two contacts are made, then one is
// edited and the other deleted; "restore as it was at <time>" previews what comes back
// and brings both back as they were. Screenshots go to test-results/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

describe('browser: restore an address book', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;

  beforeAll(async () => {
    session = await signedInPage();
    ({ app, page } = session);
  });
  afterAll(async () => { await session?.close(); });

  async function createContact(given: string, family: string, email: string) {
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.fill('input[name=given]', given);
    await page.fill('input[name=family]', family);
    await page.fill('#email-0', email);
    await Promise.all([page.waitForURL(/\/contacts\/b\/[^/]+\/c\//), page.getByRole('button', { name: 'Create contact' }).click()]);
    await page.goto(bookUrl);
  }
  let bookUrl = '';

  test('edits and deletes, then restores the book as it was, with a preview', async () => {
    await page.goto(`${app.baseUrl}/contacts`);
    bookUrl = page.url();
    expect(bookUrl).toMatch(/\/contacts\/b\/[^/?]+$/);
    await createContact('Ada', 'Lovelace', 'ada@engines.example');
    await createContact('Alan', 'Turing', 'alan@bletchley.example');
    expect(await page.textContent('main')).toContain('Alan Turing');
    await page.screenshot({ path: join(SHOTS, 'contacts-before.png'), fullPage: true });

    // The moment to go back to: after both exist, before the mistakes (datetime-local, UTC, seconds).
    await page.waitForTimeout(1100);
    const at = new Date().toISOString().slice(0, 19);
    await page.waitForTimeout(1100);

    await page.getByRole('link', { name: /Ada Lovelace/ }).first().click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.fill('input[name=family]', 'Byron');
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Save' }).click()]);
    await page.goto(bookUrl);
    await page.getByRole('link', { name: /Alan Turing/ }).first().click();
    page.once('dialog', (d) => { void d.accept(); });
    await Promise.all([page.waitForURL(/done=deleted/), page.getByRole('button', { name: 'Delete contact' }).click()]);
    expect(await page.textContent('main')).not.toContain('Alan Turing');
    expect(await page.textContent('main')).toContain('Ada Byron');

    await page.getByRole('link', { name: 'Restore' }).first().click();
    await page.fill('#at', at);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('#restore-preview');
    await expect.poll(() => preview.textContent()).toContain('Alan Turing');
    expect(await preview.textContent()).toMatch(/Ada/);
    await page.screenshot({ path: join(SHOTS, 'contacts-restore-preview.png'), fullPage: true });
    await Promise.all([page.waitForURL(/done=restored/), preview.getByRole('button', { name: 'Restore' }).click()]);
    const main = await page.textContent('main');
    expect(main).toContain('Alan Turing');
    expect(main).toContain('Ada Lovelace');
    expect(main).not.toContain('Ada Byron');
    await page.screenshot({ path: join(SHOTS, 'contacts-restored.png'), fullPage: true });
  });
});
