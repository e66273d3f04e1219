// The mail administration page in a real browser, on the whole appliance: the owner
// reads the DNS records of the organization's domain, turns the catch-all on, and a
// message to an address nobody has then lands in the owner's inbox over the real MX
// port; turned off again, the MX refuses that address at RCPT. Screenshots in test-results/.
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

describe('browser: mail administration', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;
  let domain: string;

  beforeAll(async () => {
    session = await signedInPage();
    ({ app, page } = session);
    domain = app.email.split('@')[1]!;
  });
  afterAll(async () => { await session?.close(); });

  const mx = () => {
    const port = Number(new URL(app.listening.smtp!.split(' ')[0]!).port);
    return nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
  };
  const sendTo = (rcpt: string, subject: string) => mx().sendMail({
    envelope: { from: 'someone@elsewhere.test', to: [rcpt] },
    raw: `From: someone@elsewhere.test\r\nTo: ${rcpt}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@elsewhere.test>\r\n\r\nHello.\r\n`,
  });

  test('shows the DNS records and sets and clears the catch-all', async () => {
    await page.goto(`${app.baseUrl}/mail/admin`);
    const main = page.locator('main');
    await expect.poll(() => main.textContent()).toContain(`cairn._domainkey.${domain}`);
    expect(await main.textContent()).toContain('v=spf1');
    expect(await main.textContent()).toContain(`_dmarc.${domain}`);

    // Unknown address: refused before the catch-all is on.
    await expect(sendTo(`nobody-here@${domain}`, 'before catch-all')).rejects.toThrow(/550/);

    const select = page.locator(`select[name=account]`).first();
    await select.selectOption(app.email);
    await Promise.all([page.waitForLoadState('load'), page.locator('form[action="/mail/admin/catch-all"] button').first().click()]);
    expect(await page.locator(`select[name=account]`).first().inputValue()).toBe(app.email);
    await page.screenshot({ path: join(SHOTS, 'mail-admin.png'), fullPage: true });

    await sendTo(`nobody-here@${domain}`, 'caught by the catch-all');
    await page.goto(`${app.baseUrl}/mail`);
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 10_000 }).toContain('caught by the catch-all');

    await page.goto(`${app.baseUrl}/mail/admin`);
    await page.locator('select[name=account]').first().selectOption('');
    await Promise.all([page.waitForLoadState('load'), page.locator('form[action="/mail/admin/catch-all"] button').first().click()]);
    await expect(sendTo(`nobody-here@${domain}`, 'after catch-all')).rejects.toThrow(/550/);
  });
});
