// Resumable and folder uploads in a real browser (Debian's Chromium): a 20 MB file goes
// up in 8 MB chunks with the progress bar moving; a connection that drops mid-way and a
// page reload are survived by choosing the same file again (only the missing chunks are
// sent); a folder chosen with "Upload folder" is recreated and merged when uploaded again.
// Screenshots in test-results/.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHOTS, signedInPage, type SignedIn } from '../../../test/browser/harness.ts';

describe('browser: drive uploads', () => {
  let session: SignedIn | undefined;
  let page: Page;
  let base: string;
  const dav = (path: string) => fetch(`${base}/dav/files/${session!.app.email}${path}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${session!.app.email}:${session!.app.password}`).toString('base64')}` },
  });

  beforeAll(async () => {
    session = await signedInPage({ width: 1100, height: 900 }, { config: { plugins: ['drive'] } });
    page = session.page;
    base = session.app.baseUrl;
  });
  afterAll(async () => { await session?.close(); });

  test('uploads a 20 MB file in chunks with progress, and resumes after a dropped connection and a reload', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    const file = join(session!.dataDir, 'video.bin');
    writeFileSync(file, bytes);
    await page.goto(`${base}/drive`);

    // First attempt: every try of chunk 2 fails as if the network were gone.
    const chunkRoute = /\/drive\/uploads\/[^/]+\/2$/;
    await page.route(chunkRoute, (route) => route.abort('connectionreset'));
    await page.setInputFiles('#upload-input', file);
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 20_000 }).toContain('resume');
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cairn-drive-upload:')));
    expect(kept).toHaveLength(1);
    await page.unroute(chunkRoute);

    // The page is reloaded; the same file is chosen again: only chunks 2 and 3 travel.
    await page.reload();
    const sent: string[] = [];
    page.on('request', (r) => { if (r.method() === 'PUT' && r.url().includes('/drive/uploads/')) sent.push(r.url().split('/').pop()!); });
    const progress: number[] = [];
    await page.route(/\/drive\/uploads\/[^/]+\/3$/, async (route) => {
      // Held back a moment so the bar can be seen (and photographed) part-way.
      progress.push(await page.locator('.upload-progress').evaluate((e) => (e as HTMLProgressElement).value));
      await page.screenshot({ path: join(SHOTS, 'drive-upload-progress.png') });
      await route.continue();
    });
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.setInputFiles('#upload-input', file)]);
    expect(sent).toEqual(['2', '3']);
    expect(progress[0]).toBeGreaterThanOrEqual(75);
    expect(progress[0]).toBeLessThan(100);
    await expect.poll(() => page.locator('.drive-table td.col-name a').allTextContents()).toContain('video.bin');
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cairn-drive-upload:')))).toEqual([]);
    const got = Buffer.from(await (await dav('/video.bin')).arrayBuffer());
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  test('uploads a folder tree with "Upload folder", reusing folders of the same name', async () => {
    const root = join(session!.dataDir, 'pick', 'Album');
    mkdirSync(join(root, 'Day 2'), { recursive: true });
    writeFileSync(join(root, 'cover.txt'), 'the cover');
    writeFileSync(join(root, 'Day 2', 'beach.txt'), 'sand and sea');
    writeFileSync(join(root, 'Day 2', 'big.bin'), randomBytes(9 * 1024 * 1024)); // chunked, inside a folder
    await page.goto(`${base}/drive`);
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.setInputFiles('#upload-folder-input', root)]);
    await expect.poll(() => page.locator('.drive-table td.col-name a').allTextContents()).toContain('Album');
    expect(await (await dav('/Album/Day%202/beach.txt')).text()).toBe('sand and sea');
    expect(await (await dav('/Album/cover.txt')).text()).toBe('the cover');
    expect((await dav('/Album/Day%202/big.bin')).headers.get('Content-Length')).toBe(String(9 * 1024 * 1024));

    // Again, with a changed file: the same folders, a new version, no "Album (2)".
    writeFileSync(join(root, 'cover.txt'), 'a new cover');
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.setInputFiles('#upload-folder-input', root)]);
    expect(await page.locator('.drive-table td.col-name a').allTextContents()).not.toContain('Album (2)');
    expect(await (await dav('/Album/cover.txt')).text()).toBe('a new cover');
    await page.click('a:has-text("Album")');
    await expect.poll(() => page.locator('.drive-table td.col-name a').allTextContents()).toEqual(expect.arrayContaining(['Day 2', 'cover.txt']));
    await page.screenshot({ path: join(SHOTS, 'drive-upload-folder.png'), fullPage: true });
  });

  test('still takes plain files dropped onto the listing', async () => {
    await page.goto(`${base}/drive`);
    // A script cannot make a real folder drop; a dropped file takes the same path minus the walk.
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped here'], 'dropped.txt', { type: 'text/plain' }));
      document.querySelector('[data-dropzone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })]);
    expect(await (await dav('/dropped.txt')).text()).toBe('dropped here');
  });
});
