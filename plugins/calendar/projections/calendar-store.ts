import type { Kysely } from 'kysely';
import { defineProjection } from '../../../core/projections/types.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { CalendarEvent, CalendarFields } from '../events.ts';
import { describeObject } from '../ical/describe-object.ts';

const fieldColumns = (f: CalendarFields) => ({
  slug: f.slug, display_name: f.displayName, color: f.color, description: f.description, sort_order: f.order,
  components: JSON.stringify(f.components), timezone: f.timezone, dead_props: JSON.stringify(f.deadProps),
  room: f.room ? JSON.stringify(f.room) : null,
});

/**
 * calendar_calendars (one row per calendar, deleted ones kept with deleted_at) and
 * calendar_objects (one row per object, deleted ones kept as tombstones so sync can
 * report them and "recently deleted" can bring them back). Every object change also
 * moves its calendar's position, the sync token.
 */
export const calendarStore = defineProjection({
  name: 'calendar.store',
  version: 1,
  handles: [
    'calendar.CalendarCreated', 'calendar.CalendarUpdated', 'calendar.CalendarDeleted', 'calendar.CalendarRestored',
    'calendar.PublicLinkSet', 'calendar.PublicLinkCleared', 'calendar.ObjectPut', 'calendar.ObjectDeleted',
  ],
  async handle(event: StoredEvent, db: Kysely<any>) {
    const e = event as unknown as CalendarEvent;
    const time = event.metadata.time;
    const position = event.position;
    switch (e.type) {
      case 'calendar.CalendarCreated':
        await db.insertInto('calendar_calendars').values({
          id: e.data.calendarId, owner: e.data.owner, ...fieldColumns(e.data), public_token: null,
          created_at: time, updated_at: time, deleted_at: null, position,
        }).execute();
        return;
      case 'calendar.CalendarRestored':
        await db.updateTable('calendar_calendars').set({ ...fieldColumns(e.data), updated_at: time, deleted_at: null, position }).where('id', '=', e.data.calendarId).execute();
        return;
      case 'calendar.CalendarUpdated':
        await db.updateTable('calendar_calendars').set({ ...fieldColumns(e.data), updated_at: time, position }).where('id', '=', e.data.calendarId).execute();
        return;
      case 'calendar.CalendarDeleted':
        await db.updateTable('calendar_calendars').set({ deleted_at: time, updated_at: time, position }).where('id', '=', e.data.calendarId).execute();
        return;
      case 'calendar.PublicLinkSet':
        await db.updateTable('calendar_calendars').set({ public_token: e.data.token, updated_at: time }).where('id', '=', e.data.calendarId).execute();
        return;
      case 'calendar.PublicLinkCleared':
        await db.updateTable('calendar_calendars').set({ public_token: null, updated_at: time }).where('id', '=', e.data.calendarId).execute();
        return;
      case 'calendar.ObjectPut': {
        const d = describeObject(e.data.ics);
        const values = {
          name: e.data.name, uid: e.data.uid, component: e.data.component, ics: e.data.ics,
          size: Buffer.byteLength(e.data.ics, 'utf8'), position, last_modified: time, deleted_at: null,
          summary: d.summary, location: d.location, description: d.description, start_at: d.start, end_at: d.end,
          all_day: d.allDay ? 1 : 0, tzid: d.tzid, rrule: d.rrule, due_at: d.due, completed: d.completed ? 1 : 0,
          status: d.status, color: d.color, first_start: d.firstStart, last_end: d.lastEnd, spans: d.spans ? JSON.stringify(d.spans) : null,
        };
        await db.insertInto('calendar_objects')
          .values({ calendar_id: e.data.calendarId, object_id: e.data.objectId, created_at: time, ...values })
          .onConflict((oc) => oc.columns(['calendar_id', 'object_id']).doUpdateSet(values))
          .execute();
        await touch(db, e.data.calendarId, position);
        return;
      }
      case 'calendar.ObjectDeleted':
        await db.updateTable('calendar_objects').set({ deleted_at: time, last_modified: time, position })
          .where('calendar_id', '=', e.data.calendarId).where('object_id', '=', e.data.objectId).execute();
        await touch(db, e.data.calendarId, position);
        return;
    }
  },
  async truncate(db) {
    await db.deleteFrom('calendar_objects').execute();
    await db.deleteFrom('calendar_calendars').execute();
  },
});

async function touch(db: Kysely<any>, calendarId: string, position: number) {
  await db.updateTable('calendar_calendars').set({ position }).where('id', '=', calendarId).execute();
}
