// Implementation notes — boot order.
// open db → core + identity migrations → plugins imported, validated, registered →
// plugin migrations (each may create only `<id>_*` tables) → projections prepared
// (rebuilt when their version changed, caught up when behind) → organization
// initialized on an empty data directory → change feed and async projections started
// → plugin init in dependency order → HTTP app built. Listeners start only in start(),
// so the CLI opens the same appliance without serving anything.
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BlobStore, InlineBlobs } from './blobs/index.ts';
import type { ResolvedConfig } from './config/load-config.ts';
import { coreMigrations } from './db/core-migrations.ts';
import { runMigrations, tableNames } from './db/migrations.ts';
import { openDatabase, type Db } from './db/open-database.ts';
import { ValidationError } from './errors.ts';
import { EventLog } from './events/event-log.ts';
import { EventTypeRegistry } from './events/event-type-registry.ts';
import { ChangeFeed } from './feed/change-feed.ts';
import { createHttpApp } from './http/create-http-app.ts';
import type { CairnEnv } from './http/env.ts';
import type { AuthService } from './identity/auth-service.ts';
import type { IdentityApi } from './identity/identity-api.ts';
import { createIdentity, identityEventTypes, identityMigrations, identityProjections } from './identity/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { loadOrCreateTlsPair } from './net/tls-pair.ts';
import type { CoreServices, ServiceLookup } from './plugins/define-plugin.ts';
import { importPlugins, pickServices, PluginLoadError, registerPlugins, type LoadedPlugin } from './plugins/load-plugins.ts';
import { ProjectionRunner } from './projections/projection-runner.ts';
import { collectBlobGarbage } from './restore/blob-gc.ts';

export const DATABASE_FILE = 'cairn.db';
/** How often the running server collects unreferenced blobs (the CLI's `gc` does it on demand). */
export const BLOB_GC_INTERVAL_MS = 6 * 3600_000;
/** How long in-flight HTTP requests and protocol sessions get to finish at shutdown. */
export const SHUTDOWN_GRACE_MS = 5_000;

export interface Appliance {
  config: ResolvedConfig;
  logger: Logger;
  db: Db;
  log: EventLog;
  feed: ChangeFeed;
  blobs: BlobStore;
  projections: ProjectionRunner;
  identity: IdentityApi;
  auth: AuthService;
  plugins: LoadedPlugin[];
  services: CoreServices;
  http: Hono<CairnEnv>;
  /** Owner credentials when this open created the organization. */
  createdOwner: { email: string; password: string } | undefined;
  /** Serve HTTP and every plugin listener; resolves with what is listening where. */
  start(): Promise<{ name: string; address: string }[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  logger?: Logger;
  /** Plugin definitions to use instead of importing config.plugins (tests, benchmarks). */
  plugins?: { def: import('./plugins/define-plugin.ts').PluginDefinition; source: string }[];
}

export async function openAppliance(config: ResolvedConfig, opts: OpenOptions = {}): Promise<Appliance> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(join(config.dataDir, DATABASE_FILE));
  try {
    return await boot(config, db, logger, opts);
  } catch (e) {
    await db.close();
    throw e;
  }
}

