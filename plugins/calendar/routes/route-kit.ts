// What every calendar route shares: event metadata from the request, the success
// messages a redirect may name, and the sidebar's data.
import type { Context } from 'hono';
import { isCairnError, type CairnError } from '../../../core/errors.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { CairnEnv } from '../../../core/http/env.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { createHash } from 'node:crypto';
import type { CalendarService, CalendarView } from '../calendar-service.ts';
import type { FlashMessage } from '../../../ui/components/index.ts';

export function metadata(c: Context<CairnEnv>): EventMetadata {
  return { actor: c.var.user!.id, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() };
}

export const userOf = (c: Context<CairnEnv>): SessionUser => c.var.user!;

/** Success messages a redirect may name (`?done=key`); only these, so a link cannot put its own words on the page. */
export const DONE = {
  created: 'Event created',
  saved: 'Event saved',
  deleted: 'Event deleted — find it under “Recently deleted” in the calendar’s page',
  calendarCreated: 'Calendar created',
  calendarSaved: 'Calendar saved',
  calendarDeleted: 'Calendar deleted — you can bring it back from Settings',
  calendarRestored: 'Calendar restored',
  shared: 'Sharing updated',
  linkOn: 'Public link is on',
  linkOff: 'Public link is off',
  undeleted: 'Brought back',
  accepted: 'Calendar added to your list',
  hidden: 'Calendar removed from your list — add it again from Settings',
  settings: 'Settings saved',
  taskAdded: 'Task added',
  taskSaved: 'Task updated',
  taskDeleted: 'Task deleted',
} as const;
export type DoneKey = keyof typeof DONE;

export function flashFrom(c: Context<CairnEnv>): FlashMessage | undefined {
  const text = DONE[c.req.query('done') as DoneKey];
  return text ? { kind: 'success', text } : undefined;
}

/** User and syntax errors become a message on the page; anything else is the server's. */
export function userError(e: unknown): CairnError {
  if (!isCairnError(e) || e.kind === 'server') throw e;
  return e;
}

export function statusOf(e: CairnError): 400 | 403 | 404 | 409 | 412 | 413 {
  const s = e.status;
  return s === 403 || s === 404 || s === 409 || s === 412 || s === 413 ? s : 400;
}

/** A local path to come back to (the sidebar's forms), never another site. */
export function safeBack(back: unknown): string {
  return typeof back === 'string' && /^\/calendar(\/[^\s]*|\?[^\s]*)?$/.test(back) && !back.startsWith('//') ? back : '/calendar';
}

export interface ShellData {
  calendars: CalendarView[];
  hidden: string[];
  pending: CalendarView[];
  colorsVersion: string;
}

/** The sidebar's data; creates the user's first calendar on their first visit. */
export async function shellData(service: CalendarService, c: Context<CairnEnv>): Promise<ShellData> {
  const user = userOf(c);
  await service.ensureDefaultCalendar(user, metadata(c));
  const [calendars, pending, settings] = await Promise.all([service.listCalendars(user), service.pendingShares(user), service.settings(user)]);
  return { calendars, pending, hidden: settings.hidden, colorsVersion: colorsVersion(calendars) };
}

export function colorsVersion(calendars: { id: string; color: string }[]): string {
  return createHash('sha256').update(calendars.map((c) => `${c.id}${c.color}`).join(',')).digest('hex').slice(0, 10);
}

export const str = (v: unknown) => (typeof v === 'string' ? v : '');
