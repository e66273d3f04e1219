// Implementation notes — CalDAV (RFC 4791) collections for core's DAV engine.
// - A user's home lists their own calendars by slug and the shared calendars they
//   added to their list as `shared-<calendarId>`; any calendar shared with them
//   resolves by that slug even before they add it (a client given the URL works).
// - The right on a collection comes from ownership or core grants ('calendar:<id>');
//   every write goes through CalendarService, which checks it again (read ⇒ 403).
// - ETag = `"<global position of the object's last change>"`; sync token and CTag =
//   the calendar's position (newest change to it or any object in it). Deleted objects
//   stay as tombstones, so sync tokens never expire while the calendar exists.
// - PUT bodies are validated (RFC 4791 §5.3.2.1) before anything is stored.
import type { DavCollection, DavCollectionBackend, DavContext, DavObject, DavObjectInfo, XmlElement } from '../../../core/dav/types.ts';
import { NS } from '../../../core/dav/types.ts';
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { objectHref } from '../../../core/dav/paths.ts';
import { child } from '../../../core/dav/xml.ts';
import { ConflictError, ForbiddenError } from '../../../core/errors.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import type { CalendarInfo, CalendarService, CalendarView, ObjectInfo, StoredObject } from '../calendar-service.ts';
import { MAX_OBJECT_BYTES, type CalendarFields } from '../events.ts';
import { parseVCalendar } from '../ical/parse-calendar-object.ts';
import { safeZone } from '../ical/zoned-time.ts';
import { isPlainEventRange, matchesFilter, parseTimeRange, prefilterOf, spanMatches } from './calendar-query.ts';
import { P, applyPatch, calendarProps } from './collection-props.ts';
import { expandObject, freeBusy } from './free-busy.ts';

const C = (l: string) => `{${NS.cal}}${l}`;
export const SHARED_PREFIX = 'shared-';
const CONTENT_TYPE = 'text/calendar; charset=utf-8';

