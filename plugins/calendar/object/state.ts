import type { StoredEvent } from '../../../core/events/types.ts';
import type { CalendarEvent, ComponentName } from '../events.ts';

export interface CalendarObject {
  calendarId: string;
  objectId: string;
  name: string;
  uid: string;
  component: ComponentName;
  ics: string;
  deleted: boolean;
  /** Global position of the last change: the ETag source. */
  position: number;
}
export type ObjectState = CalendarObject | undefined;

export const initialObject = (): ObjectState => undefined;

export const etagOf = (position: number) => `"${position}"`;

export function evolveObject(state: ObjectState, event: StoredEvent): ObjectState {
  const e = event as unknown as CalendarEvent;
  switch (e.type) {
    case 'calendar.ObjectPut':
      return { calendarId: e.data.calendarId, objectId: e.data.objectId, name: e.data.name, uid: e.data.uid, component: e.data.component, ics: e.data.ics, deleted: false, position: event.position };
    case 'calendar.ObjectDeleted':
      return state && { ...state, deleted: true, position: event.position };
    default:
      return state;
  }
}
