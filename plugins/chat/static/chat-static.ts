// Chat's static files, served under /chat/static/<file> with a content hash in the URL
// (cached for a year); the CSP forbids inline script, so all behaviour lives in chat.js.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };
const FILES = ['chat.css', 'chat.js'];

interface Asset { body: Buffer; type: string; hash: string }
let loaded: Map<string, Asset> | undefined;
function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  loaded = new Map();
  for (const f of FILES) {
    const body = readFileSync(join(import.meta.dirname, f));
    loaded.set(f, { body, type: TYPES[f.split('.').pop()!]!, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return loaded;
}

export function chatAssetUrl(file: string): string {
  const a = assets().get(file);
  return a ? `/chat/static/${file}?v=${a.hash}` : `/chat/static/${file}`;
}

export function chatStaticRoutes(): Hono {
  const app = new Hono();
  app.get('/static/:file', (c) => {
    const a = assets().get(c.req.param('file'));
    if (!a) return c.notFound();
    const etag = `"${a.hash}"`;
    const headers = {
      'Content-Type': a.type, ETag: etag, 'X-Content-Type-Options': 'nosniff',
      'Cache-Control': c.req.query('v') === a.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(a.body), 200, headers);
  });
  return app;
}
