// Calendar: events and tasks in calendars a user owns or that are shared with them,
// over CalDAV (core's DAV engine at /dav/calendars/) and the browser at /calendar.
// Wiring only: what the plugin contributes is declared in register(), the work is in
// the files it imports.
import type { ItipMailer } from './scheduling/scheduler.ts';
import type { EventDriveFiles, PresenceLookup } from './routes/event-routes.tsx';
import type { EventMetadata } from '../../core/events/types.ts';
import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { createCalendarService, type CalendarService } from './calendar-service.ts';
import { createCalendarDavBackend } from './caldav/calendar-dav-backend.ts';
import { calendarEvents } from './events.ts';
import { createCalendarTables } from './migrations/0001_calendar.ts';
import { calendarStore } from './projections/calendar-store.ts';
import { calendarUsers } from './projections/calendar-users.ts';
import { calendarRoutes } from './routes/calendar-routes.tsx';

export default definePlugin({
  id: 'calendar',
  version: '1.0.0',
  description: 'Calendars, events and tasks with CalDAV, sharing, public links and restore.',
  needs: ['db', 'events', 'auth', 'identity', 'appliance', 'logger', 'services'],
  register(r) {
    // State lives in the registration, not the module: two appliances in one process
    // (tests, an instance restore) each get their own service.
    let service: CalendarService | undefined;
    const calendars = () => (service ??= createCalendarService({
      ...r.services(),
      // Invitations by mail (iMIP) go through the mail plugin's submission when it is enabled.
      scheduling: { logger: r.services().logger.child({ part: 'scheduling' }), mailer: () => r.services().services.get<ItipMailer>('mail.submit') },
    }));
    r.events(calendarEvents);
    r.migrations([createCalendarTables]);
    r.projection(calendarStore);
    r.projection(calendarUsers);
    r.dav(createCalendarDavBackend(calendars));
    r.nav({ label: 'Calendar', href: '/calendar', icon: '▦', order: 20 });
    r.app(calendarRoutes(calendars, {
      publicBase: () => r.services().appliance.publicUrl.replace(/\/+$/, ''),
      groups: () => r.services().identity.listGroups(),
      driveFiles: () => r.services().services.get<EventDriveFiles>('drive.files'),
      presence: () => r.services().services.get<PresenceLookup>('chat.presence'),
    }));
    r.provide('service', calendars);
    // For the mail plugin: iMIP invitations, replies and cancellations that arrive by mail.
    r.provide('scheduling', () => ({ incoming: (userId: string, ics: string, from: string, meta: EventMetadata) => calendars().incomingItip(userId, ics, from, meta) }));
  },
});
