// Creating, changing and deleting events from the browser: the form's fields become
// iCalendar (ical/event-form.ts) and go through the same CalendarService.putObject as a
// CalDAV PUT, with the ETag the form was loaded with as If-Match, so a change made
// meanwhile on a phone is not silently overwritten.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { DavPreconditionFailed } from '../../../core/dav/errors.ts';
import { newId } from '../../../core/ids.ts';
import { nameForUid, type CalendarService, type CalendarView } from '../calendar-service.ts';
import { buildEvent, moveInput, readEvent, removeOccurrence, updateOccurrence, updateSeries, type EventInput, type Repeat } from '../ical/event-form.ts';
import { dateIn, dateToUtc, safeZone, wallclock } from '../ical/zoned-time.ts';
import { addDays, isDate } from '../views/calendar-grid.ts';
import { Availability, EventDriveLink, EventDrivePicker, EventFormPage, type EventFormProps } from '../views/event-form-page.tsx';
import { colorsVersion, metadata, statusOf, str, userError, userOf } from './route-kit.ts';
import { PARTSTATS, schedulingInfo, setPartstat, withOrganizer, type PartStat } from '../scheduling/itip.ts';

type Form = Record<string, string | File | (string | File)[]>;

/** Links to drive files go into the description, which every synced client shows. */
export function withDriveLinks(description: string, values: unknown): string {
  const list = (Array.isArray(values) ? values : [values]).filter((v): v is string => typeof v === 'string').slice(0, MAX_EVENT_DRIVE_LINKS);
  const lines: string[] = [];
  for (const v of list) {
    try {
      const l = JSON.parse(v) as { name?: unknown; url?: unknown };
      if (typeof l.name === 'string' && typeof l.url === 'string' && /^https?:\/\//.test(l.url) && !description.includes(l.url)) lines.push(`${l.name.replace(/[\r\n]+/g, ' ').slice(0, 255)}: ${l.url}`);
    } catch { /* not one of ours */ }
  }
  return lines.length === 0 ? description : `${description.replace(/\s+$/, '')}${description.trim() ? '\n\n' : ''}${lines.join('\n')}`;
}
/** Drive links added at once: a meeting's documents, not a file index. */
const MAX_EVENT_DRIVE_LINKS = 20;

export function eventInput(f: Form): EventInput {
  const reminder = str(f.reminder);
  return {
    summary: str(f.summary), location: str(f.location), description: withDriveLinks(str(f.description), f.driveLink), allDay: str(f.allDay) === '1',
    startDate: str(f.startDate), startTime: str(f.startTime), endDate: str(f.endDate) || str(f.startDate), endTime: str(f.endTime), tz: str(f.tz) || 'UTC',
    repeat: (str(f.repeat) || 'none') as Repeat, interval: Number(str(f.interval) || 1), ends: (['never', 'count', 'until'].includes(str(f.ends)) ? str(f.ends) : 'never') as EventInput['ends'],
    count: Number(str(f.count) || 10), until: str(f.until), reminderMinutes: reminder === '' ? null : Number(reminder),
    attendees: [...str(f.attendees).split(/[\s,;]+/), str(f.room)].filter(Boolean), color: str(f.color) || null,
  };
}

const STALE = 'This event was changed elsewhere since you opened it. Reload it and make your change again.';

/** What the calendar expects of the chat's `chat.presence` service. */
export interface PresenceLookup { statusOf(userIds: readonly string[]): Promise<Map<string, { presence: string }>> }

/** What the calendar expects of the drive's `drive.files` service (plugins never import each other). */
export interface EventDriveFiles {
  list(userId: string, folderId?: string): Promise<{ id: string; name: string; kind: 'folder' | 'file'; size: number }[]>;
  item(userId: string, nodeId: string): Promise<{ id: string; name: string; kind: 'folder' | 'file' } | undefined>;
  createShareLink(userId: string, nodeId: string, request: { access: 'public' | 'restricted' }, source?: 'ui'): Promise<{ linkId: string; url: string }>;
}

export function eventRoutes(service: () => CalendarService, driveFiles: () => EventDriveFiles | undefined = () => undefined, presence: () => PresenceLookup | undefined = () => undefined): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();

  /** Attendees with their answers, and the presence of those who are people here (when chat provides it). */
  const answersOf = async (attendees: { email: string; partstat: string }[]) => {
    const p = presence();
    const ids = new Map<string, string>();
    if (p) for (const a of attendees) { const u = await service().userByEmail(a.email); if (u) ids.set(a.email, u.id); }
    const status = p && ids.size > 0 ? await p.statusOf([...ids.values()]).catch(() => undefined) : undefined;
    return attendees.map((a) => ({ email: a.email, partstat: a.partstat, presence: status?.get(ids.get(a.email) ?? '')?.presence }));
  };

  // Attachments as links to drive files (public, or restricted to signed-in colleagues).
  app.get('/drive', async (c) => {
    const files = driveFiles();
    if (!files) return c.text('the drive is not enabled', 404);
    const folder = c.req.query('folder') || undefined;
    return c.html(<EventDrivePicker items={await files.list(userOf(c).id, folder)} folder={folder} parent={c.req.query('parent') || undefined} />);
  });
  app.post('/drive/link', async (c) => {
    const files = driveFiles();
    if (!files) return c.text('the drive is not enabled', 404);
    const f = (await c.req.parseBody()) as Form;
    const node = str(f.node);
    const item = await files.item(userOf(c).id, node);
    if (!item || item.kind !== 'file') return c.text('no such file in your drive', 404);
    const link = await files.createShareLink(userOf(c).id, node, { access: str(f.access) === 'restricted' ? 'restricted' : 'public' }, 'ui');
    return c.html(<EventDriveLink name={item.name} url={link.url} />);
  });

  const writable = (cals: CalendarView[]) => cals.filter((x) => x.right !== 'read' && x.components.includes('VEVENT'));
  const render = async (c: Context<CairnEnv>, props: Omit<EventFormProps, 'calendars' | 'csrfToken' | 'colorsVersion'>, status: 200 | 400 | 403 | 404 | 409 | 412 | 413 = 200) => {
    const cals = await service().listCalendars(userOf(c));
    const list = writable(cals);
    const current = cals.find((x) => x.id === props.calendarId);
    c.status(status);
    const rooms = (await service().rooms()).map((r) => ({ name: r.displayName, address: r.room!.address, capacity: r.room!.capacity }));
    return c.render(<EventFormPage {...props} drive={driveFiles() !== undefined} rooms={rooms} calendars={current && !list.includes(current) ? [current, ...list] : list} csrfToken={c.var.csrfToken} colorsVersion={colorsVersion(cals)} />, { title: props.existing ? 'Event' : 'New event' });
  };

  app.get('/new', async (c) => {
    const user = userOf(c);
    await service().ensureDefaultCalendar(user, metadata(c));
    const settings = await service().settings(user);
    const tz = safeZone(settings.timezone);
    const now = Date.now();
    const date = isDate(c.req.query('date')) ? c.req.query('date')! : dateIn(now, tz);
    const time = /^\d\d:\d\d$/.test(c.req.query('time') ?? '') ? c.req.query('time')! : `${String(Math.min(23, wallclock(now, tz).hour + 1)).padStart(2, '0')}:00`;
    const startMin = Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
    const endMin = startMin + settings.defaultDurationMinutes;
    const endDate = endMin >= 1440 ? addDays(date, Math.floor(endMin / 1440)) : date;
    const endTime = `${String(Math.floor((endMin % 1440) / 60)).padStart(2, '0')}:${String(endMin % 60).padStart(2, '0')}`;
    const cals = writable(await service().listCalendars(user));
    const calendarId = [c.req.query('calendar'), settings.defaultCalendarId].find((id) => id && cals.some((x) => x.id === id)) ?? cals[0]?.id ?? '';
    const input: EventInput = {
      summary: '', location: '', description: '', allDay: c.req.query('allDay') === '1', startDate: date, startTime: time, endDate, endTime, tz,
      repeat: 'none', interval: 1, ends: 'never', count: 10, until: '', reminderMinutes: null, attendees: [], color: null,
    };
    return render(c, { input, calendarId });
  });

  app.post('/', async (c) => {
    const f = (await c.req.parseBody({ all: true })) as Form;
    const input = eventInput(f);
    const calendarId = str(f.calendarId);
    try {
      const uid = `${newId()}@${new URL(c.req.url).hostname}`;
      const ics = withOrganizer(buildEvent(input, uid, new Date()), userOf(c).email, userOf(c).displayName);
      await service().putObject(userOf(c), calendarId, nameForUid(uid), ics, { ifNoneMatch: '*' }, metadata(c));
      return c.redirect(`/calendar?view=week&date=${input.startDate}&done=created`, 303);
    } catch (e) {
      const err = userError(e);
      return render(c, { input, calendarId, flash: { kind: 'error', text: err.message } }, statusOf(err));
    }
  });

  app.get('/:cal/:obj', async (c) => {
    const user = userOf(c);
    const obj = await service().getObjectById(user, c.req.param('cal'), c.req.param('obj'));
    if (obj.component !== 'VEVENT') return c.redirect('/calendar/tasks', 303);
    const tz = safeZone((await service().settings(user)).timezone);
    const rid = c.req.query('rid') || undefined;
    const cal = await service().getCalendar(user, obj.calendarId);
    const info = schedulingInfo(obj.ics);
    const me = info?.attendees.find((a) => a.email === user.email.toLowerCase());
    return render(c, {
      input: readEvent(obj.ics, tz, rid), calendarId: obj.calendarId,
      existing: { objectId: obj.objectId, etag: obj.etag, rid, recurring: obj.rrule !== null, writable: obj.writable, calendarName: cal.displayName },
      ...(me && info?.organizer && info.organizer !== me.email ? { rsvp: { partstat: me.partstat, organizer: info.organizer } } : {}),
      ...(info && info.attendees.length > 0 ? { answers: await answersOf(info.attendees) } : {}),
    });
  });

  // The scheduling assistant: attendees' busy hours (working hours of the settings) on the event's day.
  app.get('/availability', async (c) => {
    const user = userOf(c);
    const date = /^\d{4}-\d{2}-\d{2}$/.test(c.req.query('startDate') ?? '') ? c.req.query('startDate')! : dateIn(Date.now(), 'UTC');
    const tz = safeZone(c.req.query('tz') || (await service().settings(user)).timezone);
    const emails = [...new Set((c.req.query('attendees') ?? '').split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter((e) => /^[^@\s]+@[^@\s]+$/.test(e)))];
    if (emails.length === 0) return c.html(<p class="muted">Add attendees first.</p>);
    const dayStart = dateToUtc(date, tz);
    const hours = Array.from({ length: 13 }, (_, i) => ({ label: `${String(8 + i).padStart(2, '0')}`, from: dayStart + (8 + i) * 3600_000, to: dayStart + (9 + i) * 3600_000 }));
    const people = await service().busyTimes(user, emails, hours[0]!.from, hours.at(-1)!.to);
    return c.html(<Availability date={date} tz={tz} people={people} hours={hours} />);
  });

  // The invited person's answer: their PARTSTAT in their copy; scheduling tells the organizer.
  app.post('/:cal/:obj/rsvp', async (c) => {
    const user = userOf(c);
    const f = (await c.req.parseBody()) as Form;
    const partstat = str(f.partstat) as PartStat;
    if (!PARTSTATS.includes(partstat) || partstat === 'NEEDS-ACTION') return c.text('choose Accept, Maybe or Decline', 400);
    const obj = await service().getObjectById(user, c.req.param('cal'), c.req.param('obj'));
    if (!schedulingInfo(obj.ics)?.attendees.some((a) => a.email === user.email.toLowerCase())) return c.text('you are not invited to this event', 403);
    await service().putObject(user, obj.calendarId, obj.name, setPartstat(obj.ics, user.email, partstat), { ifMatch: obj.etag }, metadata(c));
    return c.redirect(`/calendar/events/${obj.calendarId}/${obj.objectId}`, 303);
  });

  app.post('/:cal/:obj', async (c) => {
    const user = userOf(c);
    const f = (await c.req.parseBody({ all: true })) as Form;
    const input = eventInput(f);
    const rid = str(f.rid) || undefined;
    const scope = str(f.scope) === 'this' && rid ? 'this' : 'all';
    const obj = await service().getObjectById(user, c.req.param('cal'), c.req.param('obj'));
    const target = str(f.calendarId) || obj.calendarId;
    try {
      const now = new Date();
      const ics = scope === 'this' ? updateOccurrence(obj.ics, rid!, input, now) : updateSeries(obj.ics, input, now);
      const cond = { ifMatch: str(f.etag) || obj.etag };
      if (target !== obj.calendarId && scope === 'all') {
        // Moving: the new calendar gets it first, so a failure leaves the event where it was.
        await service().putObject(user, target, obj.name, withOrganizer(ics, user.email, user.displayName), { ifNoneMatch: '*' }, metadata(c));
        await service().deleteObject(user, obj.calendarId, obj.name, cond, metadata(c));
      } else {
        await service().putObject(user, obj.calendarId, obj.name, withOrganizer(ics, user.email, user.displayName), cond, metadata(c));
      }
      return c.redirect(`/calendar?view=week&date=${input.startDate}&done=saved`, 303);
    } catch (e) {
      const err = userError(e);
      const cal = await service().getCalendar(user, obj.calendarId);
      return render(c, {
        input, calendarId: obj.calendarId, flash: { kind: 'error', text: err instanceof DavPreconditionFailed ? STALE : err.message },
        existing: { objectId: obj.objectId, etag: obj.etag, rid, recurring: obj.rrule !== null, writable: obj.writable, calendarName: cal.displayName },
      }, statusOf(err));
    }
  });

  // Drag and drop (calendar.js): a new day, and a new time when dropped in the time grid.
  // Answers 204, or the reason as text for the page's flash.
  app.post('/:cal/:obj/move', async (c) => {
    const user = userOf(c);
    const f = (await c.req.parseBody()) as Form;
    const rid = str(f.rid) || undefined;
    try {
      const obj = await service().getObjectById(user, c.req.param('cal'), c.req.param('obj'));
      const tz = safeZone((await service().settings(user)).timezone);
      const input = moveInput(readEvent(obj.ics, tz, rid), str(f.date), str(f.time) || undefined);
      const now = new Date();
      const ics = rid && obj.rrule !== null ? updateOccurrence(obj.ics, rid, input, now) : updateSeries(obj.ics, input, now);
      await service().putObject(user, obj.calendarId, obj.name, ics, { ifMatch: obj.etag }, metadata(c));
      return c.body(null, 204);
    } catch (e) {
      const err = userError(e);
      return c.text(err instanceof DavPreconditionFailed ? STALE : err.message, statusOf(err));
    }
  });

  app.post('/:cal/:obj/delete', async (c) => {
    const user = userOf(c);
    const f = (await c.req.parseBody()) as Form;
    const rid = str(f.rid) || undefined;
    const obj = await service().getObjectById(user, c.req.param('cal'), c.req.param('obj'));
    if (str(f.scope) === 'this' && rid && obj.rrule !== null) {
      await service().putObject(user, obj.calendarId, obj.name, removeOccurrence(obj.ics, rid, new Date()), { ifMatch: obj.etag }, metadata(c));
    } else {
      await service().deleteObjectById(user, obj.calendarId, obj.objectId, metadata(c));
    }
    return c.redirect('/calendar?done=deleted', 303);
  });
  return app;
}
