// "Restore this calendar as it was at T", built on core's point-in-time helper: the
// calendar is its collection stream plus every object stream under it (a prefix);
// diff says which events make now equal T. Public links are left as they are: a
// restore must not quietly re-publish a calendar its owner took offline.
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import type { CollectionSpec } from '../../../core/restore/point-in-time.ts';
import { calendarStream, objectStream, objectStreamsOf, type CalendarEvent, type CalendarFields } from '../events.ts';
import { evolveObject, type CalendarObject } from '../object/state.ts';
import { evolveCalendar, type CalendarState } from './state.ts';

export interface CalendarSnapshot {
  calendar: CalendarState;
  objects: Map<string, CalendarObject>;
}

/**
 * `slugIfRestored`: the address to give the calendar if it comes back from deletion
 * (the service picks a free one when its old slug was taken meanwhile).
 */
export function calendarSpec(calendarId: string, opts: { slugIfRestored?: string } = {}): CollectionSpec<CalendarSnapshot> {
  return {
    streams: [calendarStream(calendarId), objectStreamsOf(calendarId)],
    initialState: () => ({ calendar: undefined, objects: new Map() }),
    evolve(s, e: StoredEvent) {
      if (e.stream === calendarStream(calendarId)) return { ...s, calendar: evolveCalendar(s.calendar, e) };
      const id = (e.data as { objectId: string }).objectId;
      const next = evolveObject(s.objects.get(id), e);
      if (next) s.objects.set(id, next);
      return s;
    },
    diff(current, target) {
      const out: { stream: string; events: NewEvent[] }[] = [];
      const now = current.calendar;
      const then = target.calendar;
      if (now) {
        const stream = calendarStream(calendarId);
        if ((!then || then.deleted) && !now.deleted) out.push({ stream, events: [ev({ type: 'calendar.CalendarDeleted', data: { calendarId } })] });
        else if (then && !then.deleted && now.deleted) {
          const fields: CalendarFields = { ...then.fields, slug: opts.slugIfRestored ?? then.fields.slug };
          out.push({ stream, events: [ev({ type: 'calendar.CalendarRestored', data: { calendarId, owner: then.owner, ...fields } })] });
        } else if (then && !then.deleted && JSON.stringify(then.fields) !== JSON.stringify(now.fields)) {
          out.push({ stream, events: [ev({ type: 'calendar.CalendarUpdated', data: { calendarId, ...then.fields } })] });
        }
      }
      for (const [id, o] of current.objects) {
        const t = target.objects.get(id);
        const stream = objectStream(calendarId, id);
        const wasLive = t && !t.deleted;
        if (!wasLive && !o.deleted) out.push({ stream, events: [ev({ type: 'calendar.ObjectDeleted', data: { calendarId, objectId: id, name: o.name } })] });
        else if (wasLive && (o.deleted || o.ics !== t.ics || o.name !== t.name)) {
          out.push({ stream, events: [ev({ type: 'calendar.ObjectPut', data: { calendarId, objectId: id, name: t.name, uid: t.uid, component: t.component, ics: t.ics } })] });
        }
      }
      return out;
    },
  };
}

const ev = (e: CalendarEvent): NewEvent => e;
