// Implementation notes — the plugin loader.
// - Core never imports a plugin statically: a built-in one is found at
//   plugins/<id>/index.ts, anything else is an npm package imported by name.
// - Everything is validated before any plugin code runs beyond `register`: id shape,
//   duplicate ids, unknown or cyclic dependencies, duplicate event types and
//   projection names (the registries throw), service names outside the plugin's prefix.
// - Order: dependencies first (stable topological order); stop runs in reverse.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { z } from 'zod';
import type { Migration } from '../db/migrations.ts';
import type { CairnEnv } from '../http/env.ts';
import type { Projection } from '../projections/types.ts';
import type { DavCollectionBackend, DavTreeBackend } from '../dav/types.ts';
import {
  MOUNT_PATTERN, PLUGIN_ID_PATTERN, type CoreServiceName, type CoreServices, type ListenerSpec, type NavItem, type PluginDefinition,
  type PluginRegistrar, type PresenceProvider,
} from './define-plugin.ts';

const BUILT_IN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../plugins');
const CORE_SERVICE_NAMES: readonly CoreServiceName[] = ['db', 'events', 'feed', 'blobs', 'config', 'appliance', 'logger', 'auth', 'identity', 'services', 'tls'];

export class PluginLoadError extends Error {}

export interface LoadedPlugin {
  def: PluginDefinition;
  /** Where it came from: 'built-in' or the npm package name. */
  source: string;
  eventTypes: Record<string, z.ZodType>;
  migrations: Migration[];
  projections: Projection[];
  app: Hono<CairnEnv> | undefined;
  mounts: { path: string; app: Hono<CairnEnv> }[];
  nav: NavItem[];
  dav: (DavCollectionBackend | DavTreeBackend)[];
  /** Absolute path prefixes exempt from CSRF (publicPosts). */
  publicPosts: string[];
  presence: PresenceProvider | undefined;
  listeners: ListenerSpec[];
  provides: Map<string, () => unknown>;
  blobRefs: ((db: Kysely<any>) => AsyncIterable<string> | Iterable<string>)[];
  /** Filled in just before init; `r.services()` reads it. */
  services: Partial<CoreServices> | undefined;
}

/** Resolves each configured name to a plugin definition. */
export async function importPlugins(names: readonly string[]): Promise<{ def: PluginDefinition; source: string }[]> {
  const out: { def: PluginDefinition; source: string }[] = [];
  for (const name of names) {
    const builtIn = join(BUILT_IN_DIR, name, 'index.ts');
    const isBuiltIn = PLUGIN_ID_PATTERN.test(name) && existsSync(builtIn);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(isBuiltIn ? pathToFileURL(builtIn).href : name)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginLoadError(`cannot load plugin "${name}": ${isBuiltIn ? '' : 'it is neither a built-in plugin nor an installed npm package; '}${(e as Error).message}`);
    }
    const def = (mod.default ?? mod.plugin) as PluginDefinition | undefined;
    if (!def || typeof def !== 'object' || typeof def.register !== 'function') {
      throw new PluginLoadError(`plugin "${name}" must export a definePlugin(...) value as default or as "plugin"`);
    }
    out.push({ def, source: isBuiltIn ? 'built-in' : name });
  }
  return out;
}

/** Validates the set and runs every `register`, in dependency order. */
export function registerPlugins(found: readonly { def: PluginDefinition; source: string }[], reserved: readonly string[] = ['core', 'identity']): LoadedPlugin[] {
  const byId = new Map<string, { def: PluginDefinition; source: string }>();
  for (const f of found) {
    const id = f.def.id;
    if (!PLUGIN_ID_PATTERN.test(id)) throw new PluginLoadError(`plugin id "${id}" (from ${f.source}) must match ${PLUGIN_ID_PATTERN}`);
    if (reserved.includes(id)) throw new PluginLoadError(`plugin id "${id}" is reserved for core`);
    if (byId.has(id)) throw new PluginLoadError(`plugin "${id}" is enabled twice (${byId.get(id)!.source} and ${f.source})`);
    for (const n of f.def.needs) {
      if (!CORE_SERVICE_NAMES.includes(n)) throw new PluginLoadError(`plugin "${id}" needs unknown core service "${String(n)}" (known: ${CORE_SERVICE_NAMES.join(', ')})`);
    }
    byId.set(id, f);
  }
  for (const f of found) {
    for (const dep of f.def.dependsOn ?? []) {
      if (!byId.has(dep)) throw new PluginLoadError(`plugin "${f.def.id}" depends on "${dep}", which is not enabled`);
    }
  }
  const ordered = topologicalOrder([...byId.values()].map((f) => f.def));
  const loaded = ordered.map((def) => collect(def, byId.get(def.id)!.source));
  const mountedBy = new Map<string, string>();
  for (const p of loaded) {
    for (const m of p.mounts) {
      const other = mountedBy.get(m.path.toLowerCase());
      if (other) throw new PluginLoadError(`plugins "${other}" and "${p.def.id}" both mount ${m.path}`);
      mountedBy.set(m.path.toLowerCase(), p.def.id);
    }
    if (p.presence) {
      const other = mountedBy.get('presence');
      if (other) throw new PluginLoadError(`plugins "${other}" and "${p.def.id}" both provide presence`);
      mountedBy.set('presence', p.def.id);
    }
    for (const d of p.dav) {
      const key = `/dav/${d.root}`;
      const other = mountedBy.get(key);
      if (other) throw new PluginLoadError(`plugins "${other}" and "${p.def.id}" both serve ${key}/`);
      mountedBy.set(key, p.def.id);
    }
  }
  return loaded;
}

