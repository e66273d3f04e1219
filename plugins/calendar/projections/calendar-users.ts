import { defineProjection } from '../../../core/projections/types.ts';
import type { CalendarEvent } from '../events.ts';

/**
 * calendar_settings (one JSON row per user who changed a setting), calendar_accepted
 * (shares added to a user's list) and calendar_dismissed (shares removed or dismissed).
 */
export const calendarUsers = defineProjection({
  name: 'calendar.users',
  version: 1,
  handles: ['calendar.SettingsChanged', 'calendar.ShareAccepted', 'calendar.ShareHidden'],
  async handle(event, db) {
    const e = event as unknown as CalendarEvent;
    switch (e.type) {
      case 'calendar.SettingsChanged': {
        const { userId, ...settings } = e.data;
        const json = JSON.stringify(settings);
        await db.insertInto('calendar_settings').values({ user_id: userId, settings: json })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ settings: json })).execute();
        return;
      }
      case 'calendar.ShareAccepted':
        await db.insertInto('calendar_accepted').values({ user_id: e.data.userId, calendar_id: e.data.calendarId })
          .onConflict((oc) => oc.doNothing()).execute();
        await db.deleteFrom('calendar_dismissed').where('user_id', '=', e.data.userId).where('calendar_id', '=', e.data.calendarId).execute();
        return;
      case 'calendar.ShareHidden':
        await db.deleteFrom('calendar_accepted').where('user_id', '=', e.data.userId).where('calendar_id', '=', e.data.calendarId).execute();
        await db.insertInto('calendar_dismissed').values({ user_id: e.data.userId, calendar_id: e.data.calendarId })
          .onConflict((oc) => oc.doNothing()).execute();
        return;
    }
  },
  async truncate(db) {
    await db.deleteFrom('calendar_settings').execute();
    await db.deleteFrom('calendar_accepted').execute();
    await db.deleteFrom('calendar_dismissed').execute();
  },
});
