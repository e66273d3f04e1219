import type { Child } from 'hono/jsx';
import { Button, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { CalendarView, OccurrenceView } from '../calendar-service.ts';
import { EVENT_COLORS } from '../ical/event-form.ts';
import { clock } from './calendar-grid.ts';
import { calendarAssetUrl } from './calendar-static.ts';

export interface ShellProps {
  calendars: CalendarView[];
  hidden: string[];
  pending: CalendarView[];
  csrfToken: string;
  flash?: FlashMessage | undefined;
  /** Where the sidebar's forms come back to. */
  back: string;
  /** Version of the per-user colors stylesheet (changes when colors change). */
  colorsVersion: string;
  children?: Child;
}

/** The calendar stylesheets and script; a page outside the shell includes them too. */
export function CalendarAssets({ colorsVersion }: { colorsVersion: string }) {
  return (
    <>
      <link rel="stylesheet" href={calendarAssetUrl('calendar.css')} />
      <link rel="stylesheet" href={`/calendar/colors.css?v=${colorsVersion}`} />
      <script src={calendarAssetUrl('calendar.js')} defer></script>
    </>
  );
}

export function evClass(o: Pick<OccurrenceView, 'calendarId' | 'color' | 'writable'>, extra = ''): string {
  const palette = (EVENT_COLORS as readonly string[]).includes(o.color) ? ` evc-${o.color}` : '';
  return `ev cal-${o.calendarId}${palette}${o.writable ? '' : ' readonly'}${extra ? ` ${extra}` : ''}`;
}

export function eventHref(o: Pick<OccurrenceView, 'calendarId' | 'objectId' | 'recurrenceId'>): string {
  return `/calendar/events/${encodeURIComponent(o.calendarId)}/${encodeURIComponent(o.objectId)}${o.recurrenceId ? `?rid=${encodeURIComponent(o.recurrenceId)}` : ''}`;
}

/** Attributes that let calendar.js drag a writable event to another day or time. */
export function dragAttrs(o: OccurrenceView): Record<string, string> {
  if (!o.writable) return {};
  return {
    draggable: 'true',
    'data-move': `/calendar/events/${encodeURIComponent(o.calendarId)}/${encodeURIComponent(o.objectId)}/move`,
    ...(o.recurrenceId ? { 'data-rid': o.recurrenceId } : {}),
  };
}

/** An event as a one-line chip: time (unless all-day) and title. */
export function EventChip({ o, tz, showTime = true, draggable = false }: { o: OccurrenceView; tz: string; showTime?: boolean; draggable?: boolean }) {
  return (
    <a class={evClass(o)} href={eventHref(o)} data-event-id={o.objectId} title={o.summary || 'Untitled'} {...(draggable ? dragAttrs(o) : {})}>
      {showTime && !o.allDay ? <span class="time">{clock(o.start, tz)}</span> : null}
      {o.summary || 'Untitled'}
      {o.recurring ? <span class="visually-hidden"> (repeats)</span> : null}
    </a>
  );
}

export function CalendarShell(p: ShellProps) {
  const hidden = new Set(p.hidden);
  return (
    <div class="cal-app">
      <CalendarAssets colorsVersion={p.colorsVersion} />
      <aside class="cal-side" aria-label="Calendars">
        <a class="btn btn-block" href="/calendar/events/new">New event</a>
        <div class="card" id="calendar-list">
          <h2>My calendars</h2>
          <form method="post" action="/calendar/visibility" data-autosubmit>
            <CsrfField token={p.csrfToken} />
            <input type="hidden" name="back" value={p.back} />
            <input type="hidden" name="listed" value={p.calendars.map((c) => c.id).join(',')} />
            <ul class="cal-list">
              {p.calendars.map((c) => (
                <li data-calendar-id={c.id}>
                  <label>
                    <input type="checkbox" name="show" value={c.id} checked={!hidden.has(c.id)} />
                    <span class={`swatch cal-${c.id}`} aria-hidden="true"></span>
                    <span class="name">{c.displayName}{c.shared ? <span class="muted"> · shared</span> : null}</span>
                  </label>
                  <a class="manage" href={`/calendar/calendars/${c.id}`} aria-label={`Manage ${c.displayName}`} title="Manage">⋯</a>
                </li>
              ))}
            </ul>
            <div class="js-hide"><Button small variant="secondary">Apply</Button></div>
          </form>
          <div class="side-links">
            <a href="/calendar/calendars/new">+ New calendar</a>
          </div>
        </div>
        {p.pending.length > 0 ? (
          <div class="card" id="pending-shares">
            <h2>Shared with you</h2>
            <ul class="cal-list">
              {p.pending.map((c) => (
                <li>
                  <span class="name">{c.displayName}</span>
                  <form method="post" action={`/calendar/shares/${c.id}/accept`}>
                    <CsrfField token={p.csrfToken} />
                    <Button small variant="secondary" aria-label={`Add ${c.displayName}`}>Add</Button>
                  </form>
                  <form method="post" action={`/calendar/shares/${c.id}/hide`}>
                    <CsrfField token={p.csrfToken} />
                    <Button small variant="ghost" aria-label={`Dismiss ${c.displayName}`}>✕</Button>
                  </form>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div class="card">
          <div class="side-links">
            <a href="/calendar/tasks">Tasks</a>
            <a href="/calendar/rooms">Meeting rooms</a>
            <a href="/calendar/settings">Settings</a>
          </div>
        </div>
      </aside>
      <div class="cal-main">
        <MaybeFlash message={p.flash} />
        {p.children}
      </div>
    </div>
  );
}