async function boot(config: ResolvedConfig, db: Db, logger: Logger, opts: OpenOptions): Promise<Appliance> {
  await runMigrations(db.kysely, 'core', coreMigrations);
  await runMigrations(db.kysely, 'identity', identityMigrations);

  const registry = new EventTypeRegistry();
  for (const [type, schema] of Object.entries(identityEventTypes)) registry.add('identity', type, schema);
  const plugins = registerPlugins(opts.plugins ?? (await importPlugins(config.plugins)));
  for (const p of plugins) for (const [type, schema] of Object.entries(p.eventTypes)) registry.add(p.def.id, type, schema);

  for (const p of plugins) {
    const before = new Set(await tableNames(db.kysely));
    await runMigrations(db.kysely, p.def.id, p.migrations);
    const stray = (await tableNames(db.kysely)).filter((t) => !before.has(t) && !t.startsWith(`${p.def.id.replace(/-/g, '_')}_`));
    if (stray.length > 0) throw new PluginLoadError(`plugin "${p.def.id}" created tables outside its "${p.def.id}_" prefix: ${stray.join(', ')}`);
  }

  const tls = await loadOrCreateTlsPair({
    dataDir: config.dataDir, hostname: config.hostname,
    ...(config.tlsCert ? { certPath: config.tlsCert } : {}), ...(config.tlsKey ? { keyPath: config.tlsKey } : {}),
  });
  const blobs = new BlobStore(join(config.dataDir, 'blobs'));
  await blobs.init();
  const inlineBlobs = new InlineBlobs(db.raw);
  blobs.attachInline(inlineBlobs);
  const log = new EventLog(db, registry);
  const projections = new ProjectionRunner(db, log, logger);
  const feed = new ChangeFeed(log, db, logger);
  log.setHooks({
    inline: projections.inlineHook,
    committed: (events) => { feed.publish(events); projections.notify(events); },
    async assertBlobs(shas) {
      for (const sha of shas) if (!inlineBlobs.isStaged(sha) && !(await blobs.has(sha))) throw new ValidationError(`event refers to blob ${sha}, which is not stored`);
    },
    persistBlobs: (shas) => inlineBlobs.persist(shas),
    blobsCommitted: (shas) => inlineBlobs.committed(shas),
  });
  // Events another process appended reach async projections through the feed too.
  feed.subscribe({}, (events) => projections.notify(events));

  for (const p of identityProjections) projections.add('identity', p);
  for (const p of plugins) for (const proj of p.projections) projections.add(p.def.id, proj);
  const prepared = await projections.prepare();
  if (prepared.rebuilt.length > 0 && (await log.head()) > 0) logger.info({ projections: prepared.rebuilt }, 'projections rebuilt by replay');

  const { api: identity, auth } = createIdentity({ log, db: db.kysely, logger });
  const init = await identity.initialize({ hostname: config.hostname, retentionDays: config.retentionDays }, { actor: 'system', source: 'system' });

  await feed.start();
  projections.startAsync();

  const provided = new Map<string, unknown>();
  const lookup: ServiceLookup = {
    get: <T>(name: string) => provided.get(name) as T | undefined,
    require: <T>(name: string) => {
      if (!provided.has(name)) throw new Error(`service "${name}" is not available (is the plugin providing it enabled?)`);
      return provided.get(name) as T;
    },
  };
  const base: Omit<CoreServices, 'config' | 'logger'> = {
    db: db.kysely, events: log, feed, blobs, appliance: config, auth, identity, services: lookup, tls,
  };
  const started: LoadedPlugin[] = [];
  try {
    for (const p of plugins) {
      const all: CoreServices = { ...base, config: config.sections[p.def.id] ?? {}, logger: logger.child({ plugin: p.def.id }) };
      p.services = pickServices(all, p.def.needs);
      await p.def.init?.(p.services as never);
      started.push(p);
      for (const [name, factory] of p.provides) provided.set(name, factory());
    }
  } catch (e) {
    for (const p of started.reverse()) await p.def.stop?.();
    throw e;
  }

  const http = createHttpApp({
    config, logger, identity, auth,
    nav: plugins.flatMap((p) => p.nav).sort((a, b) => (a.order ?? 100) - (b.order ?? 100)),
    plugins: plugins.filter((p) => p.app).map((p) => ({ id: p.def.id, app: p.app! })),
    mounts: plugins.flatMap((p) => p.mounts),
    dav: plugins.flatMap((p) => p.dav),
    csrfExempt: plugins.flatMap((p) => p.publicPosts),
    ...(plugins.find((p) => p.presence) ? { presence: plugins.find((p) => p.presence)!.presence! } : {}),
    health: async () => ({ position: await log.head() }),
    secureCookies: config.publicUrl.startsWith('https:'),
  });

  const running: { name: string; close(): Promise<void> }[] = [];
  let closed = false;
  const appliance: Appliance = {
    config, logger, db, log, feed, blobs, projections, identity, auth, plugins, http,
    services: { ...base, config: {}, logger },
    createdOwner: init.owner,
    async start() {
      const out: { name: string; address: string }[] = [];
      const server = await listenHttp(http, config.bind, config.httpPort);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.httpPort;
      running.push({ name: 'http', close: () => closeHttp(server) });
      out.push({ name: 'http', address: `http://${config.bind.includes(':') ? `[${config.bind}]` : config.bind}:${port}` });
      // Blob GC runs in the server process, where the blob store's per-blob lock also
      // covers concurrent uploads; the grace period covers writes from other processes.
      const gcTimer = setInterval(() => {
        collectBlobGarbage(appliance).then(
          (r) => { if (r.deleted > 0) logger.info(r, 'blob garbage collected'); },
          (err: unknown) => logger.error({ err }, 'blob garbage collection failed'),
        );
      }, BLOB_GC_INTERVAL_MS);
      gcTimer.unref();
      running.push({ name: 'blob-gc', close: async () => clearInterval(gcTimer) });
      for (const p of plugins) {
        for (const l of p.listeners) {
          const handle = await l.start();
          running.push({ name: `${p.def.id}/${l.name}`, close: () => handle.close() });
          out.push({ name: l.name, address: handle.describe?.() ?? '' });
        }
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const r of running.reverse()) {
        try { await r.close(); } catch (e) { logger.warn({ err: e, listener: r.name }, 'listener did not close cleanly'); }
      }
      for (const p of [...plugins].reverse()) {
        try { await p.def.stop?.(); } catch (e) { logger.warn({ err: e, plugin: p.def.id }, 'plugin stop failed'); }
      }
      await log.close();
      await projections.stop();
      await feed.stop();
      await db.close();
    },
  };
  return appliance;
}

function listenHttp(app: Hono<CairnEnv>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeHttp(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { (server as import('node:http').Server).closeAllConnections?.(); }, SHUTDOWN_GRACE_MS);
    timer.unref();
    (server as import('node:http').Server).closeIdleConnections?.();
    server.close(() => { clearTimeout(timer); resolve(); });
  });
}
