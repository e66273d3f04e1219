// A plugin's static files (CSS, JS, images), served by its app under /<id>/static/<file>
// with the content hash in the URL: cached for a year when the hash matches, an hour
// otherwise, revalidated by ETag. The CSP forbids inline script and style, so every
// plugin ships these; this is the one place that serves them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml', png: 'image/png',
};

interface Asset { body: Buffer; type: string; hash: string }

export interface PluginAssets {
  /** The versioned URL of a file (`/<id>/static/<file>?v=<hash>`). */
  url(file: string): string;
  /** Routes for the plugin's app: GET /static/:file, public like any static asset. */
  routes(): Hono<any>;
}

/**
 * `files` are read from `dir` on first use; `extend` may append generated content to one
 * (the calendar's grid classes) before it is hashed.
 */
export function pluginAssets(opts: { pluginId: string; dir: string; files: readonly string[]; extend?: (file: string, body: Buffer) => Buffer }): PluginAssets {
  let loaded: Map<string, Asset> | undefined;
  const assets = () => {
    if (loaded) return loaded;
    loaded = new Map();
    for (const f of opts.files) {
      const raw = readFileSync(join(opts.dir, f));
      const body = opts.extend ? opts.extend(f, raw) : raw;
      loaded.set(f, { body, type: TYPES[f.split('.').pop()!] ?? 'application/octet-stream', hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
    }
    return loaded;
  };
  const base = `/${opts.pluginId}/static`;
  return {
    url(file) {
      const a = assets().get(file);
      return a ? `${base}/${file}?v=${a.hash}` : `${base}/${file}`;
    },
    routes() {
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
    },
  };
}
