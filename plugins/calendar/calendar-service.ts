// The one place calendar commands and queries go through: the browser routes and the
// CalDAV backend both call this, so rights, validation and limits are the same
// whichever door a change comes in by.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { DavPreconditionError } from '../../core/dav/errors.ts';
import type { DavRight, DavWriteConditions } from '../../core/dav/types.ts';
import { escapeXml } from '../../core/dav/xml.ts';
import { ConflictError, ForbiddenError, LimitExceededError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { EventLog } from '../../core/events/event-log.ts';
import { handleCommand } from '../../core/events/handle-command.ts';
import type { EventMetadata } from '../../core/events/types.ts';
import type { AuthService, Principal, Right, SessionUser } from '../../core/identity/auth-service.ts';
import type { IdentityApi } from '../../core/identity/identity-api.ts';
import { newId } from '../../core/ids.ts';
import { planRestore, restoreCollection, type RestorePlan } from '../../core/restore/point-in-time.ts';
import type { RestorePoint } from '../../core/restore/restore-point.ts';
import { calendarSpec, type CalendarSnapshot } from './calendar/calendar-restore.ts';
import { calendarDecider, type CalendarCommand } from './calendar/decide.ts';
import {
  CALENDAR_RESOURCE_PREFIX, calendarResource, calendarStream, objectIdFor, objectStream, personalCalendarId, userStream,
  type CalendarFields, type CalendarSettings, type ComponentName,
} from './events.ts';
import { expandOccurrences } from './ical/expand.ts';
import { describeObject } from './ical/describe-object.ts';
import type { Logger } from '../../core/logger.ts';
import { createScheduler, type ItipMailer, type Scheduler } from './scheduling/scheduler.ts';
import { NO_UID_CONFLICT, parseVCalendar, validateCalendarObject } from './ical/parse-calendar-object.ts';
import { mergeForExport, splitImport } from './ical/split-import.ts';
import { safeZone } from './ical/zoned-time.ts';
import { objectDecider, type ObjectCommand } from './object/decide.ts';
import { etagOf } from './object/state.ts';
import { userDecider, type UserCommand } from './user/decide.ts';
import { DEFAULT_SETTINGS } from './user/state.ts';

/** Largest .ics file accepted by import: a decade of a busy calendar is ~5 MB. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Objects written concurrently during an import: enough to fill a group commit, little enough to bound memory. */
const IMPORT_CONCURRENCY = 50;
/** Calendars one user may own: a sidebar, not a database. */
export const MAX_CALENDARS_PER_USER = 200;
/** Occurrences returned for one view; a month of a very busy set of calendars fits. */
export const MAX_OCCURRENCES = 5_000;
/** "Recently deleted" shows the newest deletions only. */
export const RECENTLY_DELETED_LIMIT = 200;
/** Public link tokens: 32 random bytes, unguessable and URL-safe. */
const PUBLIC_TOKEN_BYTES = 32;

export interface CalendarInfo {
  id: string;
  owner: string;
  slug: string;
  displayName: string;
  color: string;
  description: string;
  order: number;
  components: ComponentName[];
  timezone: string;
  deadProps: Record<string, string>;
  /** A meeting room's calendar: the address it is invited by, its capacity. */
  room?: { address: string; capacity?: number } | undefined;
  publicToken: string | null;
  position: number;
  createdAt: string;
  deletedAt: string | null;
}

/** A calendar as one viewer sees it. */
export interface CalendarView extends CalendarInfo {
  right: DavRight;
  /** True when the viewer is not the owner (a share). */
  shared: boolean;
}

export interface ObjectInfo {
  calendarId: string;
  objectId: string;
  name: string;
  uid: string;
  component: ComponentName;
  etag: string;
  size: number;
  lastModified: string;
  deletedAt: string | null;
  summary: string;
  start: number | null;
  end: number | null;
  allDay: boolean;
  rrule: string | null;
  due: number | null;
  completed: boolean;
  color: string | null;
  location: string;
  /** JSON of every occurrence's [start, end] in UTC ms when exact in any zone, else null (describe-object.ts). */
  spans?: string | null;
}

export interface StoredObject extends ObjectInfo { ics: string }

export interface OccurrenceView {
  calendarId: string;
  objectId: string;
  uid: string;
  summary: string;
  location: string;
  start: number;
  end: number;
  allDay: boolean;
  recurrenceId: string | undefined;
  recurring: boolean;
  color: string;
  writable: boolean;
}

export interface ShareInfo { principal: Principal; right: Right; label: string }

export interface CalendarRestoreSummary {
  position: number;
  calendar: 'restored' | 'deleted' | 'changed' | 'unchanged';
  restored: string[];
  deleted: string[];
  edited: string[];
}

export interface ImportResult { imported: number; skipped: string[]; failed: { uid: string; reason: string }[] }

const RANK: Record<DavRight, number> = { read: 1, write: 2, share: 3, owner: 4 };

/** The identity Actor (grants are identity commands) for a request's metadata. */
const who = (m: EventMetadata) => ({ actor: m.actor, source: m.source, ...(m.requestId ? { requestId: m.requestId } : {}) });

export function createCalendarService(deps: {
  events: EventLog; db: Kysely<any>; auth: AuthService; identity: IdentityApi;
  /** Scheduling of attendees (scheduling/scheduler.ts); none in specs that do not want it. */
  scheduling?: { logger: Logger; mailer(): ItipMailer | undefined };
}) {
  const { events, db, auth } = deps;

  const runCalendar = (calendarId: string, command: CalendarCommand, metadata: EventMetadata) =>
    handleCommand(events, calendarStream(calendarId), calendarDecider, command, { metadata });
  const runObject = (calendarId: string, objectId: string, command: ObjectCommand, metadata: EventMetadata) =>
    handleCommand(events, objectStream(calendarId, objectId), objectDecider, command, { metadata });
  const runUser = (userId: string, command: UserCommand, metadata: EventMetadata) =>
    handleCommand(events, userStream(userId), userDecider, command, { metadata });

  const toInfo = (r: Record<string, any>): CalendarInfo => ({
    id: r.id, owner: r.owner, slug: r.slug, displayName: r.display_name, color: r.color, description: r.description,
    order: Number(r.sort_order), components: JSON.parse(r.components), timezone: r.timezone, deadProps: JSON.parse(r.dead_props),
    ...(r.room ? { room: JSON.parse(r.room) } : {}),
    publicToken: r.public_token ?? null, position: Number(r.position), createdAt: r.created_at, deletedAt: r.deleted_at ?? null,
  });
  const toObject = (r: Record<string, any>): ObjectInfo => ({
    calendarId: r.calendar_id, objectId: r.object_id, name: r.name, uid: r.uid, component: r.component, etag: etagOf(Number(r.position)),
    size: Number(r.size), lastModified: r.last_modified, deletedAt: r.deleted_at ?? null, summary: r.summary ?? '',
    start: r.start_at ?? null, end: r.end_at ?? null, allDay: Boolean(r.all_day), rrule: r.rrule ?? null, due: r.due_at ?? null,
    completed: Boolean(r.completed), color: r.color ?? null, location: r.location ?? '', spans: r.spans ?? null,
  });
  const OBJECT_COLUMNS = ['calendar_id', 'object_id', 'name', 'uid', 'component', 'position', 'size', 'last_modified', 'deleted_at', 'summary', 'start_at', 'end_at', 'all_day', 'rrule', 'due_at', 'completed', 'color', 'location'] as const;

  async function row(calendarId: string): Promise<CalendarInfo | undefined> {
    const r = await db.selectFrom('calendar_calendars').selectAll().where('id', '=', calendarId).executeTakeFirst();
    return r ? toInfo(r) : undefined;
  }

  /** The viewer's right on a live calendar, or undefined when they have none. */
  async function rightOn(user: SessionUser, cal: CalendarInfo): Promise<DavRight | undefined> {
    if (cal.owner === user.id) return 'owner';
    return auth.rightOn(user, calendarResource(cal.id));
  }

  /** The calendar as the viewer sees it; NotFound (not Forbidden) when they may not see it, so ids do not leak. */
  async function view(user: SessionUser, calendarId: string, need: DavRight = 'read'): Promise<CalendarView> {
    const cal = await row(calendarId);
    const right = cal && !cal.deletedAt ? await rightOn(user, cal) : undefined;
    if (!cal || !right) throw new NotFoundError('no such calendar');
    if (RANK[right] < RANK[need]) {
      throw new ForbiddenError(need === 'write' ? 'this calendar is shared with you read-only' : need === 'owner' ? 'only the owner of the calendar can do that' : 'you may not share this calendar');
    }
    return { ...cal, right, shared: right !== 'owner' };
  }

  async function ownCalendars(userId: string): Promise<CalendarInfo[]> {
    const rows = await db.selectFrom('calendar_calendars').selectAll().where('owner', '=', userId).where('deleted_at', 'is', null)
      .orderBy('sort_order').orderBy('created_at').execute();
    return rows.map(toInfo);
  }

  /** Calendars shared with the user (live, not their own), with the right they hold. */
  async function sharedWith(user: SessionUser): Promise<CalendarView[]> {
    const grants = await auth.resourcesFor(user, CALENDAR_RESOURCE_PREFIX);
    if (grants.length === 0) return [];
    const rights = new Map(grants.map((g) => [g.resource.slice(CALENDAR_RESOURCE_PREFIX.length), g.right]));
    const rows = await db.selectFrom('calendar_calendars').selectAll().where('id', 'in', [...rights.keys()])
      .where('deleted_at', 'is', null).where('owner', '!=', user.id).execute();
    return rows.map(toInfo).map((c) => ({ ...c, right: rights.get(c.id)!, shared: true }));
  }

  async function acceptedIds(userId: string): Promise<Set<string>> {
    const rows = await db.selectFrom('calendar_accepted').select('calendar_id').where('user_id', '=', userId).execute();
    return new Set(rows.map((r) => r.calendar_id as string));
  }

  async function freeSlug(ownerId: string, wanted: string): Promise<string> {
    const base = wanted.toLowerCase().normalize('NFKD').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'calendar';
    const taken = new Set((await ownCalendars(ownerId)).map((c) => c.slug));
    if (!taken.has(base) && !base.startsWith('shared-')) return base;
    for (let i = 2; i < 1000; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
    return newId();
  }

  const defaults = (slug: string, displayName: string, settings: CalendarSettings): CalendarFields => ({
    slug, displayName, color: '#1f5a55', description: '', order: 0, components: ['VEVENT', 'VTODO'], timezone: settings.timezone, deadProps: {},
  });

  async function settingsOf(userId: string): Promise<CalendarSettings> {
    const r = await db.selectFrom('calendar_settings').select('settings').where('user_id', '=', userId).executeTakeFirst();
    return r ? { ...DEFAULT_SETTINGS, ...JSON.parse(r.settings as string) } : DEFAULT_SETTINGS;
  }

  async function putChecked(cal: CalendarInfo, name: string, ics: string, cond: DavWriteConditions, metadata: EventMetadata, conflictHref?: (name: string) => string) {
    const { uid, component } = validateCalendarObject(ics, cal.components);
    const objectId = objectIdFor(name);
    // RFC 4791 §5.3.2.1: one UID per calendar; the href of the holder goes into the error body.
    const holder = await db.selectFrom('calendar_objects').select(['name']).where('calendar_id', '=', cal.id).where('uid', '=', uid)
      .where('deleted_at', 'is', null).where('object_id', '!=', objectId).executeTakeFirst();
    if (holder) {
      const href = conflictHref?.(holder.name as string);
      throw new DavPreconditionError(NO_UID_CONFLICT, `another event in this calendar already has UID ${uid}`, 403, href ? `<d:href>${escapeXml(href)}</d:href>` : '');
    }
    const before = await db.selectFrom('calendar_objects').select('deleted_at').where('calendar_id', '=', cal.id).where('object_id', '=', objectId).executeTakeFirst();
    const { state } = await runObject(cal.id, objectId, { type: 'put', calendarId: cal.id, objectId, name, uid, component, ics, cond }, metadata);
    return { etag: etagOf(state!.position), created: !before || before.deleted_at !== null, objectId };
  }

  function summarize(plan: RestorePlan<CalendarSnapshot>): CalendarRestoreSummary {
    const out: CalendarRestoreSummary = { position: plan.position, calendar: 'unchanged', restored: [], deleted: [], edited: [] };
    for (const a of plan.appends) {
      const e = a.events[0]!;
      if (e.type === 'calendar.CalendarDeleted') out.calendar = 'deleted';
      else if (e.type === 'calendar.CalendarRestored') out.calendar = 'restored';
      else if (e.type === 'calendar.CalendarUpdated') out.calendar = 'changed';
      else {
        const id = (e.data as { objectId: string }).objectId;
        const t = plan.target.objects.get(id);
        const n = plan.current.objects.get(id);
        const title = labelOf(t?.ics ?? n?.ics ?? '') || id;
        if (e.type === 'calendar.ObjectDeleted') out.deleted.push(title);
        else if (n?.deleted) out.restored.push(title);
        else out.edited.push(title);
      }
    }
    return out;
  }

  async function restoreSpec(user: SessionUser, calendarId: string) {
    const cal = await row(calendarId);
    if (!cal) throw new NotFoundError('no such calendar');
    if (cal.owner !== user.id) {
      // A sharee with "modify and share" may restore a calendar that still exists.
      const right = cal.deletedAt ? undefined : await rightOn(user, cal);
      if (!right || RANK[right] < RANK.share) throw new NotFoundError('no such calendar');
    }
    const slug = cal.deletedAt ? await freeSlug(cal.owner, cal.slug) : cal.slug;
    return calendarSpec(calendarId, { slugIfRestored: slug });
  }

  /**
   * Occurrences of the events of some calendars overlapping [from, to) in UTC, for
   * free/busy: cancelled ones always left out (a cancelled meeting holds no room and no
   * person), free ones (TRANSP:TRANSPARENT) unless `countFree`.
   */
  async function busySpans(calendarIds: string[], from: number, to: number, opts: { exceptUid?: string; countFree?: boolean } = {}): Promise<{ start: number; end: number }[]> {
    const out: { start: number; end: number }[] = [];
    for (const o of await service.objectsInRange(calendarIds, from, to, 'VEVENT')) {
      if (o.uid === opts.exceptUid) continue;
      const root = parseVCalendar(o.ics);
      if (!root) continue;
      for (const occ of expandOccurrences(root, { from, to }, 'UTC', MAX_OCCURRENCES).occurrences) {
        if (String(occ.component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
        if (!opts.countFree && String(occ.component.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') continue;
        out.push({ start: occ.start, end: occ.end });
      }
    }
    return out;
  }

  /** The live text of an object, before a change (scheduling compares it with the new one). */
  async function liveText(calendarId: string, objectId: string): Promise<string | undefined> {
    const r = await db.selectFrom('calendar_objects').select('ics').where('calendar_id', '=', calendarId).where('object_id', '=', objectId).where('deleted_at', 'is', null).executeTakeFirst();
    return r?.ics as string | undefined;
  }

  const scheduler: Scheduler | undefined = deps.scheduling && createScheduler({
    auth, logger: deps.scheduling.logger, mailer: deps.scheduling.mailer,
    async findOwn(userId, uid) {
      const r = await db.selectFrom('calendar_objects as o').innerJoin('calendar_calendars as c', 'c.id', 'o.calendar_id')
        .select(['o.calendar_id', 'o.object_id', 'o.name', 'o.ics']).where('c.owner', '=', userId).where('c.deleted_at', 'is', null)
        .where('c.room', 'is', null) // a room's bookings are the room's, not its administrator's
        .where('o.uid', '=', uid).where('o.deleted_at', 'is', null).executeTakeFirst();
      return r ? { calendarId: r.calendar_id as string, objectId: r.object_id as string, name: r.name as string, ics: r.ics as string } : undefined;
    },
    async findIn(calendarId, uid) {
      const r = await db.selectFrom('calendar_objects').select(['calendar_id', 'object_id', 'name', 'ics']).where('calendar_id', '=', calendarId)
        .where('uid', '=', uid).where('deleted_at', 'is', null).executeTakeFirst();
      return r ? { calendarId: r.calendar_id as string, objectId: r.object_id as string, name: r.name as string, ics: r.ics as string } : undefined;
    },
    async room(address) {
      const cal = (await service.rooms()).find((r) => r.room!.address === address.toLowerCase());
      return cal ? { calendarId: cal.id } : undefined;
    },
    async roomFree(calendarId, ics, uid) {
      const root = parseVCalendar(ics);
      if (!root) return false;
      // Checked for a year from the event's start: a longer series is checked again when changed.
      const first = describeObject(ics).firstStart ?? Date.now();
      const mine = expandOccurrences(root, { from: first, to: first + ROOM_HORIZON_MS }, 'UTC', MAX_OCCURRENCES).occurrences;
      if (mine.length === 0) return true;
      const from = Math.min(...mine.map((o) => o.start));
      const to = Math.max(...mine.map((o) => o.end));
      // For a room every booking counts, even one marked free; a cancelled one does not.
      const booked = await busySpans([calendarId], from, to, { exceptUid: uid, countFree: true });
      if (booked.some((b) => mine.some((m) => m.start < b.end && m.end > b.start))) return false;
      return true;
    },
    async inviteInto(user, meta) {
      await service.ensureDefaultCalendar(user, meta);
      const preferred = await row(personalCalendarId(user.id));
      const cal = preferred && !preferred.deletedAt && preferred.components.includes('VEVENT') ? preferred : (await ownCalendars(user.id)).find((c) => c.components.includes('VEVENT'));
      return cal ? { calendarId: cal.id } : undefined;
    },
    async put(calendarId, name, ics, meta) {
      const cal = await row(calendarId);
      if (cal && !cal.deletedAt) await putChecked(cal, name, ics, {}, meta);
    },
    async remove(calendarId, objectId, meta) {
      await runObject(calendarId, objectId, { type: 'delete' }, meta);
    },
  });

  /** After a person's own change: tell the attendees or the organizer (never after scheduling's own writes). */
  async function scheduleAfter(cal: CalendarInfo, before: string | undefined, after: string | undefined, metadata: EventMetadata): Promise<void> {
    if (!scheduler || (!before?.includes('ATTENDEE') && !after?.includes('ATTENDEE'))) return;
    const owner = await auth.userById(cal.owner);
    if (!owner) return;
    if (after !== undefined) await scheduler.afterPut(owner, before, after, metadata);
    else if (before !== undefined) await scheduler.afterDelete(owner, before, metadata);
  }

  const service = {
    /** iMIP messages delivered by mail (scheduling/scheduler.ts `incoming`); ignored without scheduling. */
    async incomingItip(userId: string, ics: string, from: string, metadata: EventMetadata): Promise<void> {
      await scheduler?.incoming(userId, ics, from, metadata);
    },
    /** The user's first calendar, created once (deterministic id, appended on an empty stream only). */
    async ensureDefaultCalendar(user: SessionUser, metadata: EventMetadata): Promise<void> {
      const id = personalCalendarId(user.id);
      if ((await events.streamVersion(calendarStream(id))) > 0) return;
      const settings = await settingsOf(user.id);
      try {
        await events.append(calendarStream(id), 'no-stream', [{
          type: 'calendar.CalendarCreated',
          data: { calendarId: id, owner: user.id, ...defaults(await freeSlug(user.id, 'personal'), 'Personal', settings) },
        }], { metadata });
      } catch (e) {
        // Lost the race to another first request: that one created it.
        if ((await events.streamVersion(calendarStream(id))) > 0) return;
        throw e;
      }
    },

    /** Own calendars and the shared ones the user added to their list, sorted for the sidebar. */
    async listCalendars(user: SessionUser): Promise<CalendarView[]> {
      const own = (await ownCalendars(user.id)).map((c): CalendarView => ({ ...c, right: 'owner', shared: false }));
      const accepted = await acceptedIds(user.id);
      const shared = (await sharedWith(user)).filter((c) => accepted.has(c.id));
      return [...own, ...shared.sort((a, b) => a.displayName.localeCompare(b.displayName))];
    },
    /** Calendars shared with the user that they have neither added nor dismissed. */
    async pendingShares(user: SessionUser): Promise<CalendarView[]> {
      const accepted = await acceptedIds(user.id);
      const dismissed = new Set((await db.selectFrom('calendar_dismissed').select('calendar_id').where('user_id', '=', user.id).execute()).map((r) => r.calendar_id as string));
      // Rooms are shared with everyone: they are booked from the event form, not added one by one.
      return (await sharedWith(user)).filter((c) => !accepted.has(c.id) && !dismissed.has(c.id) && !c.room);
    },
    /** Calendars shared with the user that they removed from their list or dismissed. */
    async dismissedShares(user: SessionUser): Promise<CalendarView[]> {
      const dismissed = new Set((await db.selectFrom('calendar_dismissed').select('calendar_id').where('user_id', '=', user.id).execute()).map((r) => r.calendar_id as string));
      return dismissed.size === 0 ? [] : (await sharedWith(user)).filter((c) => dismissed.has(c.id));
    },
    /** Every calendar shared with the user (DAV resolves `shared-<id>` through this). */
    sharedWith,
    getCalendar: (user: SessionUser, calendarId: string, need: DavRight = 'read') => view(user, calendarId, need),
    /** A live calendar the user owns, by its address. */
    async ownBySlug(ownerId: string, slug: string): Promise<CalendarInfo | undefined> {
      const r = await db.selectFrom('calendar_calendars').selectAll().where('owner', '=', ownerId).where('slug', '=', slug)
        .where('deleted_at', 'is', null).executeTakeFirst();
      return r ? toInfo(r) : undefined;
    },

    async createCalendar(user: SessionUser, input: Partial<CalendarFields> & { displayName: string }, metadata: EventMetadata): Promise<CalendarInfo> {
      const own = await ownCalendars(user.id);
      if (own.length >= MAX_CALENDARS_PER_USER) throw new LimitExceededError(`at most ${MAX_CALENDARS_PER_USER} calendars per person`, 'too_many_calendars', 507);
      let slug: string;
      if (input.slug !== undefined) {
        slug = input.slug;
        if (own.some((c) => c.slug === slug) || slug.startsWith('shared-')) throw new ConflictError('a calendar with that address already exists', 'calendar_exists');
      } else slug = await freeSlug(user.id, input.displayName);
      const settings = await settingsOf(user.id);
      const calendarId = newId();
      const fields: CalendarFields = { ...defaults(slug, input.displayName, settings), order: own.length, ...stripUndefined(input), slug };
      await runCalendar(calendarId, { type: 'create', calendarId, owner: user.id, fields }, metadata);
      return (await row(calendarId))!;
    },
    async updateCalendar(user: SessionUser, calendarId: string, patch: Partial<CalendarFields>, metadata: EventMetadata): Promise<void> {
      const cal = await view(user, calendarId, 'write');
      if (patch.slug !== undefined && patch.slug !== cal.slug) throw new ValidationError('the address of a calendar cannot change');
      if (patch.components !== undefined && cal.right !== 'owner') throw new ForbiddenError('only the owner can change what a calendar holds');
      await runCalendar(calendarId, { type: 'update', patch: stripUndefined(patch) }, metadata);
    },
    async deleteCalendar(user: SessionUser, calendarId: string, metadata: EventMetadata): Promise<void> {
      await view(user, calendarId, 'owner');
      await runCalendar(calendarId, { type: 'delete' }, metadata);
    },
    /** Brings a deleted calendar back with everything it held (under a free address if its old one was taken). */
    async undeleteCalendar(user: SessionUser, calendarId: string, metadata: EventMetadata): Promise<void> {
      const cal = await row(calendarId);
      if (!cal || cal.owner !== user.id) throw new NotFoundError('no such calendar');
      if (!cal.deletedAt) return;
      const { publicToken: _t, position: _p, createdAt: _c, deletedAt: _d, id: _i, owner: _o, ...fields } = cal;
      await runCalendar(calendarId, { type: 'restore', fields: { ...fields, slug: await freeSlug(user.id, cal.slug) } }, metadata);
    },
    /** Calendars the user owns that were deleted (to bring one back by restore). */
    async deletedCalendars(user: SessionUser): Promise<CalendarInfo[]> {
      const rows = await db.selectFrom('calendar_calendars').selectAll().where('owner', '=', user.id).where('deleted_at', 'is not', null)
        .orderBy('deleted_at', 'desc').limit(RECENTLY_DELETED_LIMIT).execute();
      return rows.map(toInfo);
    },

    // ── objects ────────────────────────────────────────────────────────────────
    // listObjects, getObjects, objectsInRange and changesSince check no rights: the caller
    // has already resolved the calendar for its viewer (getCalendar, DAV getCollection).
    /** Live objects (metadata only: a 10,000-object PROPFIND must not load every text). */
    async listObjects(calendarId: string, opts: { component?: ComponentName } = {}): Promise<ObjectInfo[]> {
      let q = db.selectFrom('calendar_objects').select([...OBJECT_COLUMNS]).where('calendar_id', '=', calendarId).where('deleted_at', 'is', null);
      if (opts.component) q = q.where('component', '=', opts.component);
      return (await q.orderBy('name').execute()).map(toObject);
    },
    async getObjects(calendarId: string, names: string[]): Promise<StoredObject[]> {
      const out: StoredObject[] = [];
      // Chunks keep the statement under SQLite's variable limit for large multigets.
      for (let i = 0; i < names.length; i += 500) {
        const rows = await db.selectFrom('calendar_objects').selectAll().where('calendar_id', '=', calendarId)
          .where('name', 'in', names.slice(i, i + 500)).where('deleted_at', 'is', null).execute();
        out.push(...rows.map((r) => ({ ...toObject(r), ics: r.ics as string })));
      }
      return out;
    },
    async getObjectById(user: SessionUser, calendarId: string, objectId: string): Promise<StoredObject & { writable: boolean }> {
      const cal = await view(user, calendarId);
      const r = await db.selectFrom('calendar_objects').selectAll().where('calendar_id', '=', calendarId).where('object_id', '=', objectId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!r) throw new NotFoundError('no such event');
      return { ...toObject(r), ics: r.ics as string, writable: RANK[cal.right] >= RANK.write };
    },
    /** Live objects of calendars whose bounds may reach [from, to) (a prefilter; expand to be exact). */
    async objectsInRange(calendarIds: string[], from: number, to: number, component?: ComponentName): Promise<StoredObject[]> {
      if (calendarIds.length === 0) return [];
      let q = db.selectFrom('calendar_objects').selectAll().where('calendar_id', 'in', calendarIds).where('deleted_at', 'is', null)
        .where((eb) => eb.or([eb('last_end', 'is', null), eb('last_end', '>', from)]))
        .where((eb) => eb.or([eb('first_start', 'is', null), eb('first_start', '<', to)]));
      if (component) q = q.where('component', '=', component);
      return (await q.execute()).map((r) => ({ ...toObject(r), ics: r.ics as string }));
    },

    /**
     * Creates or replaces an object by resource name (validates, checks UID uniqueness
     * and If-Match/If-None-Match). `conflictHref` names a resource in a no-uid-conflict error.
     */
    async putObject(user: SessionUser, calendarId: string, name: string, ics: string, cond: DavWriteConditions, metadata: EventMetadata, opts: { conflictHref?: (name: string) => string } = {}) {
      const cal = await view(user, calendarId, 'write');
      const before = scheduler ? await liveText(calendarId, objectIdFor(name)) : undefined;
      const result = await putChecked(cal, name, ics, cond, metadata, opts.conflictHref);
      await scheduleAfter(cal, before, ics, metadata);
      return result;
    },
    async deleteObject(user: SessionUser, calendarId: string, name: string, cond: DavWriteConditions, metadata: EventMetadata): Promise<void> {
      const cal = await view(user, calendarId, 'write');
      const before = scheduler ? await liveText(calendarId, objectIdFor(name)) : undefined;
      await runObject(calendarId, objectIdFor(name), { type: 'delete', cond }, metadata);
      await scheduleAfter(cal, before, undefined, metadata);
    },
    async deleteObjectById(user: SessionUser, calendarId: string, objectId: string, metadata: EventMetadata): Promise<void> {
      const cal = await view(user, calendarId, 'write');
      const before = scheduler ? await liveText(calendarId, objectId) : undefined;
      await runObject(calendarId, objectId, { type: 'delete' }, metadata);
      await scheduleAfter(cal, before, undefined, metadata);
    },
    /** Objects changed or deleted after `position` (sync-collection). */
    async changesSince(calendarId: string, position: number): Promise<{ changed: ObjectInfo[]; removed: string[]; position: number } | 'expired'> {
      const cal = await row(calendarId);
      if (!cal) throw new NotFoundError('no such calendar');
      // A token from the future (another instance, a restored data directory) cannot be trusted.
      if (position > cal.position || position < 0) return 'expired';
      const rows = await db.selectFrom('calendar_objects').select([...OBJECT_COLUMNS]).where('calendar_id', '=', calendarId)
        .where('position', '>', position).orderBy('position').execute();
      const changed: ObjectInfo[] = [];
      const removed: string[] = [];
      for (const r of rows) {
        if (r.deleted_at) removed.push(r.name as string);
        else changed.push(toObject(r));
      }
      return { changed, removed, position: cal.position };
    },
    /** Objects whose calendar is `calendarId` and were deleted lately (newest first), for "recently deleted". */
    async recentlyDeleted(user: SessionUser, calendarIds?: string[]): Promise<(ObjectInfo & { calendarName: string })[]> {
      const mine = (await service.listCalendars(user)).filter((c) => RANK[c.right] >= RANK.write && (!calendarIds || calendarIds.includes(c.id)));
      if (mine.length === 0) return [];
      const names = new Map(mine.map((c) => [c.id, c.displayName]));
      const since = new Date(Date.now() - (await auth.retentionDays()) * 86_400_000).toISOString();
      const rows = await db.selectFrom('calendar_objects').select([...OBJECT_COLUMNS]).where('calendar_id', 'in', [...names.keys()])
        .where('deleted_at', 'is not', null).where('deleted_at', '>=', since).orderBy('deleted_at', 'desc').limit(RECENTLY_DELETED_LIMIT).execute();
      return rows.map((r) => ({ ...toObject(r), calendarName: names.get(r.calendar_id as string) ?? '' }));
    },
    async undeleteObject(user: SessionUser, calendarId: string, objectId: string, metadata: EventMetadata): Promise<void> {
      await view(user, calendarId, 'write');
      const r = await db.selectFrom('calendar_objects').select(['uid', 'deleted_at']).where('calendar_id', '=', calendarId).where('object_id', '=', objectId).executeTakeFirst();
      if (!r) throw new NotFoundError('no such event');
      if (!r.deleted_at) return;
      const twin = await db.selectFrom('calendar_objects').select('summary').where('calendar_id', '=', calendarId).where('uid', '=', r.uid)
        .where('deleted_at', 'is', null).executeTakeFirst();
      if (twin) throw new ConflictError('an event with the same UID exists again in this calendar; delete it first', 'uid_conflict');
      await runObject(calendarId, objectId, { type: 'undelete' }, metadata);
    },

    /** Occurrences of events in [from, to) over the given calendars (all listed ones by default), expanded in `tz`. */
    /**
     * Busy times of people in the organization for the scheduling assistant: only start
     * and end of their own calendars' events (no titles), cancelled and transparent
     * (free) events left out; undefined for addresses that are not local users. Guests
     * see nobody's.
     */
    async busyTimes(viewer: SessionUser, emails: readonly string[], from: number, to: number): Promise<{ email: string; busy: { start: number; end: number }[] | undefined }[]> {
      const out: { email: string; busy: { start: number; end: number }[] | undefined }[] = [];
      for (const email of emails.slice(0, MAX_FREEBUSY_PEOPLE)) {
        const person = viewer.role === 'guest' ? undefined : await auth.userByEmail(email);
        if (!person) { out.push({ email, busy: undefined }); continue; }
        const own = (await ownCalendars(person.id)).map((c) => c.id);
        const busy = (await busySpans(own, from, to)).map((b) => ({ start: Math.max(from, b.start), end: Math.min(to, b.end) }));
        out.push({ email, busy: busy.sort((a, b) => a.start - b.start) });
      }
      return out;
    },

    async occurrences(user: SessionUser, range: { from: number; to: number; tz?: string; calendarIds?: string[]; component?: ComponentName }): Promise<{ occurrences: OccurrenceView[]; truncated: boolean }> {
      const cals = (await service.listCalendars(user)).filter((c) => !range.calendarIds || range.calendarIds.includes(c.id));
      const byId = new Map(cals.map((c) => [c.id, c]));
      const tz = safeZone(range.tz ?? (await settingsOf(user.id)).timezone);
      const objects = await service.objectsInRange([...byId.keys()], range.from, range.to, range.component ?? 'VEVENT');
      const out: OccurrenceView[] = [];
      let truncated = false;
      for (const o of objects) {
        const root = parseVCalendar(o.ics);
        if (!root) continue;
        const cal = byId.get(o.calendarId)!;
        const x = expandOccurrences(root, range, tz, MAX_OCCURRENCES);
        truncated ||= x.truncated;
        for (const occ of x.occurrences) {
          out.push({
            calendarId: o.calendarId, objectId: o.objectId, uid: o.uid,
            summary: String(occ.component.getFirstPropertyValue('summary') ?? ''), location: String(occ.component.getFirstPropertyValue('location') ?? ''),
            start: occ.start, end: occ.end, allDay: occ.allDay, recurrenceId: occ.recurrenceId, recurring: occ.recurrenceId !== undefined,
            color: String(occ.component.getFirstPropertyValue('color') ?? '') || cal.color || '#1f5a55', writable: RANK[cal.right] >= RANK.write,
          });
        }
        if (out.length >= MAX_OCCURRENCES) { truncated = true; break; }
      }
      out.sort((a, b) => a.start - b.start || a.summary.localeCompare(b.summary));
      return { occurrences: out.slice(0, MAX_OCCURRENCES), truncated };
    },
    /** Tasks (VTODO) of the user's listed calendars, open ones first by due date. */
    async tasks(user: SessionUser, calendarIds?: string[]): Promise<(ObjectInfo & { writable: boolean })[]> {
      const cals = (await service.listCalendars(user)).filter((c) => !calendarIds || calendarIds.includes(c.id));
      if (cals.length === 0) return [];
      const writable = new Map(cals.map((c) => [c.id, RANK[c.right] >= RANK.write]));
      const rows = await db.selectFrom('calendar_objects').select([...OBJECT_COLUMNS])
        .where('calendar_id', 'in', [...writable.keys()]).where('deleted_at', 'is', null).where('component', '=', 'VTODO')
        .orderBy('completed').orderBy(sql`due_at is null`).orderBy('due_at').orderBy('summary').limit(MAX_OCCURRENCES).execute();
      return rows.map((r) => ({ ...toObject(r), writable: writable.get(r.calendar_id as string) ?? false }));
    },

    // ── import / export ────────────────────────────────────────────────────────
    /**
     * Imports an .ics file: one object per UID; events into `calendarId`, tasks into it
     * too when it holds tasks, else into the user's first own calendar that does.
     * Existing objects with the same UID are replaced.
     */
    async importIcs(user: SessionUser, calendarId: string, text: string, metadata: EventMetadata): Promise<ImportResult> {
      if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) throw new LimitExceededError(`an import file may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, 'import_too_large');
      const target = await view(user, calendarId, 'write');
      let split;
      try {
        split = splitImport(text);
      } catch (e) {
        throw new ValidationError(`that file is not an iCalendar (.ics) file: ${(e as Error).message}`.slice(0, 300));
      }
      const todoTarget = target.components.includes('VTODO') ? target : (await ownCalendars(user.id)).find((c) => c.components.includes('VTODO'));
      const result: ImportResult = { imported: 0, skipped: [...split.skipped], failed: [] };
      const jobs = split.objects.map((o) => async () => {
        const cal = o.component === 'VTODO' ? todoTarget : target;
        if (!cal || !cal.components.includes(o.component)) { result.skipped.push(`${o.component} ${o.uid} (no calendar holds tasks)`); return; }
        const existing = await db.selectFrom('calendar_objects').select('name').where('calendar_id', '=', cal.id).where('uid', '=', o.uid)
          .where('deleted_at', 'is', null).executeTakeFirst();
        const name = (existing?.name as string | undefined) ?? nameForUid(o.uid);
        try {
          await putChecked(cal, name, o.ics, {}, metadata);
          result.imported++;
        } catch (e) {
          result.failed.push({ uid: o.uid, reason: (e as Error).message });
        }
      });
      for (let i = 0; i < jobs.length; i += IMPORT_CONCURRENCY) await Promise.all(jobs.slice(i, i + IMPORT_CONCURRENCY).map((j) => j()));
      return result;
    },
    async exportIcs(user: SessionUser, calendarId: string): Promise<{ filename: string; body: string }> {
      const cal = await view(user, calendarId);
      return exportOf(cal);
    },
    /** The public read-only feed of a calendar whose link is on; NotFound otherwise. */
    async publicIcs(token: string): Promise<{ filename: string; body: string }> {
      if (!/^[A-Za-z0-9_-]{32,100}$/.test(token)) throw new NotFoundError('no such calendar');
      const r = await db.selectFrom('calendar_calendars').selectAll().where('public_token', '=', token).where('deleted_at', 'is', null).executeTakeFirst();
      if (!r) throw new NotFoundError('no such calendar');
      return exportOf(toInfo(r));
    },

    // ── sharing ────────────────────────────────────────────────────────────────
    async listShares(user: SessionUser, calendarId: string): Promise<ShareInfo[]> {
      await view(user, calendarId, 'share');
      const grants = await auth.grantsOn(calendarResource(calendarId));
      const groups = grants.some((g) => g.principal.kind === 'group') ? await deps.identity.listGroups() : [];
      const out: ShareInfo[] = [];
      for (const g of grants) {
        const label = g.principal.kind === 'org' ? 'Everyone in the organization'
          : g.principal.kind === 'group' ? `Group ${groups.find((x) => x.id === (g.principal as { id: string }).id)?.name ?? '?'}`
          : (await auth.userById(g.principal.id))?.email ?? 'a removed user';
        out.push({ principal: g.principal, right: g.right, label });
      }
      return out;
    },
    /** Grants a right on a calendar; only the owner may hand out "modify and share". */
    /** The organization's meeting rooms (calendars with a room address), by name. */
    async rooms(): Promise<CalendarInfo[]> {
      const rows = await db.selectFrom('calendar_calendars').selectAll().where('room', 'is not', null).where('deleted_at', 'is', null).orderBy('display_name').execute();
      return rows.map(toInfo);
    },
    /**
     * A meeting room (administrators): a calendar owned by the administrator who makes it,
     * readable by the whole organization, invited by `room-<slug>@<first mail domain>`.
     */
    async createRoom(admin: SessionUser, input: { name: string; capacity?: number }, metadata: EventMetadata): Promise<CalendarInfo> {
      if (!auth.isAdmin(admin)) throw new ForbiddenError('only administrators can add meeting rooms');
      const name = input.name.trim();
      if (!name) throw new ValidationError('give the room a name');
      const slug = `room-${name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || newId().toLowerCase()}`;
      const domain = (await auth.domains())[0] ?? 'rooms.invalid';
      const address = `${slug}@${domain}`;
      if ((await service.rooms()).some((r) => r.room!.address === address) || (await auth.userByEmail(address))) throw new ConflictError('a room or person already has that address', 'room_exists');
      const cal = await service.createCalendar(admin, {
        displayName: name, components: ['VEVENT'], room: { address, ...(input.capacity ? { capacity: input.capacity } : {}) },
      }, metadata);
      await deps.identity.grant(calendarResource(cal.id), { kind: 'org' }, 'read', who(metadata));
      return cal;
    },

    async share(user: SessionUser, calendarId: string, principal: Principal, right: Right, metadata: EventMetadata): Promise<void> {
      const cal = await view(user, calendarId, 'share');
      if (principal.kind === 'user' && principal.id === cal.owner) throw new ValidationError('the owner already has every right');
      if (right === 'share' && cal.right !== 'owner') throw new ForbiddenError('only the owner can let others share this calendar');
      if (principal.kind === 'user' && !(await auth.userById(principal.id))) throw new NotFoundError('no such user');
      await deps.identity.grant(calendarResource(calendarId), principal, right, who(metadata));
    },
    async unshare(user: SessionUser, calendarId: string, principal: Principal, metadata: EventMetadata): Promise<void> {
      await view(user, calendarId, 'share');
      await deps.identity.revokeGrant(calendarResource(calendarId), principal, who(metadata));
    },
    async acceptShare(user: SessionUser, calendarId: string, metadata: EventMetadata): Promise<void> {
      const cal = await view(user, calendarId);
      if (!cal.shared) return;
      await runUser(user.id, { type: 'acceptShare', userId: user.id, calendarId }, metadata);
    },
    async hideShare(user: SessionUser, calendarId: string, metadata: EventMetadata): Promise<void> {
      await runUser(user.id, { type: 'hideShare', userId: user.id, calendarId }, metadata);
    },
    /** Turns the public link on (keeping the token), or makes a new token with `regenerate`. Returns the token. */
    async enablePublicLink(user: SessionUser, calendarId: string, metadata: EventMetadata, opts: { regenerate?: boolean } = {}): Promise<string> {
      const cal = await view(user, calendarId, 'owner');
      if (cal.publicToken && !opts.regenerate) return cal.publicToken;
      const token = randomBytes(PUBLIC_TOKEN_BYTES).toString('base64url');
      await runCalendar(calendarId, { type: 'setPublicLink', token }, metadata);
      return token;
    },
    async disablePublicLink(user: SessionUser, calendarId: string, metadata: EventMetadata): Promise<void> {
      await view(user, calendarId, 'owner');
      await runCalendar(calendarId, { type: 'clearPublicLink' }, metadata);
    },

    // ── restore ────────────────────────────────────────────────────────────────
    async previewRestore(user: SessionUser, calendarId: string, at: RestorePoint, metadata: EventMetadata): Promise<CalendarRestoreSummary> {
      const spec = await restoreSpec(user, calendarId);
      return summarize(await planRestore(events, spec, at, metadata, await auth.retentionDays()));
    },
    async restore(user: SessionUser, calendarId: string, at: RestorePoint, metadata: EventMetadata): Promise<CalendarRestoreSummary> {
      const spec = await restoreSpec(user, calendarId);
      const { plan } = await restoreCollection(events, spec, at, metadata, await auth.retentionDays());
      return summarize(plan);
    },

    /** A user to share with, by login. */
    userByEmail: (email: string) => auth.userByEmail(email),
    /** How a calendar's owner is named to people it is shared with. */
    async ownerName(ownerId: string): Promise<string | undefined> {
      const u = await auth.userById(ownerId);
      return u ? u.displayName || u.email : undefined;
    },

    // ── settings ───────────────────────────────────────────────────────────────
    settings: (user: SessionUser) => settingsOf(user.id),
    async saveSettings(user: SessionUser, settings: CalendarSettings, metadata: EventMetadata): Promise<void> {
      if (settings.defaultCalendarId) await view(user, settings.defaultCalendarId, 'write');
      await runUser(user.id, { type: 'changeSettings', userId: user.id, settings }, metadata);
    },
  };

  async function exportOf(cal: CalendarInfo): Promise<{ filename: string; body: string }> {
    const rows = await db.selectFrom('calendar_objects').select('ics').where('calendar_id', '=', cal.id).where('deleted_at', 'is', null).orderBy('name').execute();
    const body = mergeForExport(rows.map((r) => r.ics as string), cal.displayName);
    return { filename: `${cal.slug}.ics`, body };
  }

  return service;
}

/** Resource name for an object made by the browser or an import: its UID when that is a safe path segment. */
/** How far ahead a room booking is checked for conflicts. */
const ROOM_HORIZON_MS = 366 * 86_400_000;

/** People one availability check looks at: a meeting's attendees, not the directory. */
export const MAX_FREEBUSY_PEOPLE = 30;

export function nameForUid(uid: string): string {
  return /^[A-Za-z0-9@._-]{1,200}$/.test(uid) ? `${uid}.ics` : `${objectIdFor(uid)}.ics`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function labelOf(ics: string): string {
  const m = /\r?\nSUMMARY[^:\r\n]*:([^\r\n]*)/i.exec(ics);
  return m ? m[1]!.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ').slice(0, 120) : '';
}

export type CalendarService = ReturnType<typeof createCalendarService>;
