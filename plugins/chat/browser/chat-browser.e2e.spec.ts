// Two people in Chromium: a conversation with a mention and a reaction arriving live, a
// slash command, a guest invited by link, the phone layout and the dark theme. Screenshots go to test-results/chat-*.png.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, SHOTS } from '../../../test/browser/harness.ts';
import { chatAppliance, signIn, type App } from '../testing/chat-fixture.ts';

/** Generous: this is about the browser behaving, not latency (live-delivery.int.spec.ts measures that), and CI machines are shared. */
const LIVE_MS = 10_000;
let a: App;
let base: string;
let browser: Browser;
let alice: Page;
let bob: Page;
const errors: string[] = [];

async function login(email: string, password: string, opts: { width?: number; dark?: boolean } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1200, height: 850 }, colorScheme: opts.dark ? 'dark' : 'light' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/login?next=/chat`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/chat/c/')), page.click('button[type=submit]')]);
  await page.locator('#chat[data-live="on"]').waitFor({ timeout: LIVE_MS }); // chat.js loaded, live stream open
  return page;
}

beforeAll(async () => {
  a = await chatAppliance();
  base = (await a.start()).find((s) => s.name === 'http')!.address;
  const al = await signIn(a, 'alice@example.test');
  const bo = await signIn(a, 'bob@example.test');
  browser = await launchChromium();
  alice = await login(al.email, al.password);
  bob = await login(bo.email, bo.password, { dark: true });
});
afterAll(async () => { await browser?.close(); await a?.close(); });

describe('chat in the browser', () => {
  test('a two-person conversation with a mention and a reaction, live', async () => {
    // Not ending in "@bob": Enter right after a name takes the autocomplete suggestion instead of sending.
    await alice.fill('#composer-main', 'Hello **Bob**, see @bob now');
    await alice.keyboard.press('Enter');
    const onBob = bob.locator('#messages .msg', { hasText: 'Hello Bob' });
    await onBob.waitFor({ timeout: LIVE_MS });
    expect(await onBob.locator('strong', { hasText: 'Bob' }).count()).toBe(1);
    expect(await onBob.locator('.mention').textContent()).toBe('@bob');

    await onBob.hover();
    await onBob.locator('[data-action="react"][data-emoji="👍"]').first().click();
    const reaction = alice.locator('#messages .msg', { hasText: 'Hello Bob' }).locator('.reaction');
    await reaction.waitFor({ timeout: LIVE_MS });
    expect(await reaction.textContent()).toContain('1');

    await bob.fill('#composer-main', 'Hi Alice!');
    await bob.keyboard.press('Enter');
    const mine = alice.locator('#messages .msg', { hasText: 'Hi Alice!' });
    await mine.waitFor({ timeout: LIVE_MS });
    expect(await mine.getAttribute('class')).not.toContain('mine');
    expect(await alice.locator('#messages .msg.mine', { hasText: 'Hello Bob' }).count()).toBe(1);
    await alice.screenshot({ path: join(SHOTS, 'chat-conversation-light.png') });
    await bob.screenshot({ path: join(SHOTS, 'chat-conversation-dark.png') });
  });

  test('replies in a thread panel; the reply count updates live', async () => {
    const root = alice.locator('#messages .msg', { hasText: 'Hi Alice!' });
    await root.hover();
    await Promise.all([alice.waitForURL(/\/t\//), root.locator('a', { hasText: 'Reply' }).click()]);
    await alice.locator('#chat[data-live="on"]').waitFor({ timeout: LIVE_MS });
    await alice.fill('#thread-messages ~ form textarea', 'In the thread');
    await alice.keyboard.press('Enter');
    await alice.locator('#thread-messages .msg', { hasText: 'In the thread' }).waitFor({ timeout: LIVE_MS });
    await bob.locator('#messages .msg', { hasText: 'Hi Alice!' }).locator('.msg-replies', { hasText: '1 reply' }).waitFor({ timeout: LIVE_MS });
    expect(await bob.locator('#messages .msg', { hasText: 'In the thread' }).count()).toBe(0);
    await alice.screenshot({ path: join(SHOTS, 'chat-thread.png') });
  });

  test('attaches a file; the other person sees it live', async () => {
    await alice.goto(`${base}/chat`);
    await alice.locator('#chat[data-live="on"]').waitFor({ timeout: LIVE_MS });
    await alice.setInputFiles('form.composer:not(:has(input[name="rootId"])) input[type="file"]', { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hi there') });
    await alice.fill('#composer-main', 'Here is the file');
    await alice.keyboard.press('Enter');
    const link = bob.locator('#messages .msg', { hasText: 'Here is the file' }).locator('.msg-files a', { hasText: 'hello.txt' });
    await link.waitFor({ timeout: LIVE_MS });
    const res = await bob.request.get(`${base}${await link.getAttribute('href')}`);
    expect(await res.text()).toBe('hi there');
  });

  test('suggests people after @ and inserts the handle', async () => {
    await alice.fill('#composer-main', '');
    await alice.locator('#composer-main').pressSequentially('ping @bo');
    const option = alice.locator('.mention-suggest li', { hasText: '@bob' });
    await option.waitFor({ timeout: LIVE_MS });
    await alice.keyboard.press('Tab');
    expect(await alice.inputValue('#composer-main')).toBe('ping @bob ');
    await alice.fill('#composer-main', '');
  });

  test('a slash command answers only the one who typed it', async () => {
    await alice.fill('#composer-main', '/status 🎧 Focus');
    await alice.keyboard.press('Enter');
    await alice.locator('#global-flash .flash').waitFor({ timeout: LIVE_MS });
    expect(await alice.locator('#global-flash').textContent()).toContain('Status set');
  });

  test('is usable at phone width', async () => {
    const phone = await login('alice@example.test', 'alice has a password', { width: 390 });
    expect(await phone.locator('.chat-side').isVisible()).toBe(false);
    await phone.click('.chat-nav-button');
    expect(await phone.locator('.chat-side').isVisible()).toBe(true);
    await phone.click('.chat-nav-button');
    const scrollWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(SHOTS, 'chat-phone.png'), fullPage: true });
  });

  test('invites a guest by link; the guest signs up, talks in that channel and sees only chat', async () => {
    await alice.goto(`${base}/chat/invite-guest`);
    await alice.fill('input[name=email]', 'vera@partner.example');
    await alice.locator('label', { hasText: 'general' }).locator('input[name=channelIds]').check();
    await alice.getByRole('button', { name: 'Create invitation' }).click();
    const link = await alice.locator('#invite-link').inputValue();
    expect(link).toMatch(/\/chat\/invite\/\S+$/);
    await alice.screenshot({ path: join(SHOTS, 'chat-guest-invitation.png') });

    const ctx = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    try {
      const guest = await ctx.newPage();
      guest.on('pageerror', (e) => errors.push(String(e)));
      await guest.goto(link.replace(/^https?:\/\/[^/]+/, base));
      await guest.fill('input[name=displayName]', 'Vera Visitor');
      await guest.fill('input[name=password]', 'vera has a password');
      await Promise.all([guest.waitForURL((u) => u.pathname.startsWith('/chat')), guest.getByRole('button', { name: 'Create guest account' }).click()]);
      await guest.locator('#chat[data-live="on"]').waitFor({ timeout: LIVE_MS });
      const nav = await guest.locator('nav.appnav').textContent();
      expect(nav).toContain('Chat');
      expect(nav).not.toContain('Mail');
      await guest.fill('#composer-main', 'Thanks for having me');
      await guest.keyboard.press('Enter');
      await alice.goto(`${base}/chat`);
      await alice.locator('#messages .msg', { hasText: 'Thanks for having me' }).waitFor({ timeout: LIVE_MS });
      await guest.screenshot({ path: join(SHOTS, 'chat-guest.png') });
      // Guests cannot browse the team's channels (other apps: test/core/guests-and-presence).
      expect((await guest.goto(`${base}/chat/browse`))!.status()).toBeGreaterThanOrEqual(400);
    } finally {
      await ctx.close();
    }
  });

  test('no script errors', () => {
    expect(errors).toEqual([]);
  });
});
