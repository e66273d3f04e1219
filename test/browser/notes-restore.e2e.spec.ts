// The headline feature in a real browser: notes are changed and deleted by mistake,
// then the user previews and restores the notebook as it was, and brings back one
// note from "recently deleted". Screenshots go to test-results/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

describe('browser: restore notes', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;

  beforeAll(async () => {
    session = await signedInPage();
    ({ app, page } = session);
  });

  afterAll(async () => { await session?.close(); });

  const addNote = async (title: string, body: string) => {
    await page.fill('#title', title);
    await page.fill('#body', body);
    await Promise.all([page.waitForURL(/done=added/), page.click('text=Add note')]);
  };
  const titles = () => page.locator('#notes .note summary strong').allTextContents();

  test('a mistaken edit and deletion are undone by restoring the notebook to a moment before them', async () => {
    await page.goto(`${app!.baseUrl}/notes`);
    await addNote('Packing list', 'passport, charger');
    await addNote('Recipe', 'flour, eggs, milk');
    expect((await titles()).sort()).toEqual(['Packing list', 'Recipe']);
    await page.waitForTimeout(1_100); // the time field has second precision
    const before = new Date().toISOString().slice(0, 19);
    await page.waitForTimeout(1_100);

    // The mistakes: the recipe is overwritten, the packing list deleted.
    await page.click('summary:has-text("Recipe")');
    await page.locator('details[open] textarea').fill('oops');
    await Promise.all([page.waitForURL(/done=saved/), page.locator('details[open]').getByRole('button', { name: 'Save' }).click()]);
    await page.click('summary:has-text("Packing list")');
    await Promise.all([page.waitForURL(/done=deleted/), page.locator('details[open]').getByRole('button', { name: 'Delete' }).click()]);
    expect(await titles()).toEqual(['Recipe']);

    await page.fill('#at', before);
    await Promise.all([page.waitForURL(/\/notes\/restore/), page.click('text=Preview')]);
    const preview = page.locator('#restore-preview');
    await expect.poll(() => preview.textContent()).toContain('bring back Packing list');
    expect(await preview.textContent()).toContain('put back the earlier text of Recipe');
    await page.screenshot({ path: join(SHOTS, 'notes-restore-preview.png'), fullPage: true });

    await Promise.all([page.waitForURL(/done=restored/), preview.getByRole('button', { name: 'Restore' }).click()]);
    expect((await titles()).sort()).toEqual(['Packing list', 'Recipe']);
    await page.click('summary:has-text("Recipe")');
    expect(await page.locator('details[open] textarea').inputValue()).toBe('flour, eggs, milk');
    await page.screenshot({ path: join(SHOTS, 'notes-restored.png'), fullPage: true });
  });

  test('a deleted note comes back from "recently deleted"', async () => {
    await page.goto(`${app!.baseUrl}/notes`);
    await page.click('summary:has-text("Packing list")');
    await Promise.all([page.waitForURL(/done=deleted/), page.locator('details[open]').getByRole('button', { name: 'Delete' }).click()]);
    expect(await titles()).toEqual(['Recipe']);
    const row = page.locator('li.row', { hasText: 'Packing list' });
    await Promise.all([page.waitForURL(/done=undeleted/), row.getByRole('button', { name: 'Restore' }).click()]);
    expect((await titles()).sort()).toEqual(['Packing list', 'Recipe']);
  });
});
