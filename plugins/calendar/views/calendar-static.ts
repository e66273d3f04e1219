// Calendar's static files, served under /calendar/static/<file> with a content hash in
// the URL so they can be cached for a year. The time grid's position classes are
// generated here (96 quarter-hour rows, up to MAX_LANES side by side): the CSP allows
// no inline style attributes, so every position must be a class.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { MAX_LANES, SLOTS_PER_DAY } from './calendar-grid.ts';

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

function gridClasses(): string {
  const out: string[] = [];
  for (let i = 0; i < SLOTS_PER_DAY; i++) out.push(`.t-${i}{top:calc(${i} * var(--slot))}`);
  for (let i = 1; i <= SLOTS_PER_DAY; i++) out.push(`.h-${i}{height:calc(${i} * var(--slot))}`);
  for (let n = 1; n <= MAX_LANES; n++) {
    for (let i = 0; i < n; i++) out.push(`.ln-${i}-${n}{left:calc(${i} * 100% / ${n});width:calc(100% / ${n})}`);
  }
  return out.join('\n');
}

interface Asset { body: Buffer; type: string; hash: string }
let loaded: Map<string, Asset> | undefined;
function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  loaded = new Map();
  for (const f of ['calendar.css', 'calendar.js']) {
    let body = readFileSync(join(import.meta.dirname, 'static', f));
    if (f === 'calendar.css') body = Buffer.concat([body, Buffer.from(`\n/* generated */\n${gridClasses()}\n`)]);
    loaded.set(f, { body, type: TYPES[f.split('.').pop()!]!, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return loaded;
}

export function calendarAssetUrl(file: string): string {
  const a = assets().get(file);
  return a ? `/calendar/static/${file}?v=${a.hash}` : `/calendar/static/${file}`;
}

export function calendarStaticRoutes(): Hono<any> {
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

/** Per-viewer stylesheet: one class per calendar carrying its color (`.cal-<id> { --ev: … }`). */
export function colorsCss(calendars: { id: string; color: string }[]): string {
  return calendars
    .filter((c) => /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(c.color) && /^[A-Za-z0-9_-]+$/.test(c.id))
    .map((c) => `.cal-${c.id}{--ev:${c.color.slice(0, 7)}}`)
    .join('\n') + '\n';
}
