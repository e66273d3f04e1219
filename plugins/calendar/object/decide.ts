import { DavPreconditionFailed } from '../../../core/dav/errors.ts';
import type { DavWriteConditions } from '../../../core/dav/types.ts';
import type { Decider } from '../../../core/events/handle-command.ts';
import { NotFoundError } from '../../../core/errors.ts';
import type { CalendarEvent, ComponentName } from '../events.ts';
import { etagOf, evolveObject, initialObject, type ObjectState } from './state.ts';

export type ObjectCommand =
  | { type: 'put'; calendarId: string; objectId: string; name: string; uid: string; component: ComponentName; ics: string; cond?: DavWriteConditions }
  | { type: 'delete'; cond?: DavWriteConditions }
  /** Bring a deleted object back with the text it had (from "recently deleted"). */
  | { type: 'undelete' };

/** RFC 9110 §13.1.1–2 against the object's current ETag (a deleted object does not exist). */
export function checkConditions(state: ObjectState, cond: DavWriteConditions | undefined): void {
  if (!cond) return;
  const live = state && !state.deleted ? state : undefined;
  const etag = live ? etagOf(live.position) : undefined;
  if (cond.ifMatch !== undefined) {
    const ok = cond.ifMatch === '*' ? live !== undefined : cond.ifMatch.split(',').map((t) => t.trim()).includes(etag ?? '\u0000');
    if (!ok) throw new DavPreconditionFailed(live ? undefined : 'the resource does not exist');
  }
  if (cond.ifNoneMatch !== undefined) {
    const failed = cond.ifNoneMatch === '*' ? live !== undefined : cond.ifNoneMatch.split(',').map((t) => t.trim()).includes(etag ?? '\u0000');
    if (failed) throw new DavPreconditionFailed(cond.ifNoneMatch === '*' ? 'the resource already exists' : undefined);
  }
}

export function decideObject(command: ObjectCommand, state: ObjectState): CalendarEvent[] {
  switch (command.type) {
    case 'put': {
      checkConditions(state, command.cond);
      if (state && !state.deleted && state.ics === command.ics) return [];
      const { calendarId, objectId, name, uid, component, ics } = command;
      return [{ type: 'calendar.ObjectPut', data: { calendarId, objectId, name, uid, component, ics } }];
    }
    case 'delete':
      if (!state || state.deleted) {
        if (command.cond?.ifMatch !== undefined) throw new DavPreconditionFailed('the resource does not exist');
        throw new NotFoundError('no such calendar object');
      }
      checkConditions(state, command.cond);
      return [{ type: 'calendar.ObjectDeleted', data: { calendarId: state.calendarId, objectId: state.objectId, name: state.name } }];
    case 'undelete': {
      if (!state) throw new NotFoundError('no such calendar object');
      if (!state.deleted) return [];
      const { calendarId, objectId, name, uid, component, ics } = state;
      return [{ type: 'calendar.ObjectPut', data: { calendarId, objectId, name, uid, component, ics } }];
    }
  }
}

export const objectDecider: Decider<ObjectState, ObjectCommand, CalendarEvent> = {
  initialState: initialObject,
  evolve: evolveObject,
  decide: (c, s) => decideObject(c, s),
};
