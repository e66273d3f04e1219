// Getting a device and old mail in, in a real browser: the "Set up a device" page
// downloads an Apple profile made with a fresh device password, which then shows in
// the account's device list and can be revoked; an .mbox upload shows its progress
// and the imported messages land in the chosen folder. Screenshots go to test-results/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

describe('browser: device set-up and mail import', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;

  beforeAll(async () => {
    // The IMAP import below reads from this very appliance on 127.0.0.1, which the SSRF guard refuses by default.
    session = await signedInPage(undefined, { config: { mail: { importAllowPrivateHosts: true } } });
    ({ app, page } = session);
  });
  afterAll(async () => { await session?.close(); });

  test('downloads a configuration profile whose device password is listed and revocable', async () => {
    await page.goto(`${app.baseUrl}/mail/setup`);
    expect(await page.locator('#manual-settings').textContent()).toContain('STARTTLS');
    await page.fill('#device-label', 'Test iPhone');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download profile' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.mobileconfig$/);
    const profile = readFileSync((await download.path())!, 'utf8');
    for (const t of ['com.apple.mail.managed', 'com.apple.caldav.account', 'com.apple.carddav.account']) expect(profile).toContain(`<string>${t}</string>`);
    const password = /<key>IncomingPassword<\/key>\s*<string>([^<]+)<\/string>/.exec(profile)?.[1];
    expect(password).toMatch(/^[a-z2-9]{4}(-?[a-z2-9]{4}){3}$/);
    await page.screenshot({ path: join(SHOTS, 'device-setup.png'), fullPage: true });

    await page.goto(`${app.baseUrl}/account`);
    const devices = page.locator('li, tr', { hasText: 'Test iPhone' });
    await expect.poll(() => devices.count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'device-setup-account-devices.png'), fullPage: true });
    page.once('dialog', (d) => { void d.accept(); });
    await devices.first().getByRole('button', { name: /Revoke/ }).click();
    await expect.poll(() => page.locator('li, tr', { hasText: 'Test iPhone' }).count()).toBe(0);
  });

  test('imports an .mbox upload with progress into a new folder', async () => {
    const mbox = join(session!.dataDir, 'old-mail.mbox');
    const msg = (n: number) => [
      `From sender${n}@example.org Mon Jan  5 10:00:00 2026`,
      `From: Sender ${n} <sender${n}@example.org>`, `To: ${app.email}`, `Subject: Archived message ${n}`,
      'Date: Mon, 05 Jan 2026 10:00:00 +0000', `Message-ID: <archived-${n}@example.org>`, '', `Body of message ${n}.`, '',
    ].join('\n');
    writeFileSync(mbox, [1, 2, 3].map(msg).join('\n'));
    await page.goto(`${app.baseUrl}/mail/import`);
    await page.setInputFiles('#files', mbox);
    await page.fill('input[name=newMailbox]', 'Archive 2025');
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => page.locator('.flash').first().textContent(), { timeout: 15_000 }).toContain('Imported 3 messages into Archive 2025');
    await page.screenshot({ path: join(SHOTS, 'mail-import-upload.png'), fullPage: true });
    await page.goto(`${app.baseUrl}/mail`);
    await page.locator('a', { hasText: /Archive 2025/ }).first().click();
    await expect.poll(() => page.textContent('main'), { timeout: 10_000 }).toContain('Archived message 3');
  });

  test('imports from an IMAP server with a live progress bar', async () => {
    // The server is this appliance itself: its IMAPS port, the owner's own account.
    const port = new URL(app.listening.imaps!.replace(/^imaps?:/, 'http:')).port;
    await page.goto(`${app.baseUrl}/mail/import`);
    await page.fill('input[name=host]', '127.0.0.1');
    await page.fill('#port', port);
    await page.fill('input[name=username]', app.email);
    await page.fill('input[name=password]', app.password);
    await page.check('input[name=allowUntrusted]');
    await page.getByRole('button', { name: 'Start importing' }).click();
    const progress = page.locator('.import-progress').first();
    await expect.poll(() => progress.count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'mail-import-imap-progress.png'), fullPage: true });
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(Number(await progress.locator('.messages-done').textContent())).toBeGreaterThanOrEqual(3);
    expect(await progress.locator('progress').getAttribute('value')).toBe('100');
    // The finished job's page no longer offers to pause it.
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).count(), { timeout: 10_000 }).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'mail-import-imap-done.png'), fullPage: true });
  });
});
