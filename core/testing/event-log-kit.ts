import { z } from 'zod';
import { coreMigrations } from '../db/core-migrations.ts';
import { runMigrations } from '../db/migrations.ts';
import { openDatabase, type Db } from '../db/open-database.ts';
import { EventLog } from '../events/event-log.ts';
import { EventTypeRegistry } from '../events/event-type-registry.ts';
import type { EventMetadata } from '../events/types.ts';
import { ChangeFeed } from '../feed/change-feed.ts';
import { silentLogger } from '../logger.ts';
import { ProjectionRunner } from '../projections/projection-runner.ts';
import { tempDir } from './temp-dir.ts';

/** The log, runner and feed over a temporary SQLite file, for core's own specs. */
export async function eventLogKit(opts: { path?: string; types?: Record<string, z.ZodType> } = {}) {
  const dir = opts.path ? undefined : tempDir();
  const db: Db = openDatabase(opts.path ?? `${dir!.path}/cairn.db`);
  await runMigrations(db.kysely, 'core', coreMigrations);
  const registry = new EventTypeRegistry();
  for (const [t, s] of Object.entries(opts.types ?? { 'test.Happened': z.object({ n: z.number() }) })) registry.add(t.split('.')[0]!, t, s);
  const log = new EventLog(db, registry);
  const logger = silentLogger();
  const projections = new ProjectionRunner(db, log, logger);
  const feed = new ChangeFeed(log, db, logger);
  log.setHooks({
    inline: projections.inlineHook,
    committed: (events) => { feed.publish(events); projections.notify(events); },
  });
  return {
    db, log, registry, projections, feed,
    async close() { await projections.stop(); await feed.stop(); await log.close(); await db.close(); dir?.remove(); },
  };
}

export function meta(actor = 'tester', time = new Date().toISOString()): EventMetadata {
  return { actor, source: 'system', time };
}