function topologicalOrder(defs: PluginDefinition[]): PluginDefinition[] {
  const out: PluginDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(defs.map((d) => [d.id, d]));
  const visit = (d: PluginDefinition, path: string[]) => {
    const s = state.get(d.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new PluginLoadError(`plugin dependency cycle: ${[...path, d.id].join(' → ')}`);
    state.set(d.id, 'visiting');
    for (const dep of d.dependsOn ?? []) visit(byId.get(dep)!, [...path, d.id]);
    state.set(d.id, 'done');
    out.push(d);
  };
  for (const d of defs) visit(d, []);
  return out;
}

function collect(def: PluginDefinition, source: string): LoadedPlugin {
  const loaded: LoadedPlugin = {
    def, source, eventTypes: {}, migrations: [], projections: [], app: undefined, mounts: [], nav: [], dav: [], publicPosts: [], presence: undefined, listeners: [],
    provides: new Map(), blobRefs: [], services: undefined,
  };
  const id = def.id;
  const r: PluginRegistrar = {
    id,
    events(types) {
      for (const [t, schema] of Object.entries(types)) {
        if (!t.startsWith(`${id}.`)) throw new PluginLoadError(`plugin "${id}" declares event type "${t}" outside its "${id}." prefix`);
        if (t in loaded.eventTypes) throw new PluginLoadError(`plugin "${id}" declares event type "${t}" twice`);
        loaded.eventTypes[t] = schema;
      }
    },
    migrations(list) { loaded.migrations.push(...list); },
    projection(p) { loaded.projections.push(p); },
    app(app) {
      if (loaded.app) throw new PluginLoadError(`plugin "${id}" registers more than one app`);
      loaded.app = app;
    },
    mount(path, app) {
      if (!MOUNT_PATTERN.test(path)) throw new PluginLoadError(`plugin "${id}" may mount only /.well-known/<name> or /autodiscover, not "${path}"`);
      loaded.mounts.push({ path, app });
    },
    nav(item) { loaded.nav.push(item); },
    presence(provider) {
      if (loaded.presence) throw new PluginLoadError(`plugin "${id}" provides presence twice`);
      loaded.presence = provider;
    },
    publicPosts(prefixes) {
      for (const p of prefixes) {
        if (!/^\/[A-Za-z0-9._~-]+\/$/.test(p)) throw new PluginLoadError(`plugin "${id}": publicPosts takes '/segment/' prefixes, not "${p}"`);
        loaded.publicPosts.push(`/${id}${p}`);
      }
    },
    dav(backend) {
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(backend.root) || backend.root === 'principals') throw new PluginLoadError(`plugin "${id}" registers a DAV root "${backend.root}" that is not a plain lowercase segment (or is core's "principals")`);
      loaded.dav.push(backend);
    },
    listener(spec) { loaded.listeners.push(spec); },
    provide(name, factory) {
      const full = name.startsWith(`${id}.`) ? name : `${id}.${name}`;
      if (loaded.provides.has(full)) throw new PluginLoadError(`plugin "${id}" provides "${full}" twice`);
      loaded.provides.set(full, factory);
    },
    blobRefs(fn) { loaded.blobRefs.push(fn); },
    services() {
      if (!loaded.services) throw new Error(`plugin "${id}" used services() before init`);
      return loaded.services as CoreServices;
    },
  };
  try {
    def.register(r);
  } catch (e) {
    if (e instanceof PluginLoadError) throw e;
    throw new PluginLoadError(`plugin "${id}" failed in register(): ${(e as Error).message}`);
  }
  return loaded;
}

/** The subset of core services a plugin named in `needs`, and nothing else. */
export function pickServices(all: CoreServices, needs: readonly CoreServiceName[]): Partial<CoreServices> {
  const out: Partial<CoreServices> = {};
  for (const n of needs) (out as Record<string, unknown>)[n] = all[n];
  return out;
}
