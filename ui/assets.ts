// The browser assets the appliance serves: read once at startup from ui/static and
// node_modules (no CDN, no build step). Each asset's URL carries a hash of its
// content (`?v=…`) so it can be cached for a year and still change on upgrade.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderIconPng } from './icon-png.ts';

export interface Asset {
  body: Uint8Array;
  type: string;
  /** Short content hash: the ETag and the `v` query parameter. */
  hash: string;
}

const require = createRequire(import.meta.url);
const staticDir = new URL('./static/', import.meta.url);

function asset(body: Uint8Array, type: string): Asset {
  return { body, type, hash: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
}

function file(name: string, type: string): Asset {
  return asset(readFileSync(new URL(name, staticDir)), type);
}

const iconSvg = readFileSync(new URL('icon.svg', staticDir), 'utf8');

/** Everything served under /static/, by URL path. */
export const assets: ReadonlyMap<string, Asset> = new Map([
  ['/static/htmx.min.js', asset(readFileSync(require.resolve('htmx.org/dist/htmx.min.js')), 'text/javascript; charset=utf-8')],
  ['/static/app.css', file('app.css', 'text/css; charset=utf-8')],
  ['/static/app.js', file('app.js', 'text/javascript; charset=utf-8')],
  ['/static/icon.svg', asset(Buffer.from(iconSvg), 'image/svg+xml')],
]);

/** The service worker: served at /sw.js (its scope is the path it is served from). */
export const serviceWorker: Asset = file('sw.js', 'text/javascript; charset=utf-8');

const pngCache = new Map<number, Asset>();

/** PNG renderings of the icon for the manifest, made on first use. */
export function iconPng(size: 192 | 512): Asset {
  let a = pngCache.get(size);
  if (!a) pngCache.set(size, (a = asset(renderIconPng(iconSvg, size), 'image/png')));
  return a;
}

/** The URL to reference an asset by, with its content hash for cache busting. */
export function assetUrl(path: string): string {
  const a = assets.get(path);
  if (!a) throw new Error(`unknown asset ${path}`);
  return `${path}?v=${a.hash}`;
}

/** Theme colours the manifest and the `theme-color` meta use (match --bg in app.css). */
export const themeColors = { light: '#f5f6f8', dark: '#101418', brand: '#1f5a55' } as const;
