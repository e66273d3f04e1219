import type { Migration } from '../../../core/db/migrations.ts';

export const createCalendarTables: Migration = {
  name: '0001_calendar',
  async up(db) {
    await db.schema.createTable('calendar_calendars')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('color', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('sort_order', 'integer', (c) => c.notNull())
      /** JSON array of 'VEVENT' | 'VTODO'. */
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      /** JSON object: Clark name → serialized XML of PROPPATCH dead properties. */
      .addColumn('dead_props', 'text', (c) => c.notNull())
      /** JSON {address, capacity?} for a meeting room's calendar, null otherwise. */
      .addColumn('room', 'text')
      .addColumn('public_token', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      /** Newest change to the calendar or any of its objects: sync token, CTag. */
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('calendar_calendars_owner').on('calendar_calendars').columns(['owner', 'slug']).execute();
    await db.schema.createIndex('calendar_calendars_token').on('calendar_calendars').column('public_token').execute();

    await db.schema.createTable('calendar_objects')
      .addColumn('calendar_id', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('component', 'text', (c) => c.notNull())
      .addColumn('ics', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      /** Global position of the last change (put or delete): ETag and sync order. */
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_modified', 'text', (c) => c.notNull())
      /** Tombstone: set when deleted; the row (and its text) stays for sync and undelete. */
      .addColumn('deleted_at', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('start_at', 'integer')
      .addColumn('end_at', 'integer')
      .addColumn('all_day', 'integer', (c) => c.notNull())
      .addColumn('tzid', 'text')
      .addColumn('rrule', 'text')
      .addColumn('due_at', 'integer')
      .addColumn('completed', 'integer', (c) => c.notNull())
      .addColumn('status', 'text')
      .addColumn('color', 'text')
      /** Bounds of every occurrence (ms, widened a day); null = unbounded (endless RRULE, undated task). */
      .addColumn('first_start', 'integer')
      .addColumn('last_end', 'integer')
      /** JSON [[start, end], …] of every occurrence when exact in any zone (describe-object.ts); null otherwise. */
      .addColumn('spans', 'text')
      .addPrimaryKeyConstraint('calendar_objects_pk', ['calendar_id', 'object_id'])
      .execute();
    await db.schema.createIndex('calendar_objects_name').unique().on('calendar_objects').columns(['calendar_id', 'name']).execute();
    // changesSince(position): an index range scan even with 10,000s of objects.
    await db.schema.createIndex('calendar_objects_position').on('calendar_objects').columns(['calendar_id', 'position']).execute();
    // UID uniqueness checks (live objects with a UID): all three columns, so the planner never prefers the range index.
    await db.schema.createIndex('calendar_objects_uid').on('calendar_objects').columns(['calendar_id', 'uid', 'deleted_at']).execute();
    // Time-range prefilter: live objects of a calendar whose bounds reach the range.
    await db.schema.createIndex('calendar_objects_range').on('calendar_objects').columns(['calendar_id', 'deleted_at', 'last_end']).execute();

    await db.schema.createTable('calendar_settings')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      /** JSON of CalendarSettings. */
      .addColumn('settings', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('calendar_accepted')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('calendar_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('calendar_accepted_pk', ['user_id', 'calendar_id'])
      .execute();
    // Shares a user removed from their list or dismissed (not offered again until re-added).
    await db.schema.createTable('calendar_dismissed')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('calendar_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('calendar_dismissed_pk', ['user_id', 'calendar_id'])
      .execute();
  },
};
