import type { Decider } from '../../../core/events/handle-command.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { CalendarEvent, CalendarFields } from '../events.ts';
import { evolveCalendar, initialCalendar, type CalendarState } from './state.ts';

export type CalendarCommand =
  | { type: 'create'; calendarId: string; owner: string; fields: CalendarFields }
  | { type: 'update'; patch: Partial<CalendarFields> }
  | { type: 'delete' }
  /** Bring a deleted calendar back (restore, "recently deleted"), optionally with the properties it had then. */
  | { type: 'restore'; fields?: CalendarFields }
  | { type: 'setPublicLink'; token: string }
  | { type: 'clearPublicLink' };

/** A name is a line in the sidebar, not a paragraph. */
export const MAX_DISPLAY_NAME = 200;
/** Dead properties one calendar keeps: clients set a handful (Apple: ~5); more is abuse. */
export const MAX_DEAD_PROPS = 50;
const COLOR = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

export function cleanFields(f: CalendarFields): CalendarFields {
  const displayName = f.displayName.trim();
  if (displayName.length === 0) throw new ValidationError('a calendar needs a name');
  if (displayName.length > MAX_DISPLAY_NAME) throw new ValidationError(`a calendar name has at most ${MAX_DISPLAY_NAME} characters`);
  if (f.color !== '' && !COLOR.test(f.color)) throw new ValidationError('a color is written #RRGGBB');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(f.slug)) throw new ValidationError('a calendar address may use letters, digits, dot, dash and underscore (at most 64)');
  if (f.components.length === 0) throw new ValidationError('a calendar holds events, tasks or both');
  if (Object.keys(f.deadProps).length > MAX_DEAD_PROPS) throw new ValidationError(`at most ${MAX_DEAD_PROPS} custom properties per calendar`);
  return { ...f, displayName, components: [...new Set(f.components)].sort() as CalendarFields['components'] };
}

const same = (a: CalendarFields, b: CalendarFields) => JSON.stringify(a) === JSON.stringify(b);

export function decideCalendar(command: CalendarCommand, state: CalendarState): CalendarEvent[] {
  switch (command.type) {
    case 'create':
      if (state) throw new ConflictError('that calendar already exists', 'calendar_exists');
      return [{ type: 'calendar.CalendarCreated', data: { calendarId: command.calendarId, owner: command.owner, ...cleanFields(command.fields) } }];
    case 'update': {
      if (!state || state.deleted) throw new NotFoundError('no such calendar');
      const next = cleanFields({ ...state.fields, ...command.patch });
      if (same(next, state.fields)) return [];
      return [{ type: 'calendar.CalendarUpdated', data: { calendarId: state.id, ...next } }];
    }
    case 'delete':
      if (!state || state.deleted) return [];
      return [{ type: 'calendar.CalendarDeleted', data: { calendarId: state.id } }];
    case 'restore': {
      if (!state) throw new NotFoundError('no such calendar');
      const fields = cleanFields(command.fields ?? state.fields);
      if (!state.deleted) return same(fields, state.fields) ? [] : [{ type: 'calendar.CalendarUpdated', data: { calendarId: state.id, ...fields } }];
      return [{ type: 'calendar.CalendarRestored', data: { calendarId: state.id, owner: state.owner, ...fields } }];
    }
    case 'setPublicLink':
      if (!state || state.deleted) throw new NotFoundError('no such calendar');
      return [{ type: 'calendar.PublicLinkSet', data: { calendarId: state.id, token: command.token } }];
    case 'clearPublicLink':
      if (!state || state.deleted || state.publicToken === null) return [];
      return [{ type: 'calendar.PublicLinkCleared', data: { calendarId: state.id } }];
  }
}

export const calendarDecider: Decider<CalendarState, CalendarCommand, CalendarEvent> = {
  initialState: initialCalendar,
  evolve: evolveCalendar,
  decide: (c, s) => decideCalendar(c, s),
};
