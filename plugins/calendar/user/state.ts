import type { StoredEvent } from '../../../core/events/types.ts';
import type { CalendarEvent, CalendarSettings } from '../events.ts';

export interface CalendarUser {
  settings: CalendarSettings;
  /** Calendars shared with the user that they added to their list (sidebar, DAV home). */
  accepted: string[];
  /** Shares they removed from their list or dismissed: no longer offered under "Shared with you". */
  dismissed: string[];
}

export const DEFAULT_SETTINGS: CalendarSettings = {
  defaultDurationMinutes: 60,
  workStart: '09:00',
  workEnd: '17:00',
  weekStart: 1,
  defaultCalendarId: null,
  timezone: 'UTC',
  hidden: [],
};

export const initialUser = (): CalendarUser => ({ settings: DEFAULT_SETTINGS, accepted: [], dismissed: [] });

export function evolveUser(state: CalendarUser, event: StoredEvent): CalendarUser {
  const e = event as unknown as CalendarEvent;
  switch (e.type) {
    case 'calendar.SettingsChanged': {
      const { userId: _, ...settings } = e.data;
      return { ...state, settings };
    }
    case 'calendar.ShareAccepted':
      return {
        ...state,
        accepted: state.accepted.includes(e.data.calendarId) ? state.accepted : [...state.accepted, e.data.calendarId],
        dismissed: state.dismissed.filter((id) => id !== e.data.calendarId),
      };
    case 'calendar.ShareHidden':
      return {
        ...state,
        accepted: state.accepted.filter((id) => id !== e.data.calendarId),
        dismissed: state.dismissed.includes(e.data.calendarId) ? state.dismissed : [...state.dismissed, e.data.calendarId],
      };
    default:
      return state;
  }
}
