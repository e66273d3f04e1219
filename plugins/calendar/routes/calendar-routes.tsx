// The browser app at /calendar. Static files and the public .ics feed need no session;
// everything else is for signed-in users and acts only on calendars they may see.
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { isCairnError } from '../../../core/errors.ts';
import type { CalendarService } from '../calendar-service.ts';
import { calendarStaticRoutes, colorsCss } from '../views/calendar-static.ts';
import { calendarAdminRoutes } from './calendar-admin-routes.tsx';
import { eventRoutes, type EventDriveFiles, type PresenceLookup } from './event-routes.tsx';
import { roomRoutes } from './room-routes.tsx';
import { settingsRoutes, taskRoutes } from './task-routes.tsx';
import { userOf } from './route-kit.ts';
import { viewRoutes } from './view-routes.tsx';

export interface CalendarRouteDeps {
  /** The appliance's public base URL (for the public link and the CalDAV address shown). */
  publicBase(): string;
  groups(): Promise<{ id: string; name: string; members: string[] }[]>;
  /** The drive's file picker (`drive.files`) when the drive plugin is enabled. */
  driveFiles?(): EventDriveFiles | undefined;
  /** Presence of people (`chat.presence`) when the chat plugin is enabled. */
  presence?(): PresenceLookup | undefined;
}

export function calendarRoutes(service: () => CalendarService, deps: CalendarRouteDeps): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.route('/', calendarStaticRoutes());
  // The public read-only feed: no session, the long random token is the credential.
  app.get('/public/:file', async (c) => {
    const token = c.req.param('file').replace(/\.ics$/, '');
    try {
      const { filename, body } = await service().publicIcs(token);
      return c.body(body, 200, {
        'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'Cache-Control': 'no-cache', 'X-Robots-Tag': 'noindex',
      });
    } catch (e) {
      if (isCairnError(e) && e.status === 404) return c.text('Not found', 404);
      throw e;
    }
  });
  app.use('*', requireUser);
  app.get('/colors.css', async (c) => {
    const css = colorsCss(await service().listCalendars(userOf(c)));
    return c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'private, max-age=31536000, immutable' });
  });
  app.route('/events', eventRoutes(service, () => deps.driveFiles?.(), () => deps.presence?.()));
  app.route('/calendars', calendarAdminRoutes(service, deps));
  app.route('/tasks', taskRoutes(service));
  app.route('/settings', settingsRoutes(service));
  app.route('/rooms', roomRoutes(service));
  app.route('/', viewRoutes(service));
  return app;
}
