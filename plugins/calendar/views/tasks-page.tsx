import { Button, Card, CsrfField, FormField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { CalendarInfo, CalendarView, ObjectInfo } from '../calendar-service.ts';
import type { CalendarSettings } from '../events.ts';
import { CalendarAssets } from './calendar-shell.tsx';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function TasksPage(p: { tasks: (ObjectInfo & { writable: boolean })[]; calendars: CalendarView[]; csrfToken: string; flash?: FlashMessage | undefined; today: string; colorsVersion: string }) {
  const holders = p.calendars.filter((c) => c.components.includes('VTODO') && c.right !== 'read');
  const open = p.tasks.filter((t) => !t.completed);
  const done = p.tasks.filter((t) => t.completed);
  const item = (t: ObjectInfo & { writable: boolean }) => (
    <li class={t.completed ? 'done' : undefined} data-object-id={t.objectId}>
      <form method="post" action={`/calendar/tasks/${t.calendarId}/${t.objectId}/toggle`}>
        <CsrfField token={p.csrfToken} />
        <Button small variant="secondary" disabled={!t.writable} aria-label={t.completed ? `Mark “${t.summary}” not done` : `Mark “${t.summary}” done`}>{t.completed ? '↺' : '✓'}</Button>
      </form>
      <span class={`swatch cal-${t.calendarId}`} aria-hidden="true"></span>
      <span class="title">{t.summary || 'Untitled'}</span>
      {t.due !== null ? <span class={!t.completed && day(t.due) < p.today ? 'overdue small' : 'muted small'}>due {day(t.due)}</span> : null}
      {t.writable ? (
        <form method="post" action={`/calendar/tasks/${t.calendarId}/${t.objectId}/delete`}>
          <CsrfField token={p.csrfToken} />
          <Button small variant="ghost" aria-label={`Delete “${t.summary}”`}>Delete</Button>
        </form>
      ) : null}
    </li>
  );
  return (
    <div class="stack">
      <CalendarAssets colorsVersion={p.colorsVersion} />
      <p><a href="/calendar">← Back to the calendar</a></p>
      <h1>Tasks</h1>
      <MaybeFlash message={p.flash} />
      {holders.length > 0 ? (
        <Card title="New task">
          <form method="post" action="/calendar/tasks" class="row">
            <CsrfField token={p.csrfToken} />
            <FormField label="Title" name="summary" required maxlength={500} />
            <div class="field"><label for="due">Due</label><input type="date" id="due" name="due" /></div>
            <div class="field">
              <label for="calendarId">In</label>
              <select id="calendarId" name="calendarId">{holders.map((c) => <option value={c.id}>{c.displayName}</option>)}</select>
            </div>
            <Button>Add task</Button>
          </form>
        </Card>
      ) : <p class="muted">None of your calendars holds tasks.</p>}
      <Card title={`To do (${open.length})`}>
        {open.length === 0 ? <p class="muted">Nothing to do.</p> : <ul class="tasks" id="open-tasks">{open.map(item)}</ul>}
      </Card>
      {done.length > 0 ? <Card title={`Done (${done.length})`}><ul class="tasks" id="done-tasks">{done.map(item)}</ul></Card> : null}
    </div>
  );
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const zones = (() => {
  // Intl lists canonical zones only; UTC is the default and must be choosable.
  try { return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')]; } catch { return ['UTC']; }
})();

export function SettingsPage(p: { settings: CalendarSettings; calendars: CalendarView[]; deleted: CalendarInfo[]; dismissed: CalendarView[]; csrfToken: string; flash?: FlashMessage | undefined; colorsVersion: string }) {
  const s = p.settings;
  return (
    <div class="stack">
      <CalendarAssets colorsVersion={p.colorsVersion} />
      <p><a href="/calendar">← Back to the calendar</a></p>
      <h1>Calendar settings</h1>
      <MaybeFlash message={p.flash} />
      <Card>
        <form method="post" action="/calendar/settings" class="stack" id="settings-form">
          <CsrfField token={p.csrfToken} />
          <div class="field">
            <label for="timezone">Time zone</label>
            <select id="timezone" name="timezone">{zones.map((z) => <option value={z} selected={z === s.timezone}>{z}</option>)}</select>
          </div>
          <div class="row">
            <div class="field">
              <label for="weekStart">Week starts on</label>
              <select id="weekStart" name="weekStart">{[1, 0, 6].map((d) => <option value={String(d)} selected={d === s.weekStart}>{WEEKDAYS[d]}</option>)}</select>
            </div>
            <div class="field">
              <label for="defaultDurationMinutes">New events last (minutes)</label>
              <input type="number" id="defaultDurationMinutes" name="defaultDurationMinutes" min="5" max="1440" step="5" value={String(s.defaultDurationMinutes)} />
            </div>
          </div>
          <div class="row">
            <div class="field"><label for="workStart">Working hours from</label><input type="time" id="workStart" name="workStart" value={s.workStart} /></div>
            <div class="field"><label for="workEnd">to</label><input type="time" id="workEnd" name="workEnd" value={s.workEnd} /></div>
          </div>
          <div class="field">
            <label for="defaultCalendarId">New events go to</label>
            <select id="defaultCalendarId" name="defaultCalendarId">
              <option value="">The first calendar</option>
              {p.calendars.filter((c) => c.right !== 'read').map((c) => <option value={c.id} selected={c.id === s.defaultCalendarId}>{c.displayName}</option>)}
            </select>
          </div>
          <div class="form-actions"><Button>Save settings</Button></div>
        </form>
      </Card>
      {p.dismissed.length > 0 ? (
        <Card title="Shared calendars you removed" id="dismissed-shares">
          <ul class="tasks">
            {p.dismissed.map((c) => (
              <li>
                <span class="title">{c.displayName}</span>
                <form method="post" action={`/calendar/shares/${c.id}/accept`}><CsrfField token={p.csrfToken} /><Button small variant="secondary">Add again</Button></form>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card title="Deleted calendars" id="deleted-calendars">
        {p.deleted.length === 0 ? <p class="muted">None.</p> : (
          <ul class="tasks">
            {p.deleted.map((c) => (
              <li>
                <span class="title">{c.displayName} <span class="muted small">deleted {c.deletedAt!.slice(0, 10)}</span></span>
                <form method="post" action={`/calendar/calendars/${c.id}/undelete`}><CsrfField token={p.csrfToken} /><Button small variant="secondary">Restore</Button></form>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
