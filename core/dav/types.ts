// The contract between core's DAV engine (/dav/…) and the plugins that serve
// collections through it (calendar: CalDAV, contacts: CardDAV; drive later reuses the
// XML and auth layers). Core owns HTTP, Basic auth, XML parsing and multistatus
// rendering, PROPFIND/PROPPATCH/REPORT sync-collection and multiget, ETag
// preconditions on the wire; a backend owns its collections and objects and says
// nothing about HTTP.
//
// URL shape (DESIGN.md): /dav/<root>/<home owner login>/<collection slug>/<object name>
// where root is the backend's `root` ('calendars', 'addressbooks').
import type { EventMetadata } from '../events/types.ts';
import type { AuthenticatedUser, SessionUser } from '../identity/auth-service.ts';

/** XML namespaces the engine declares on every response (prefix → URI). */
export const NS = {
  d: 'DAV:',
  cal: 'urn:ietf:params:xml:ns:caldav',
  card: 'urn:ietf:params:xml:ns:carddav',
  cs: 'http://calendarserver.org/ns/',
  ical: 'http://apple.com/ns/ical/',
  nc: 'http://nextcloud.com/ns',
} as const;

/** A property or element name in Clark notation: `{DAV:}displayname`. */
export type Clark = string;

/** A parsed, namespace-resolved XML element (request bodies). */
export interface XmlElement {
  /** Clark name, e.g. `{urn:ietf:params:xml:ns:caldav}calendar-query`. */
  name: Clark;
  /** Attribute values by local name (attributes in our protocols are unqualified). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated direct text content (CDATA included), untrimmed. */
  text: string;
}

/**
 * A property value to render:
 * - a string is text content (escaped by the engine);
 * - `{ xml }` is an already-serialized fragment placed inside the property element.
 *   Use only the prefixes of NS (d:, cal:, card:, cs:, ical:, nc:) or inline xmlns;
 *   escape text with `escapeXml` from core/dav/xml.ts;
 * - `{ hrefs }` renders `<d:href>` children (paths are percent-encoded by the engine);
 * - `null` means "exists but is empty" (`<d:foo/>`).
 */
export type DavPropValue = string | { xml: string } | { hrefs: string[] } | null;

/** Rights a viewer holds on a collection; 'owner' implies every other. */
export type DavRight = 'read' | 'write' | 'share' | 'owner';

export interface DavContext {
  /** The Basic-authenticated user making the request. */
  user: AuthenticatedUser;
  requestId: string;
  /** Event metadata for commands this request causes (actor = user id, source 'dav'). */
  metadata(): EventMetadata;
}

/** One collection (a calendar, an address book) as seen by one viewer. */
export interface DavCollection {
  /** The backend's own id (stable across renames); the engine passes it back, never shows it. */
  id: string;
  /** URL segment inside the viewer's home (`personal`, `shared-01J…`); [A-Za-z0-9._-]+. */
  slug: string;
  /** Login (email) of the user whose home this collection is listed in. */
  home: string;
  right: DavRight;
  /**
   * Global position of the newest change to the collection or any object in it: the
   * sync token (`<SYNC_TOKEN_PREFIX><position>`), CTag and collection ETag.
   */
  position: number;
  /** Extra `resourcetype` children beside `{DAV:}collection`, e.g. `{urn:…:caldav}calendar`. */
  resourceTypes: Clark[];
  /**
   * Live and dead properties of the collection (displayname, calendar-color,
   * supported-calendar-component-set, dead properties a client set by PROPPATCH…).
   * The engine adds resourcetype, sync-token, getctag, getetag, owner,
   * current-user-privilege-set, supported-report-set, current-user-principal itself.
   */
  props: Record<Clark, DavPropValue>;
}

/** Metadata of one object (an .ics or .vcf resource). */
export interface DavObjectInfo {
  /** Last path segment, decoded (`01J….ics`, whatever the client chose on PUT). */
  name: string;
  /** Strong ETag with its quotes: `"1234"` (the global position of its last change is a good one). */
  etag: string;
  contentType: string;
  /** Byte length of the stored body (UTF-8). */
  size: number;
  /** ISO 8601 time of the last change. */
  lastModified: string;
}

