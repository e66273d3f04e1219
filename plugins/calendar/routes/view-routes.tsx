// GET /calendar: the day, week, month, agenda and year views; the sidebar's forms
// (which calendars are shown, adding or dismissing a calendar shared with you).
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import type { CalendarService } from '../calendar-service.ts';
import { safeZone } from '../ical/zoned-time.ts';
import { isDate, today, viewRange, type ViewName } from '../views/calendar-grid.ts';
import { CalendarShell } from '../views/calendar-shell.tsx';
import { CalendarViewBody } from '../views/calendar-views.tsx';
import { flashFrom, metadata, safeBack, shellData, str, userOf } from './route-kit.ts';

const VIEWS: ViewName[] = ['day', 'week', 'month', 'agenda', 'year'];

export function viewRoutes(service: () => CalendarService): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();

  app.get('/', async (c) => {
    const user = userOf(c);
    const shell = await shellData(service(), c);
    const settings = await service().settings(user);
    const tz = safeZone(settings.timezone);
    const view = (VIEWS as string[]).includes(c.req.query('view') ?? '') ? (c.req.query('view') as ViewName) : 'week';
    const now = Date.now();
    const date = isDate(c.req.query('date')) ? c.req.query('date')! : today(tz, now);
    const range = viewRange(view, date, settings.weekStart, tz);
    const hidden = new Set(shell.hidden);
    const visible = shell.calendars.filter((x) => !hidden.has(x.id)).map((x) => x.id);
    const { occurrences, truncated } = await service().occurrences(user, { from: range.from, to: range.to, tz, calendarIds: visible });
    const back = `/calendar?view=${view}&date=${date}`;
    return c.render(
      <CalendarShell {...shell} csrfToken={c.var.csrfToken} back={back} flash={flashFrom(c)}>
        <CalendarViewBody view={view} date={date} today={today(tz, now)} title={range.title} days={range.days} occurrences={occurrences} truncated={truncated} settings={settings} tz={tz} now={now} />
      </CalendarShell>,
      { title: 'Calendar' },
    );
  });

  app.post('/visibility', async (c) => {
    const user = userOf(c);
    const f = await c.req.parseBody({ all: true });
    const shown = new Set([f.show].flat().map(str));
    const listed = str(f.listed).split(',').filter(Boolean);
    const settings = await service().settings(user);
    // Calendars not on this form (made elsewhere meanwhile) keep their state.
    const hidden = new Set(settings.hidden.filter((id) => !listed.includes(id)));
    for (const id of listed) if (!shown.has(id)) hidden.add(id);
    await service().saveSettings(user, { ...settings, hidden: [...hidden] }, metadata(c));
    return c.redirect(safeBack(f.back), 303);
  });

  app.post('/shares/:id/accept', async (c) => {
    await service().acceptShare(userOf(c), c.req.param('id'), metadata(c));
    return c.redirect('/calendar?done=accepted', 303);
  });
  app.post('/shares/:id/hide', async (c) => {
    await service().hideShare(userOf(c), c.req.param('id'), metadata(c));
    return c.redirect('/calendar?done=hidden', 303);
  });
  return app;
}
