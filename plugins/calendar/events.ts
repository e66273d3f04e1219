import { z } from 'zod';
import { createHash } from 'node:crypto';

/**
 * Largest iCalendar object body, in UTF-8 bytes. The text lives in the event payload
 * (it is the record the user edits, and restore folds it back), and core caps one
 * serialized event at MAX_EVENT_BYTES = 1,000,000: JSON escaping at worst doubles a
 * body made of line breaks, so 450,000 bytes always fits with room for the other
 * fields. Real events are 1–20 KB; a huge one is an attachment inlined by mistake.
 */
export const MAX_OBJECT_BYTES = 450_000;

export const COMPONENTS = ['VEVENT', 'VTODO'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

const component = z.enum(COMPONENTS);
/** A client-chosen resource name (last URL segment): no slashes, bounded like any path segment. */
const objectName = z.string().min(1).max(255).regex(/^[^/\\\u0000-\u001f]+$/);
const slug = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/);
const displayName = z.string().max(200);
const color = z.string().max(32);
const description = z.string().max(2_000);
const timezone = z.string().max(100);
/** Dead properties set by PROPPATCH: Clark name → serialized XML value. */
const deadProps = z.record(z.string().max(300), z.string().max(10_000));

export const calendarFields = z.object({
  slug,
  displayName,
  color,
  description,
  order: z.number().int(),
  components: z.array(component).min(1),
  timezone,
  deadProps,
  /** Set on a meeting room's calendar: the address attendees invite it by, its capacity. */
  room: z.object({ address: z.string().email().max(320), capacity: z.number().int().min(0).max(100_000).optional() }).optional(),
});
export type CalendarFields = z.infer<typeof calendarFields>;

const calendarCreated = calendarFields.extend({ calendarId: z.string(), owner: z.string() });

const settings = z.object({
  /** Minutes a new event lasts when only its start is chosen. */
  defaultDurationMinutes: z.number().int().min(5).max(24 * 60),
  /** Working hours shown highlighted in day/week views, 'HH:MM'. */
  workStart: z.string().regex(/^\d\d:\d\d$/),
  workEnd: z.string().regex(/^\d\d:\d\d$/),
  /** 0 = Sunday, 1 = Monday, 6 = Saturday. */
  weekStart: z.number().int().min(0).max(6),
  defaultCalendarId: z.string().max(100).nullable(),
  timezone,
  /** Calendars the user unticked in the sidebar (their events are not shown in the views). */
  hidden: z.array(z.string().max(100)).max(500),
});
export type CalendarSettings = z.infer<typeof settings>;

export const calendarEvents = {
  'calendar.CalendarCreated': calendarCreated,
  /** The full set of properties after the change (only what the decider saw differ). */
  'calendar.CalendarUpdated': calendarFields.extend({ calendarId: z.string() }),
  'calendar.CalendarDeleted': z.object({ calendarId: z.string() }),
  /** Brought back by a restore with the properties it had then (slug may differ if taken meanwhile). */
  'calendar.CalendarRestored': calendarCreated,
  'calendar.PublicLinkSet': z.object({ calendarId: z.string(), token: z.string().min(32).max(100) }),
  'calendar.PublicLinkCleared': z.object({ calendarId: z.string() }),

  'calendar.ObjectPut': z.object({
    calendarId: z.string(),
    objectId: z.string(),
    name: objectName,
    uid: z.string().min(1).max(1_000),
    component,
    ics: z.string().max(MAX_OBJECT_BYTES),
  }),
  'calendar.ObjectDeleted': z.object({ calendarId: z.string(), objectId: z.string(), name: objectName }),

  'calendar.SettingsChanged': settings.extend({ userId: z.string() }),
  'calendar.ShareAccepted': z.object({ userId: z.string(), calendarId: z.string() }),
  'calendar.ShareHidden': z.object({ userId: z.string(), calendarId: z.string() }),
};

export type CalendarEventType = keyof typeof calendarEvents;
export type CalendarEvent = { [K in CalendarEventType]: { type: K; data: z.infer<(typeof calendarEvents)[K]> } }[CalendarEventType];
export type EventOf<K extends CalendarEventType> = Extract<CalendarEvent, { type: K }>;

export const calendarStream = (calendarId: string) => `calendar-calendar:${calendarId}`;
export const objectStream = (calendarId: string, objectId: string) => `calendar-object:${calendarId}:${objectId}`;
export const objectStreamsOf = (calendarId: string) => `calendar-object:${calendarId}:*`;
export const userStream = (userId: string) => `calendar-user:${userId}`;

/**
 * The object id is derived from its resource name, so two concurrent PUTs of the same
 * new name land on the same stream and the second one is decided again as an update
 * instead of creating a twin.
 */
export function objectIdFor(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 32);
}

/** The deterministic id of a user's first calendar: created once, with expected version 'no-stream'. */
export const personalCalendarId = (userId: string) => `${userId}-personal`;

/** The grants resource of a calendar (core/identity grants). */
export const calendarResource = (calendarId: string) => `calendar:${calendarId}`;
export const CALENDAR_RESOURCE_PREFIX = 'calendar:';