export interface DavObject extends DavObjectInfo {
  /** The stored body, byte-for-byte as served on GET. */
  body: string;
}

export interface DavChanges {
  /** Objects created or changed after the token's position (with their current metadata). */
  changed: DavObjectInfo[];
  /** Names of objects deleted after the token's position (tombstones). */
  removed: string[];
  /** Position for the new sync token (usually the collection's position). */
  position: number;
}

/** Conditions from If-Match / If-None-Match, already parsed by the engine. */
export interface DavWriteConditions {
  /** Strong ETag (with quotes) the current object must have; '*' = must exist. */
  ifMatch?: string;
  /** '*' = must not exist (create only); an ETag = must not currently have it. */
  ifNoneMatch?: string;
}

export interface DavPutResult {
  etag: string;
  created: boolean;
}

/** The properties a PROPPATCH asks to set, with their parsed value element. */
export interface DavPropPatch {
  set: XmlElement[];
  remove: Clark[];
}

/**
 * A plugin's collection tree under /dav/<root>/. Every method receives the request
 * context and must check the viewer's rights itself (the engine checks only that
 * the viewer is the home's owner for home-level operations, and `right` from
 * getCollection for object writes: 'read' ⇒ 403 on PUT/DELETE/PROPPATCH).
 * Errors: throw core/errors.ts errors (NotFound → 404, Forbidden → 403, Conflict → 409,
 * Validation → 400, LimitExceeded → 413/507) or DavPreconditionError from ./errors.ts
 * for RFC precondition elements (valid-calendar-data, no-uid-conflict, …).
 */
export interface DavCollectionBackend {
  /** URL segment under /dav/: 'calendars' | 'addressbooks'. */
  root: string;
  /** Principal property pointing at the home, e.g. `{urn:ietf:params:xml:ns:caldav}calendar-home-set`. */
  homeSetProperty: Clark;
  /** DAV compliance classes added to the `DAV:` header of OPTIONS (`calendar-access`, `addressbook`). */
  davClasses: string[];
  /** The property carrying an object's body in REPORT responses (`{…caldav}calendar-data`, `{…carddav}address-data`). */
  dataProperty: Clark;
  /** Content type of new objects when the client sends none (`text/calendar; charset=utf-8`). */
  defaultContentType: string;
  /** Largest object body accepted on PUT, in bytes (advertised as max-resource-size). */
  maxObjectBytes: number;

  /**
   * Principals that are not people: meeting rooms and other resources (RFC 6638 §2.4.2
   * calendar-user-type ROOM/RESOURCE), served at /dav/principals/resources/<id>/.
   */
  resourcePrincipals?(ctx: DavContext): Promise<{ id: string; displayName: string; address: string; type: 'ROOM' | 'RESOURCE' }[]>;
  /** Extra principal properties for the user (calendar-user-address-set, schedule-inbox-URL…). */
  principalProps?(ctx: DavContext, principal: SessionUser): Promise<Record<Clark, DavPropValue>>;

  /** Collections listed in `home`'s home for the viewer (own ones and those shared with and accepted by them). */
  listCollections(ctx: DavContext, home: SessionUser): Promise<DavCollection[]>;
  getCollection(ctx: DavContext, home: SessionUser, slug: string): Promise<DavCollection | undefined>;
  /**
   * MKCALENDAR (method 'MKCALENDAR') or extended MKCOL (RFC 5689, method 'MKCOL') of a
   * new collection at `slug` in the viewer's own home; `props` are the requested
   * properties (displayname, calendar-color, supported-calendar-component-set…).
   * Throw ConflictError when the slug exists; DavPreconditionError for refused props.
   */
  createCollection(ctx: DavContext, home: SessionUser, slug: string, input: { method: 'MKCALENDAR' | 'MKCOL'; resourceTypes: Clark[]; props: XmlElement[] }): Promise<void>;
  /**
   * PROPPATCH: all-or-nothing (RFC 4918 §9.2). Return the status per property name;
   * all 200 on success, otherwise the failing ones 403/409 and the rest 424.
   */
  patchCollection(ctx: DavContext, collection: DavCollection, patch: DavPropPatch): Promise<Record<Clark, number>>;
  deleteCollection(ctx: DavContext, collection: DavCollection): Promise<void>;

