import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assets } from '../../ui/assets.ts';
import { httpFixture } from './spec-fixture.ts';

describe('static assets, manifest and service worker', () => {
  let fx: Awaited<ReturnType<typeof httpFixture>>;
  beforeAll(async () => { fx = await httpFixture(); });
  afterAll(async () => { await fx?.close(); });

  test('htmx is served locally; versioned URLs are immutable, others revalidate', async () => {
    const htmx = assets.get('/static/htmx.min.js')!;
    const versioned = await fx.app.request(`/static/htmx.min.js?v=${htmx.hash}`);
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await versioned.text()).toContain('htmx');
    const plain = await fx.app.request('/static/htmx.min.js');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=3600');
    const again = await fx.app.request('/static/htmx.min.js', { headers: { 'If-None-Match': plain.headers.get('etag')! } });
    expect(again.status).toBe(304);
    // No session lookups or cookies for assets.
    expect(versioned.headers.getSetCookie()).toEqual([]);
  });

  test('every asset the layout links to exists', async () => {
    const html = await (await fx.app.request('/login')).text();
    const links = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!).filter((u) => u !== '/');
    expect(links.length).toBeGreaterThan(4);
    for (const link of links) {
      const res = await fx.app.request(link.replaceAll('&amp;', '&'));
      expect(res.status, link).toBe(200);
    }
  });

  test('css, js, svg and png icons', async () => {
    expect((await fx.app.request('/static/app.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fx.app.request('/static/app.js')).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fx.app.request('/static/icon.svg')).headers.get('content-type')).toBe('image/svg+xml');
    for (const size of [192, 512]) {
      const png = new Uint8Array(await (await fx.app.request(`/static/icon-${size}.png`)).arrayBuffer());
      expect([...png.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
      expect(new DataView(png.buffer).getUint32(16)).toBe(size); // IHDR width
    }
    expect((await fx.app.request('/static/nothing.js')).status).toBe(404);
  });

  test('the web app manifest makes the UI installable', async () => {
    const res = await fx.app.request('/manifest.webmanifest');
    expect(res.headers.get('content-type')).toBe('application/manifest+json');
    const m = await res.json() as Record<string, unknown> & { icons: { src: string; sizes: string; type: string }[] };
    expect(m).toMatchObject({ name: 'Cairn', start_url: '/', display: 'standalone' });
    expect(m.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(m.background_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(m.icons.map((i) => i.type)).toEqual(['image/svg+xml', 'image/png', 'image/png']);
    expect(m.icons.map((i) => i.sizes)).toContain('512x512');
  });

  test('the service worker revalidates and only ever caches versioned static assets', async () => {
    const res = await fx.app.request('/sw.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const sw = await res.text();
    expect(sw).toContain("url.pathname.indexOf('/static/') !== 0");
    expect(sw).toContain("req.method !== 'GET'");
  });
});
