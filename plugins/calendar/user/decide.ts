import type { Decider } from '../../../core/events/handle-command.ts';
import { ValidationError } from '../../../core/errors.ts';
import type { CalendarEvent, CalendarSettings } from '../events.ts';
import { isIanaZone } from '../ical/zoned-time.ts';
import { evolveUser, initialUser, type CalendarUser } from './state.ts';

export type UserCommand =
  | { type: 'changeSettings'; userId: string; settings: CalendarSettings }
  | { type: 'acceptShare'; userId: string; calendarId: string }
  | { type: 'hideShare'; userId: string; calendarId: string };

export function cleanSettings(s: CalendarSettings): CalendarSettings {
  if (!isIanaZone(s.timezone)) throw new ValidationError('choose a known time zone (like Europe/Paris)');
  if (s.workStart >= s.workEnd) throw new ValidationError('working hours must end after they start');
  if (!Number.isInteger(s.defaultDurationMinutes) || s.defaultDurationMinutes < 5 || s.defaultDurationMinutes > 1440) {
    throw new ValidationError('the default length is between 5 minutes and a day');
  }
  if (!Number.isInteger(s.weekStart) || s.weekStart < 0 || s.weekStart > 6) throw new ValidationError('the week starts on a weekday');
  return s;
}

export function decideUser(command: UserCommand, state: CalendarUser): CalendarEvent[] {
  switch (command.type) {
    case 'changeSettings': {
      const next = cleanSettings(command.settings);
      if (JSON.stringify(next) === JSON.stringify(state.settings)) return [];
      return [{ type: 'calendar.SettingsChanged', data: { userId: command.userId, ...next } }];
    }
    case 'acceptShare':
      if (state.accepted.includes(command.calendarId)) return [];
      return [{ type: 'calendar.ShareAccepted', data: { userId: command.userId, calendarId: command.calendarId } }];
    case 'hideShare':
      if (!state.accepted.includes(command.calendarId) && state.dismissed.includes(command.calendarId)) return [];
      return [{ type: 'calendar.ShareHidden', data: { userId: command.userId, calendarId: command.calendarId } }];
  }
}

export const userDecider: Decider<CalendarUser, UserCommand, CalendarEvent> = {
  initialState: initialUser,
  evolve: evolveUser,
  decide: (c, s) => decideUser(c, s),
};
