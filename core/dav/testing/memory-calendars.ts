// A tiny in-memory CalDAV backend for the engine's own specs: it stores bodies as
// given (no iCalendar validation) and keeps tombstones, so the engine's HTTP, XML,
// sync and precondition handling can be tested without the calendar plugin.
import { ConflictError, NotFoundError } from '../../errors.ts';
import { DavPreconditionFailed } from '../errors.ts';
import { definePlugin } from '../../plugins/define-plugin.ts';
import type { SessionUser } from '../../identity/auth-service.ts';
import { NS, type DavCollection, type DavCollectionBackend, type DavObject } from '../types.ts';

interface Obj { body: string; position: number; deleted: boolean; time: string }
interface Coll { id: string; slug: string; owner: string; displayName: string; position: number; objects: Map<string, Obj>; dead: Map<string, string> }

export function memoryCalendarsPlugin() {
  let clock = 0;
  const colls = new Map<string, Coll>(); // key: owner id + '/' + slug
  const view = (c: Coll, home: SessionUser): DavCollection => ({
    id: c.id, slug: c.slug, home: home.email, right: 'owner', position: c.position,
    resourceTypes: [`{${NS.cal}}calendar`],
    props: {
      '{DAV:}displayname': c.displayName,
      [`{${NS.cal}}supported-calendar-component-set`]: { xml: '<cal:comp name="VEVENT"/><cal:comp name="VTODO"/>' },
      ...Object.fromEntries([...c.dead].map(([k, v]) => [k, { xml: v }])),
    },
  });
  const coll = (id: string) => [...colls.values()].find((c) => c.id === id)!;
  const info = (name: string, o: Obj) => ({ name, etag: `"${o.position}"`, contentType: 'text/calendar; charset=utf-8', size: Buffer.byteLength(o.body), lastModified: o.time });
  const ensure = (home: SessionUser) => {
    const key = `${home.id}/personal`;
    if (!colls.has(key)) colls.set(key, { id: `c${++clock}`, slug: 'personal', owner: home.id, displayName: 'Personal', position: clock, objects: new Map(), dead: new Map() });
  };
  const backend: DavCollectionBackend = {
    root: 'calendars',
    homeSetProperty: `{${NS.cal}}calendar-home-set`,
    davClasses: ['calendar-access'],
    dataProperty: `{${NS.cal}}calendar-data`,
    multigetReport: `{${NS.cal}}calendar-multiget`,
    defaultContentType: 'text/calendar; charset=utf-8',
    maxObjectBytes: 4096,
    // No filtering: every object matches (enough for clients that list with calendar-query).
    filterReports: { [`{${NS.cal}}calendar-query`]: async (_ctx, collection) => [...coll(collection.id).objects].filter(([, o]) => !o.deleted).map(([n]) => n) },
    async listCollections(_ctx, home) {
      ensure(home);
      return [...colls.values()].filter((c) => c.owner === home.id).map((c) => view(c, home));
    },
    async getCollection(_ctx, home, slug) {
      ensure(home);
      const c = colls.get(`${home.id}/${slug}`);
      return c && view(c, home);
    },
    async createCollection(_ctx, home, slug, input) {
      if (colls.has(`${home.id}/${slug}`)) throw new ConflictError('exists');
      const name = input.props.find((p) => p.name === '{DAV:}displayname')?.text ?? slug;
      colls.set(`${home.id}/${slug}`, { id: `c${++clock}`, slug, owner: home.id, displayName: name, position: clock, objects: new Map(), dead: new Map() });
    },
    async patchCollection(_ctx, collection, patch) {
      const c = coll(collection.id);
      const out: Record<string, number> = {};
      for (const p of patch.set) {
        if (p.name === '{DAV:}displayname') c.displayName = p.text;
        else c.dead.set(p.name, p.text);
        out[p.name] = 200;
      }
      for (const n of patch.remove) { c.dead.delete(n); out[n] = 200; }
      c.position = ++clock;
      return out;
    },
    async deleteCollection(_ctx, collection) {
      const c = coll(collection.id);
      colls.delete(`${c.owner}/${c.slug}`);
    },
    async listObjects(_ctx, collection) {
      return [...coll(collection.id).objects].filter(([, o]) => !o.deleted).map(([n, o]) => info(n, o));
    },
    async getObjects(_ctx, collection, names) {
      const c = coll(collection.id);
      return names.flatMap((n): DavObject[] => {
        const o = c.objects.get(n);
        return o && !o.deleted ? [{ ...info(n, o), body: o.body }] : [];
      });
    },
    async putObject(_ctx, collection, name, body, _type, cond) {
      const c = coll(collection.id);
      const cur = c.objects.get(name);
      const etag = cur && !cur.deleted ? `"${cur.position}"` : undefined;
      if (cond.ifNoneMatch === '*' && etag) throw new DavPreconditionFailed();
      if (cond.ifMatch && (cond.ifMatch === '*' ? !etag : cond.ifMatch !== etag)) throw new DavPreconditionFailed();
      const position = ++clock;
      c.objects.set(name, { body, position, deleted: false, time: new Date().toISOString() });
      c.position = position;
      return { etag: `"${position}"`, created: !etag };
    },
    async deleteObject(_ctx, collection, name, cond) {
      const c = coll(collection.id);
      const cur = c.objects.get(name);
      if (!cur || cur.deleted) throw new NotFoundError();
      if (cond.ifMatch && cond.ifMatch !== `"${cur.position}"`) throw new DavPreconditionFailed();
      cur.deleted = true;
      cur.position = ++clock;
      c.position = cur.position;
    },
    async changesSince(_ctx, collection, position) {
      const c = coll(collection.id);
      const after = [...c.objects].filter(([, o]) => o.position > position);
      return {
        changed: after.filter(([, o]) => !o.deleted).map(([n, o]) => info(n, o)),
        removed: after.filter(([, o]) => o.deleted).map(([n]) => n),
        position: c.position,
      };
    },
  };
  return definePlugin({ id: 'memcal', version: '0.0.0', needs: [], register(r) { r.dav(backend); } });
}
