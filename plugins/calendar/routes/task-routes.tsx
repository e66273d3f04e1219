// /calendar/tasks: VTODOs of the user's calendars, added, ticked off and deleted here,
// and /calendar/settings.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { newId } from '../../../core/ids.ts';
import { nameForUid, type CalendarService } from '../calendar-service.ts';
import type { CalendarSettings } from '../events.ts';
import { buildTask, readTask } from '../ical/event-form.ts';
import { safeZone } from '../ical/zoned-time.ts';
import { today } from '../views/calendar-grid.ts';
import { SettingsPage, TasksPage } from '../views/tasks-page.tsx';
import { colorsVersion, flashFrom, metadata, statusOf, str, userError, userOf } from './route-kit.ts';

export function taskRoutes(service: () => CalendarService): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const page = async (c: Context<CairnEnv>, flash = flashFrom(c), status: 200 | 400 | 403 | 404 | 409 | 412 | 413 = 200) => {
    const user = userOf(c);
    await service().ensureDefaultCalendar(user, metadata(c));
    const [tasks, calendars, settings] = await Promise.all([service().tasks(user), service().listCalendars(user), service().settings(user)]);
    c.status(status);
    return c.render(<TasksPage tasks={tasks} calendars={calendars} csrfToken={c.var.csrfToken} flash={flash} today={today(safeZone(settings.timezone))} colorsVersion={colorsVersion(calendars)} />, { title: 'Tasks' });
  };
  const act = async (c: Context<CairnEnv>, fn: () => Promise<unknown>, done: 'taskAdded' | 'taskSaved' | 'taskDeleted') => {
    try {
      await fn();
      return c.redirect(`/calendar/tasks?done=${done}`, 303);
    } catch (e) {
      const err = userError(e);
      return page(c, { kind: 'error', text: err.message }, statusOf(err));
    }
  };

  app.get('/', (c) => page(c));
  app.post('/', async (c) => {
    const f = await c.req.parseBody();
    return act(c, async () => {
      const uid = `${newId()}@${new URL(c.req.url).hostname}`;
      const ics = buildTask({ summary: str(f.summary), description: str(f.description), due: str(f.due), done: false }, uid, new Date());
      await service().putObject(userOf(c), str(f.calendarId), nameForUid(uid), ics, { ifNoneMatch: '*' }, metadata(c));
    }, 'taskAdded');
  });
  app.post('/:cal/:obj/toggle', (c) => act(c, async () => {
    const user = userOf(c);
    const obj = await service().getObjectById(user, c.req.param('cal'), c.req.param('obj'));
    const t = readTask(obj.ics);
    await service().putObject(user, obj.calendarId, obj.name, buildTask({ ...t, done: !t.done }, obj.uid, new Date(), obj.ics), { ifMatch: obj.etag }, metadata(c));
  }, 'taskSaved'));
  app.post('/:cal/:obj/delete', (c) => act(c, () => service().deleteObjectById(userOf(c), c.req.param('cal'), c.req.param('obj'), metadata(c)), 'taskDeleted'));
  return app;
}

export function settingsRoutes(service: () => CalendarService): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const page = async (c: Context<CairnEnv>, settings?: CalendarSettings, flash = flashFrom(c), status: 200 | 400 | 403 | 404 = 200) => {
    const user = userOf(c);
    const [calendars, deleted, current, dismissed] = await Promise.all([service().listCalendars(user), service().deletedCalendars(user), service().settings(user), service().dismissedShares(user)]);
    c.status(status);
    return c.render(<SettingsPage settings={settings ?? current} calendars={calendars} deleted={deleted} dismissed={dismissed} csrfToken={c.var.csrfToken} flash={flash} colorsVersion={colorsVersion(calendars)} />, { title: 'Calendar settings' });
  };
  app.get('/', (c) => page(c));
  app.post('/', async (c) => {
    const user = userOf(c);
    const f = await c.req.parseBody();
    const current = await service().settings(user);
    const next: CalendarSettings = {
      ...current,
      timezone: str(f.timezone), weekStart: Number(str(f.weekStart)), defaultDurationMinutes: Number(str(f.defaultDurationMinutes)),
      workStart: str(f.workStart), workEnd: str(f.workEnd), defaultCalendarId: str(f.defaultCalendarId) || null,
    };
    try {
      await service().saveSettings(user, next, metadata(c));
      return c.redirect('/calendar/settings?done=settings', 303);
    } catch (e) {
      const err = userError(e);
      return page(c, next, { kind: 'error', text: err.message }, statusOf(err) === 404 ? 404 : 400);
    }
  });
  return app;
}
