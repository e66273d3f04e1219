// drive.css and drive.js: public like any static asset (the share-link page uses them
// signed out), versioned by content hash so they can be cached for a year.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';

const FILES = {
  'drive.css': 'text/css; charset=utf-8',
  'drive.js': 'text/javascript; charset=utf-8',
} as const;
type Name = keyof typeof FILES;

const assets = new Map<Name, { body: string; hash: string }>(
  (Object.keys(FILES) as Name[]).map((name) => {
    const body = readFileSync(new URL(`../static/${name}`, import.meta.url), 'utf8');
    return [name, { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) }];
  }),
);

export const driveAssetUrl = (name: Name) => `/drive/static/${name}?v=${assets.get(name)!.hash}`;

export function driveAssets(): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.get('/:file', (c) => {
    const name = c.req.param('file') as Name;
    const a = assets.get(name);
    if (!a) return c.notFound();
    c.header('Content-Type', FILES[name]);
    c.header('Cache-Control', c.req.query('v') === a.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.body(a.body);
  });
  return app;
}