  listObjects(ctx: DavContext, collection: DavCollection): Promise<DavObjectInfo[]>;
  /** Objects by name; unknown names are simply absent from the result. */
  getObjects(ctx: DavContext, collection: DavCollection, names: string[]): Promise<DavObject[]>;
  /**
   * PUT of an object body (already size-checked and decoded as UTF-8). Validate it (the
   * RFC precondition errors), check `cond` against the current ETag (throw
   * DavPreconditionFailed from ./errors.ts → 412), store it durably, return the new ETag.
   */
  putObject(ctx: DavContext, collection: DavCollection, name: string, body: string, contentType: string | undefined, cond: DavWriteConditions): Promise<DavPutResult>;
  deleteObject(ctx: DavContext, collection: DavCollection, name: string, cond: DavWriteConditions): Promise<void>;
  /** Changes after `position` (from a client's sync token); 'expired' when older than what tombstones cover. */
  changesSince(ctx: DavContext, collection: DavCollection, position: number): Promise<DavChanges | 'expired'>;

  /**
   * Renders the body for the data property in a REPORT, honouring the request's
   * property element (`<cal:calendar-data><cal:expand …/></cal:calendar-data>`,
   * `<card:address-data content-type="text/vcard" version="4.0"/>`). Default: the stored body.
   */
  renderData?(ctx: DavContext, object: DavObject, request: XmlElement | undefined): string;
  /** GET with content negotiation (vCard 3.0 vs 4.0 by Accept). Default: the stored body and type. */
  renderGet?(ctx: DavContext, object: DavObject, accept: string | undefined): { body: string; contentType: string };

  /**
   * REPORTs that select objects by a filter (`{…caldav}calendar-query`,
   * `{…carddav}addressbook-query`): return the names that match — or the matching
   * objects themselves when the filter had to read them anyway, which saves reading
   * them twice; the engine renders the requested properties like a multiget.
   */
  filterReports?: Record<Clark, (ctx: DavContext, collection: DavCollection, report: XmlElement) => Promise<string[] | DavObject[]>>;
  /** REPORTs answered with a body of their own (`{…caldav}free-busy-query` → text/calendar). */
  customReports?: Record<Clark, (ctx: DavContext, collection: DavCollection, report: XmlElement) => Promise<{ status: number; contentType: string; body: string }>>;
  /** Multiget REPORT name (`{…caldav}calendar-multiget`, `{…carddav}addressbook-multiget`). */
  multigetReport: Clark;
}

/**
 * A tree the engine does not interpret (the drive's files at /dav/files/): the engine
 * authenticates, decodes and checks the path, maps errors and answers OPTIONS; the
 * backend handles every other method itself, reusing xml.ts, multistatus.ts,
 * read-body.ts and methods/propfind.ts's parsers.
 */
export interface DavTreeBackend {
  kind: 'tree';
  /** URL segment under /dav/: 'files'. */
  root: string;
  davClasses: string[];
  /** Methods beyond the engine's list to allow (COPY, MOVE, LOCK, UNLOCK). */
  methods: string[];
  /** Principal property pointing at the user's root, if any. */
  homeSetProperty?: Clark;
  /**
   * Handles a request; `segments` are the decoded path segments after /dav/<root>/
   * (already free of `.`, `..`, encoded slashes and control characters).
   */
  handle(request: {
    raw: Request; ctx: DavContext; segments: string[];
    /**
     * Node's request under @hono/node-server (absent under app.request in tests): reading a
     * large body from it skips the web-stream adapter, about twice the throughput.
     */
    incoming?: import('node:http').IncomingMessage;
  }): Promise<Response>;
}

/** Sync tokens are URIs (RFC 6578 §3.2); the position is the appliance clock. */
export const SYNC_TOKEN_PREFIX = 'http://cairn.invalid/ns/sync/';