export function createCalendarDavBackend(service: () => CalendarService): DavCollectionBackend {
  const toCollection = (cal: CalendarInfo & { right: CalendarView['right'] }, home: SessionUser, slug: string, ownerLabel?: string): DavCollection => ({
    id: cal.id, slug, home: home.email, right: cal.right, position: cal.position,
    resourceTypes: [C('calendar')],
    props: calendarProps(cal, ownerLabel ? { ownerLabel } : {}),
  });
  const info = (o: ObjectInfo): DavObjectInfo => ({ name: o.name, etag: o.etag, contentType: CONTENT_TYPE, size: o.size, lastModified: o.lastModified });
  const full = (o: StoredObject): DavObject => ({ ...info(o), body: o.ics });
  const ownerLabel = async (ownerId: string) => (await service().ownerName(ownerId)) ?? 'shared';

  const backend: DavCollectionBackend = {
    root: 'calendars',
    homeSetProperty: C('calendar-home-set'),
    davClasses: ['calendar-access'],
    dataProperty: C('calendar-data'),
    multigetReport: C('calendar-multiget'),
    defaultContentType: CONTENT_TYPE,
    maxObjectBytes: MAX_OBJECT_BYTES,

    async resourcePrincipals() {
      // Meeting rooms, so scheduling clients can find and invite them (RFC 6638 §2.4.2).
      return (await service().rooms()).map((r) => ({ id: r.id, displayName: r.displayName, address: r.room!.address, type: 'ROOM' as const }));
    },

    async principalProps(_ctx, principal) {
      // RFC 6638 §2.4.1: the addresses that identify the user as an attendee/organizer.
      return { [C('calendar-user-address-set')]: { hrefs: [`mailto:${principal.email}`] } };
    },

    async listCollections(ctx, home) {
      if (ctx.user.id !== home.id) return [];
      await service().ensureDefaultCalendar(ctx.user, ctx.metadata());
      const out: DavCollection[] = [];
      for (const cal of await service().listCalendars(ctx.user)) {
        out.push(cal.shared ? toCollection(cal, home, SHARED_PREFIX + cal.id, await ownerLabel(cal.owner)) : toCollection(cal, home, cal.slug));
      }
      return out;
    },

    async getCollection(ctx, home, slug) {
      if (ctx.user.id !== home.id) return undefined;
      if (slug.startsWith(SHARED_PREFIX)) {
        const id = slug.slice(SHARED_PREFIX.length);
        const cal = (await service().sharedWith(ctx.user)).find((c) => c.id === id);
        return cal && toCollection(cal, home, slug, await ownerLabel(cal.owner));
      }
      let cal = await service().ownBySlug(home.id, slug);
      if (!cal) {
        // A client's first request may go straight to the default calendar.
        await service().ensureDefaultCalendar(ctx.user, ctx.metadata());
        cal = await service().ownBySlug(home.id, slug);
      }
      return cal && toCollection({ ...cal, right: 'owner' }, home, slug);
    },

    async createCollection(ctx, home, slug, input) {
      if (ctx.user.id !== home.id) throw new ForbiddenError('calendars can be created only in your own home');
      if (slug.startsWith(SHARED_PREFIX)) throw new ForbiddenError(`addresses starting with "${SHARED_PREFIX}" are reserved for shared calendars`);
      if (input.method === 'MKCOL' && !input.resourceTypes.includes(C('calendar'))) {
        throw new DavPreconditionError('{DAV:}valid-resourcetype', 'only calendars can be created here (resourcetype must include calendar)');
      }
      if (await service().ownBySlug(home.id, slug)) throw new ConflictError('a calendar with that address already exists', 'calendar_exists');
      const base: CalendarFields = { slug, displayName: slug, color: '', description: '', order: 0, components: ['VEVENT', 'VTODO'], timezone: (await service().settings(ctx.user)).timezone, deadProps: {} };
      const r = applyPatch(base, input.props, [], { creating: true });
      if (!r.ok) {
        const bad = Object.entries(r.statuses).find(([, s]) => s !== 424)?.[0] ?? '';
        throw new DavPreconditionError(bad === P.components ? C('supported-calendar-component') : '{DAV:}cannot-modify-protected-property', r.reason ?? 'a property cannot be set', 403);
      }
      await service().createCalendar(ctx.user, r.fields, ctx.metadata());
    },

    async patchCollection(ctx, collection, patch) {
      const cal = await service().getCalendar(ctx.user, collection.id, 'write');
      const current: CalendarFields = {
        slug: cal.slug, displayName: cal.displayName, color: cal.color, description: cal.description, order: cal.order,
        components: cal.components, timezone: cal.timezone, deadProps: cal.deadProps,
      };
      const r = applyPatch(current, patch.set, patch.remove, { creating: false });
      if (r.ok) await service().updateCalendar(ctx.user, cal.id, { ...r.fields, slug: cal.slug }, ctx.metadata());
      return r.statuses;
    },

    async deleteCollection(ctx, collection) {
      if (collection.right !== 'owner') {
        // Deleting a shared calendar from a client removes it from the sharee's list only.
        await service().hideShare(ctx.user, collection.id, ctx.metadata());
        return;
      }
      await service().deleteCalendar(ctx.user, collection.id, ctx.metadata());
    },

    async listObjects(_ctx, collection) {
      return (await service().listObjects(collection.id)).map(info);
    },
    async getObjects(_ctx, collection, names) {
      return (await service().getObjects(collection.id, names)).map(full);
    },
    async putObject(ctx, collection, name, body, contentType, cond) {
      if (contentType && !/^text\/calendar\b/i.test(contentType.trim())) {
        throw new DavPreconditionError(C('supported-calendar-data'), 'calendar objects are text/calendar');
      }
      const r = await service().putObject(ctx.user, collection.id, name, body, cond, ctx.metadata(), {
        conflictHref: (other) => objectHref(backend, collection, other),
      });
      return { etag: r.etag, created: r.created };
    },
    async deleteObject(ctx, collection, name, cond) {
      await service().deleteObject(ctx.user, collection.id, name, cond, ctx.metadata());
    },
    async changesSince(_ctx, collection, position) {
      const r = await service().changesSince(collection.id, position);
      return r === 'expired' ? r : { changed: r.changed.map(info), removed: r.removed, position: r.position };
    },

    renderData(_ctx, object, request) {
      const expand = child(request, C('expand'));
      if (!expand) return object.body;
      return expandObject(object.body, parseTimeRange(expand), 'UTC');
    },

    filterReports: {
      [C('calendar-query')]: async (ctx, collection, report) => {
        const filter = child(report, C('filter'));
        if (!filter) throw new DavPreconditionError(C('valid-filter'), 'calendar-query needs a filter', 400);
        const cal = await service().getCalendar(ctx.user, collection.id);
        const tz = safeZone(queryTimezone(report) ?? cal.timezone);
        const pre = prefilterOf(filter);
        const candidates = pre.range
          ? await service().objectsInRange([collection.id], pre.range.from, pre.range.to, pre.component)
          : await service().getObjects(collection.id, (await service().listObjects(collection.id, pre.component ? { component: pre.component } : {})).map((o) => o.name));
        const matched: DavObject[] = [];
        const plain = pre.range && isPlainEventRange(filter) ? pre.range : undefined;
        for (const o of candidates) {
          const quick = plain ? spanMatches(o, plain) : undefined;
          if (quick !== undefined) {
            if (quick) matched.push(full(o));
            continue;
          }
          const root = parseVCalendar(o.ics);
          if (root && matchesFilter(root, filter, tz)) matched.push(full(o));
        }
        // The objects themselves: the engine renders them without reading them again.
        return matched;
      },
    },

    customReports: {
      [C('free-busy-query')]: async (ctx, collection, report) => {
        const tr = child(report, C('time-range'));
        if (!tr) throw new DavPreconditionError(C('valid-filter'), 'free-busy-query needs a time-range', 400);
        const range = parseTimeRange(tr);
        const cal = await service().getCalendar(ctx.user, collection.id);
        const objects = await service().objectsInRange([collection.id], range.from, range.to, 'VEVENT');
        return { status: 200, contentType: CONTENT_TYPE, body: freeBusy(objects.map((o) => o.ics), range, safeZone(cal.timezone), new Date(ctx.metadata().time)) };
      },
    },
  };
  return backend;
}

/** RFC 7809 §5.2 / RFC 4791 §9.8: a query may name the zone for floating times. */
function queryTimezone(report: XmlElement): string | undefined {
  const id = child(report, C('timezone-id'))?.text.trim();
  if (id) return id;
  const text = child(report, C('timezone'))?.text;
  return text ? /(?:^|\n)TZID[^:\r\n]*:([^\r\n]+)/i.exec(text)?.[1]?.trim() : undefined;
}
