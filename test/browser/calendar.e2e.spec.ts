// The calendar in a real browser: create a recurring event and see every occurrence in
// the week view; share the calendar "can view" with a colleague, who adds it, sees the
// events, cannot change them (in the browser nor over CalDAV). Screenshots in test-results/.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, SHOTS, signedInPage, type SignedIn, type Started } from './harness.ts';

const run = promisify(execFile);
const BOB = { email: 'bob@localhost', password: 'bob has a password' };

/** The Monday of next week, as YYYY-MM-DD (in UTC, the appliance's default zone). */
function nextMonday(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  return d.toISOString().slice(0, 10);
}

describe('browser: calendar', () => {
  let session: SignedIn | undefined;
  let app: Started;
  let page: Page;
  const monday = nextMonday();

  beforeAll(async () => {
    session = await signedInPage();
    ({ app, page } = session);
    // A colleague, made with the CLI on the running appliance's data directory.
    await run(process.execPath, [join(ROOT, 'scripts/cairn.js'), 'user', 'add', BOB.email, '--password', BOB.password], { cwd: ROOT, env: { ...process.env, CAIRN_DATA_DIR: session.dataDir, CAIRN_LOG_LEVEL: 'warn' } });
  });
  afterAll(async () => { await session?.close(); });

  test('creates a daily stand-up for five days and shows each occurrence in the week', async () => {
    await page.goto(`${app.baseUrl}/calendar`);
    await page.locator('a.btn-block[href="/calendar/events/new"]').click();
    await page.fill('#summary', 'Team stand-up');
    await page.fill('#startDate', monday);
    await page.fill('#startTime', '09:00');
    await page.fill('#endDate', monday);
    await page.fill('#endTime', '09:15');
    await page.selectOption('#repeat', 'daily');
    await page.selectOption('#ends', 'count');
    await page.fill('#count', '5');
    await page.fill('#location', 'Room 4');
    await page.screenshot({ path: join(SHOTS, 'calendar-new-event.png'), fullPage: true });
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/new')), page.getByRole('button', { name: 'Create event' }).click()]);
    await page.goto(`${app.baseUrl}/calendar?view=week&date=${monday}`);
    const chips = page.locator('a[data-event-id]', { hasText: 'Team stand-up' });
    await expect.poll(() => chips.count()).toBe(5);
    await page.screenshot({ path: join(SHOTS, 'calendar-week-recurring.png'), fullPage: true });
    // The agenda prints without the app around it.
    await page.goto(`${app.baseUrl}/calendar?view=agenda&date=${monday}`);
    expect(await page.locator('[data-print]').count()).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.cal-side').isVisible()).toBe(false);
    expect(await page.locator('main').textContent()).toContain('Team stand-up');
    await page.screenshot({ path: join(SHOTS, 'calendar-agenda-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    // The week after holds none: COUNT=5 ended on Friday.
    const later = new Date(`${monday}T00:00:00Z`);
    later.setUTCDate(later.getUTCDate() + 7);
    await page.goto(`${app.baseUrl}/calendar?view=week&date=${later.toISOString().slice(0, 10)}`);
    expect(await page.locator('a[data-event-id]', { hasText: 'Team stand-up' }).count()).toBe(0);
  });

  test('shares the calendar "can view" with a colleague, who adds it and cannot change it', async () => {
    await page.goto(`${app.baseUrl}/calendar`);
    await page.locator('a.manage').first().click();
    const calendarId = await page.locator('#calendar-manage').getAttribute('data-calendar-id');
    await page.selectOption('#share-kind', 'user');
    await page.fill('#share-email', BOB.email);
    await page.selectOption('#share-right', 'read');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await expect.poll(() => page.locator('#sharing').textContent()).toContain(BOB.email);
    await page.screenshot({ path: join(SHOTS, 'calendar-shared.png'), fullPage: true });

    const ctx = await session!.browser.newContext({ viewport: { width: 1100, height: 900 } });
    try {
      const bob = await ctx.newPage();
      await bob.goto(`${app.baseUrl}/login`);
      await bob.fill('#email', BOB.email);
      await bob.fill('#password', BOB.password);
      await Promise.all([bob.waitForURL((u) => u.pathname !== '/login'), bob.click('button[type=submit]')]);
      await bob.goto(`${app.baseUrl}/calendar?view=week&date=${monday}`);
      await bob.locator('#pending-shares').getByRole('button', { name: /^Add / }).click();
      const chips = bob.locator('a[data-event-id]', { hasText: 'Team stand-up' });
      await bob.goto(`${app.baseUrl}/calendar?view=week&date=${monday}`);
      await expect.poll(() => chips.count()).toBe(5);
      await bob.screenshot({ path: join(SHOTS, 'calendar-sharee-week.png'), fullPage: true });
      await chips.first().click();
      await bob.screenshot({ path: join(SHOTS, 'calendar-sharee-readonly-event.png'), fullPage: true });
      expect(await bob.textContent('main')).toContain('shared with you read-only');
      expect(await bob.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

      // Over CalDAV the same right holds: reading works, writing is 403.
      const authz = `Basic ${Buffer.from(`${BOB.email}:${BOB.password}`).toString('base64')}`;
      const url = `${app.baseUrl}/dav/calendars/${BOB.email}/shared-${calendarId}/`;
      const list = await fetch(url, { method: 'PROPFIND', headers: { Authorization: authz, Depth: '1' } });
      expect(list.status).toBe(207);
      expect((await list.text()).match(/\.ics<\/d:href>/g)?.length).toBe(1);
      const put = await fetch(`${url}intruder.ics`, {
        method: 'PUT', headers: { Authorization: authz, 'Content-Type': 'text/calendar' },
        body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:intruder\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nSUMMARY:nope\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
      });
      expect(put.status).toBe(403);
    } finally {
      await ctx.close();
    }
  });
});
