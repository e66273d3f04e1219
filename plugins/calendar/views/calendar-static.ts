// Calendar's static files, served under /calendar/static/<file> with a content hash in
// the URL so they can be cached for a year. The time grid's position classes are
// generated here (96 quarter-hour rows, up to MAX_LANES side by side): the CSP allows
// no inline style attributes, so every position must be a class.
import { join } from 'node:path';
import { pluginAssets } from '../../../core/http/plugin-assets.ts';
import { MAX_LANES, SLOTS_PER_DAY } from './calendar-grid.ts';

function gridClasses(): string {
  const out: string[] = [];
  for (let i = 0; i < SLOTS_PER_DAY; i++) out.push(`.t-${i}{top:calc(${i} * var(--slot))}`);
  for (let i = 1; i <= SLOTS_PER_DAY; i++) out.push(`.h-${i}{height:calc(${i} * var(--slot))}`);
  for (let n = 1; n <= MAX_LANES; n++) {
    for (let i = 0; i < n; i++) out.push(`.ln-${i}-${n}{left:calc(${i} * 100% / ${n});width:calc(100% / ${n})}`);
  }
  return out.join('\n');
}

const assets = pluginAssets({
  pluginId: 'calendar', dir: join(import.meta.dirname, 'static'), files: ['calendar.css', 'calendar.js'],
  extend: (f, body) => (f === 'calendar.css' ? Buffer.concat([body, Buffer.from(`\n/* generated */\n${gridClasses()}\n`)]) : body),
});

export const calendarAssetUrl = (file: string): string => assets.url(file);
export const calendarStaticRoutes = () => assets.routes();

/** Per-viewer stylesheet: one class per calendar carrying its color (`.cal-<id> { --ev: … }`). */
export function colorsCss(calendars: { id: string; color: string }[]): string {
  return calendars
    .filter((c) => /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(c.color) && /^[A-Za-z0-9_-]+$/.test(c.id))
    .map((c) => `.cal-${c.id}{--ev:${c.color.slice(0, 7)}}`)
    .join('\n') + '\n';
}
