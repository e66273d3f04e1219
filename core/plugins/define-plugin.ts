import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { BlobStore } from '../blobs/index.ts';
import type { Migration } from '../db/migrations.ts';
import type { EventLog } from '../events/event-log.ts';
import type { ChangeFeed } from '../feed/change-feed.ts';
import type { CairnEnv } from '../http/env.ts';
import type { AuthService } from '../identity/auth-service.ts';
import type { IdentityApi } from '../identity/identity-api.ts';
import type { Logger } from '../logger.ts';
import type { Projection } from '../projections/types.ts';
import type { TlsPair } from '../net/tls-pair.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import type { DavCollectionBackend, DavTreeBackend } from '../dav/types.ts';

/** What core offers; a plugin names the ones it uses in `needs` and receives only those. */
export interface CoreServices {
  /** Kysely over the appliance database; a plugin touches only its own `<id>_*` tables. */
  db: Kysely<any>;
  events: EventLog;
  feed: ChangeFeed;
  blobs: BlobStore;
  /** This plugin's section of the configuration file (`{ "<id>": {...} }`). */
  config: Record<string, unknown>;
  /** The whole resolved configuration (ports, hostname, data dir, TLS). */
  appliance: ResolvedConfig;
  logger: Logger;
  auth: AuthService;
  /** Identity commands (app passwords for a device set-up page, user administration). */
  identity: IdentityApi;
  /** Services other plugins provide (`r.provide`). */
  services: ServiceLookup;
  /** The TLS certificate and key (operator's, or self-signed and generated on first start). */
  tls: TlsPair;
}

export type CoreServiceName = keyof CoreServices;

export interface ServiceLookup {
  /** A service another plugin provides, or undefined when that plugin is not enabled. */
  get<T>(name: string): T | undefined;
  require<T>(name: string): T;
}

export interface NavItem {
  label: string;
  href: string;
  /** A short glyph or emoji shown beside the label. */
  icon?: string;
  /** Lower comes first; the built-in apps use 10..50. */
  order?: number;
  /**
   * Whether guests (people invited from outside, role 'guest') may use this app: true for
   * all of it, or the sub-paths they may reach (['/s/'] for share links). Default: none —
   * core hides the item from guests and answers 403 to their requests under /<id>.
   */
  guests?: boolean | readonly string[];
}

/** Presence as every app shows it next to a person (the chat plugin provides it). */
export type Presence = 'online' | 'away' | 'dnd' | 'offline';
export interface PresenceProvider {
  statusOf(userIds: readonly string[]): Promise<Map<string, { presence: Presence; emoji?: string; text?: string }>>;
}

export interface ListenerSpec {
  /** For logs and errors: 'smtp', 'imap'. */
  name: string;
  /** Starts serving; resolves once listening. Called after every plugin's init, in dependency order. */
  start(): Promise<{ close(): Promise<void>; describe?(): string }>;
}

export interface PluginRegistrar<N extends CoreServiceName = CoreServiceName> {
  readonly id: string;
  /** Event types `<id>.<PastTense>` with the schema their payload must satisfy. */
  events(types: Record<string, z.ZodType>): void;
  /** Migrations for the plugin's own `<id>_*` tables. */
  migrations(list: readonly Migration[]): void;
  projection(p: Projection): void;
  /** The HTTP sub-app, mounted at `/<id>`. */
  app(app: Hono<CairnEnv>): void;
  /**
   * An app at a root path that other software looks for by name (`/.well-known/<name>`,
   * `/autodiscover`): served before sessions and CSRF checks, since mail, calendar and
   * file clients call them without a browser session; authenticate inside if needed.
   */
  mount(path: string, app: Hono<CairnEnv>): void;
  nav(item: NavItem): void;
  /**
   * Sub-paths of the plugin's app (e.g. '/hooks/') that take POSTs from other servers
   * authenticated by a secret of their own (a token in the URL): exempt from CSRF checks.
   */
  publicPosts(prefixes: readonly string[]): void;
  /** The presence shown beside the signed-in user in every page's header (one plugin at most). */
  presence(provider: PresenceProvider): void;
  /**
   * A tree served at /dav/<backend.root>/ by core's DAV engine: collections of objects
   * (CalDAV, CardDAV: the engine speaks the protocol) or a file tree it only authenticates for (WebDAV).
   */
  dav(backend: DavCollectionBackend | DavTreeBackend): void;
  listener(spec: ListenerSpec): void;
  /** A service for other plugins, named `<id>.<name>`; the factory runs after init. */
  provide(name: string, factory: () => unknown): void;
  /** Every blob sha256 the plugin's read models still refer to (blob GC keeps these). */
  blobRefs(fn: (db: Kysely<any>) => AsyncIterable<string> | Iterable<string>): void;
  /** The services named in `needs`; available once init has started (use inside handlers). */
  services(): Pick<CoreServices, N>;
}

export interface PluginDefinition<N extends CoreServiceName = CoreServiceName> {
  /** Lowercase, letters/digits/dashes: the table prefix, URL prefix and event-type prefix. */
  id: string;
  version: string;
  description?: string;
  /** Plugin ids that must be enabled and are initialized before this one. */
  dependsOn?: readonly string[];
  needs: readonly N[];
  register(r: PluginRegistrar<N>): void;
  init?(services: Pick<CoreServices, N>): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
/** Root paths a plugin may `mount`: well-known URIs (RFC 8615) and Microsoft's Autodiscover. */
export const MOUNT_PATTERN = /^\/(\.well-known\/[A-Za-z0-9._-]+|[Aa]utodiscover)$/;

/** Identity function that gives plugin authors type checking of `needs` against `services()`. */
export function definePlugin<const N extends CoreServiceName>(def: PluginDefinition<N>): PluginDefinition<N> {
  return def;
}
