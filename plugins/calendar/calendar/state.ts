import type { StoredEvent } from '../../../core/events/types.ts';
import type { CalendarEvent, CalendarFields } from '../events.ts';

export interface CalendarCollection {
  id: string;
  owner: string;
  fields: CalendarFields;
  deleted: boolean;
  /** Token of the public read-only .ics link, when it is on. */
  publicToken: string | null;
}
export type CalendarState = CalendarCollection | undefined;

export const initialCalendar = (): CalendarState => undefined;

const fieldsOf = (d: CalendarFields): CalendarFields => ({
  slug: d.slug, displayName: d.displayName, color: d.color, description: d.description, order: d.order,
  components: d.components, timezone: d.timezone, deadProps: d.deadProps,
});

export function evolveCalendar(state: CalendarState, event: StoredEvent): CalendarState {
  const e = event as unknown as CalendarEvent;
  switch (e.type) {
    case 'calendar.CalendarCreated':
      return { id: e.data.calendarId, owner: e.data.owner, fields: fieldsOf(e.data), deleted: false, publicToken: null };
    case 'calendar.CalendarRestored':
      return { id: e.data.calendarId, owner: e.data.owner, fields: fieldsOf(e.data), deleted: false, publicToken: state?.publicToken ?? null };
    case 'calendar.CalendarUpdated':
      return state && { ...state, fields: fieldsOf(e.data) };
    case 'calendar.CalendarDeleted':
      return state && { ...state, deleted: true };
    case 'calendar.PublicLinkSet':
      return state && { ...state, publicToken: e.data.token };
    case 'calendar.PublicLinkCleared':
      return state && { ...state, publicToken: null };
    default:
      return state;
  }
}
