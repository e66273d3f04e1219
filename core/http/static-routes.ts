import { Hono, type Context } from 'hono';
import { assets, iconPng, serviceWorker, themeColors, type Asset } from '../../ui/assets.ts';

/** Versioned URLs (?v=<hash>) never change content: cache for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Unversioned URLs (icons in the manifest, old links): revalidate after an hour. */
const SHORT = 'public, max-age=3600';

/** The manifest that makes the UI installable as an app. */
export const webManifest = {
  id: '/',
  name: 'Cairn',
  short_name: 'Cairn',
  description: 'Mail, calendar, contacts, files and chat for your organization.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  background_color: themeColors.light,
  theme_color: themeColors.brand,
  icons: [
    { src: '/static/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    { src: '/static/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/static/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
  ],
} as const;

function serve(c: Context, a: Asset, cacheControl: string): Response {
  const etag = `"${a.hash}"`;
  const headers = { 'Content-Type': a.type, 'Cache-Control': cacheControl, ETag: etag };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  return c.body(a.body as Uint8Array<ArrayBuffer>, 200, headers);
}

/** /static/*, /manifest.webmanifest, /sw.js and /favicon.ico — public, no session needed. */
export function staticRoutes(): Hono {
  const app = new Hono();
  app.get('/static/icon-192.png', (c) => serve(c, iconPng(192), SHORT));
  app.get('/static/icon-512.png', (c) => serve(c, iconPng(512), SHORT));
  app.get('/favicon.ico', (c) => serve(c, iconPng(192), SHORT));
  app.get('/static/:file', (c) => {
    const a = assets.get(c.req.path);
    if (!a) return c.notFound();
    return serve(c, a, c.req.query('v') === a.hash ? IMMUTABLE : SHORT);
  });
  app.get('/manifest.webmanifest', (c) =>
    c.body(JSON.stringify(webManifest), 200, { 'Content-Type': 'application/manifest+json', 'Cache-Control': SHORT }),
  );
  // The worker script must be revalidated on every load so that updates reach users.
  app.get('/sw.js', (c) => serve(c, serviceWorker, 'no-cache'));
  return app;
}
