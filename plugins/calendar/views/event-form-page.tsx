import { Button, Card, CsrfField, DriveFilePicker, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { CalendarView } from '../calendar-service.ts';
import { EVENT_COLORS, REMINDERS, type EventInput } from '../ical/event-form.ts';
import { CalendarAssets } from './calendar-shell.tsx';

export interface EventFormProps {
  input: EventInput;
  calendars: CalendarView[];
  calendarId: string;
  csrfToken: string;
  colorsVersion: string;
  flash?: FlashMessage | undefined;
  /** Set when editing. */
  existing?: { objectId: string; etag: string; rid: string | undefined; recurring: boolean; writable: boolean; calendarName: string } | undefined;
  /** Drive files can be attached as links (the drive plugin is enabled). */
  drive?: boolean;
  /** The organization's meeting rooms, to book one with the event. */
  rooms?: { name: string; address: string; capacity?: number | undefined }[];
  /** The viewer is invited (an attendee, not the organizer): their answer and who asked. */
  rsvp?: { partstat: string; organizer: string } | undefined;
  /** Who was invited and what they answered, with presence when a plugin provides it. */
  answers?: { email: string; partstat: string; presence?: string | undefined }[] | undefined;
}

const zones = (() => {
  // Intl lists canonical zones only; UTC is the default and must be choosable.
  try { return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')]; } catch { return ['UTC']; }
})();

const reminderLabel = (m: number) => (m === 0 ? 'At the start' : m < 60 ? `${m} minutes before` : m < 1440 ? `${m / 60} hour${m === 60 ? '' : 's'} before` : `${m / 1440} day${m === 1440 ? '' : 's'} before`);

const ANSWER_TEXT: Record<string, string> = { 'NEEDS-ACTION': 'no answer yet', ACCEPTED: 'accepted', TENTATIVE: 'maybe', DECLINED: 'declined' };
const RSVP_TEXT: Record<string, string> = { 'NEEDS-ACTION': 'You have not answered yet.', ACCEPTED: 'You accepted.', TENTATIVE: 'You might go.', DECLINED: 'You declined.' };

export function EventFormPage(p: EventFormProps) {
  const i = p.input;
  const ex = p.existing;
  const readOnly = ex !== undefined && !ex.writable;
  const action = ex ? `/calendar/events/${p.calendarId}/${ex.objectId}` : '/calendar/events';
  const occurrence = ex?.rid !== undefined && ex.recurring;
  return (
    <div class="stack cal-app-form">
      <CalendarAssets colorsVersion={p.colorsVersion} />
      <p><a href="/calendar">← Back to the calendar</a></p>
      <h1>{ex ? (readOnly ? i.summary || 'Event' : 'Edit event') : 'New event'}</h1>
      <MaybeFlash message={p.flash} />
      {readOnly ? <p class="flash flash-info">This event is in “{ex!.calendarName}”, shared with you read-only.</p> : null}
      {p.rsvp && ex && !readOnly ? (
        <Card title="Your answer" id="rsvp">
          <p class="muted">{p.rsvp.organizer} invited you. {RSVP_TEXT[p.rsvp.partstat] ?? ''}</p>
          <form method="post" action={`/calendar/events/${p.calendarId}/${ex.objectId}/rsvp`} class="row">
            <CsrfField token={p.csrfToken} />
            <Button name="partstat" value="ACCEPTED" variant={p.rsvp.partstat === 'ACCEPTED' ? 'primary' : 'secondary'}>Accept</Button>
            <Button name="partstat" value="TENTATIVE" variant={p.rsvp.partstat === 'TENTATIVE' ? 'primary' : 'secondary'}>Maybe</Button>
            <Button name="partstat" value="DECLINED" variant={p.rsvp.partstat === 'DECLINED' ? 'primary' : 'secondary'}>Decline</Button>
          </form>
        </Card>
      ) : null}
      <Card>
        <form method="post" action={action} class="event-form" id="event-form">
          <CsrfField token={p.csrfToken} />
          {ex ? <input type="hidden" name="etag" value={ex.etag} /> : null}
          {ex?.rid ? <input type="hidden" name="rid" value={ex.rid} /> : null}
          <fieldset disabled={readOnly} class="plain">
            <div class="field">
              <label for="summary">Title</label>
              <input id="summary" name="summary" value={i.summary} maxlength={500} autofocus={!ex} />
            </div>
            <label class="check"><input type="checkbox" id="allDay" name="allDay" value="1" checked={i.allDay} /> All day</label>
            <div class="grid2">
              <div class="field"><label for="startDate">Starts</label><input type="date" id="startDate" name="startDate" value={i.startDate} required /></div>
              <div class="field time-field"><label for="startTime">at</label><input type="time" id="startTime" name="startTime" value={i.startTime} step="300" /></div>
              <div class="field"><label for="endDate">Ends</label><input type="date" id="endDate" name="endDate" value={i.endDate} required /></div>
              <div class="field time-field"><label for="endTime">at</label><input type="time" id="endTime" name="endTime" value={i.endTime} step="300" /></div>
            </div>
            <div class="field time-field">
              <label for="tz">Time zone</label>
              <select id="tz" name="tz">{zones.map((z) => <option value={z} selected={z === i.tz}>{z}</option>)}</select>
            </div>
            {occurrence ? null : (
              <div class="grid2">
                <div class="field">
                  <label for="repeat">Repeats</label>
                  <select id="repeat" name="repeat">
                    {(['none', 'daily', 'weekly', 'monthly', 'yearly'] as const).map((r) => <option value={r} selected={r === i.repeat}>{r === 'none' ? 'Does not repeat' : r[0]!.toUpperCase() + r.slice(1)}</option>)}
                  </select>
                </div>
                <div class="field repeat-more"><label for="interval">Every</label><input type="number" id="interval" name="interval" min="1" max="99" value={String(i.interval)} /></div>
                <div class="field repeat-more">
                  <label for="ends">Ends</label>
                  <select id="ends" name="ends">
                    <option value="never" selected={i.ends === 'never'}>Never</option>
                    <option value="count" selected={i.ends === 'count'}>After a number of times</option>
                    <option value="until" selected={i.ends === 'until'}>On a date</option>
                  </select>
                </div>
                <div class="field repeat-more"><label for="count">Times</label><input type="number" id="count" name="count" min="1" max="1000" value={String(i.count)} /></div>
                <div class="field repeat-more"><label for="until">Until</label><input type="date" id="until" name="until" value={i.until} /></div>
              </div>
            )}
            <div class="field"><label for="location">Location</label><input id="location" name="location" value={i.location} maxlength={500} /></div>
            <div class="field"><label for="description">Description</label><textarea id="description" name="description" rows={4}>{i.description}</textarea></div>
            {p.drive && !readOnly ? (
              <details class="event-drive" id="event-drive">
                <summary hx-get="/calendar/events/drive" hx-target="#event-drive-picker" hx-swap="outerHTML" hx-trigger="click once">Attach a file from your drive (as a link)</summary>
                <ul id="event-drive-links" class="list"></ul>
                <div id="event-drive-picker"><p class="muted">Loading…</p></div>
              </details>
            ) : null}
            <div class="grid2">
              <div class="field">
                <label for="calendarId">Calendar</label>
                <select id="calendarId" name="calendarId" disabled={occurrence}>
                  {p.calendars.map((c) => <option value={c.id} selected={c.id === p.calendarId}>{c.displayName}</option>)}
                </select>
              </div>
              <div class="field">
                <label for="reminder">Reminder</label>
                <select id="reminder" name="reminder">
                  <option value="" selected={i.reminderMinutes === null}>None</option>
                  {REMINDERS.map((m) => <option value={String(m)} selected={m === i.reminderMinutes}>{reminderLabel(m)}</option>)}
                </select>
              </div>
            </div>
            <div class="field">
              <label for="attendees">Attendees</label>
              <textarea id="attendees" name="attendees" rows={2} aria-describedby="attendees-hint">{i.attendees.join('\n')}</textarea>
              <span class="hint" id="attendees-hint">Email addresses, one per line.</span>
              {p.answers && p.answers.length > 0 ? (
                <ul class="list attendee-answers" id="attendee-answers">
                  {p.answers.map((x) => (
                    <li>
                      {x.presence ? <span class={`presence presence-${x.presence}`} role="img" aria-label={x.presence}></span> : null} {x.email}{' '}
                      <span class={`answer answer-${x.partstat.toLowerCase()}`}>{ANSWER_TEXT[x.partstat] ?? x.partstat}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
              {p.rooms && p.rooms.length > 0 && !readOnly ? (
                <div class="field">
                  <label for="room">Book a room</label>
                  <select id="room" name="room">
                    <option value="">No room</option>
                    {p.rooms.filter((r) => !i.attendees.includes(r.address)).map((r) => <option value={r.address}>{r.name}{r.capacity ? ` (${r.capacity} people)` : ''}</option>)}
                  </select>
                  <span class="hint">The room accepts when it is free and declines when it is booked; its answer shows among the attendees.</span>
                </div>
              ) : null}
              {readOnly ? null : <button type="button" class="btn btn-small btn-secondary" hx-get="/calendar/events/availability" hx-include="#attendees,#startDate,#tz" hx-target="#availability" hx-swap="innerHTML">Check availability</button>}
              <div id="availability" aria-live="polite"></div>
            </div>
            <fieldset class="colors">
              <legend class="visually-hidden">Color</legend>
              <label><input type="radio" name="color" value="" checked={i.color === null} /> Calendar’s color</label>
              {EVENT_COLORS.map((c) => <label><input type="radio" name="color" value={c} checked={i.color === c} /><span class={`swatch evc-${c}`} aria-hidden="true"></span>{c}</label>)}
            </fieldset>
            {occurrence ? (
              <fieldset class="scope">
                <legend>Change</legend>
                <label class="check"><input type="radio" name="scope" value="this" checked /> Only this occurrence</label>
                <label class="check"><input type="radio" name="scope" value="all" /> All occurrences</label>
              </fieldset>
            ) : null}
            <div class="form-actions"><Button>{ex ? 'Save' : 'Create event'}</Button><a class="btn btn-ghost" href="/calendar">Cancel</a></div>
          </fieldset>
        </form>
        {ex && !readOnly ? (
          <form method="post" action={`/calendar/events/${p.calendarId}/${ex.objectId}/delete`} class="danger-zone form-actions" id="delete-event">
            <CsrfField token={p.csrfToken} />
            {ex.rid ? <input type="hidden" name="rid" value={ex.rid} /> : null}
            {occurrence ? (
              <>
                <Button variant="danger" name="scope" value="this">Delete this occurrence</Button>
                <Button variant="danger" name="scope" value="all">Delete all occurrences</Button>
              </>
            ) : <Button variant="danger" name="scope" value="all">Delete event</Button>}
          </form>
        ) : null}
      </Card>
    </div>
  );
}

/** The scheduling assistant: each attendee's busy hours on the event's day (local people only). */
export function Availability({ date, tz, people, hours }: { date: string; tz: string; people: { email: string; busy: { start: number; end: number }[] | undefined }[]; hours: { label: string; from: number; to: number }[] }) {
  return (
    <table class="table availability" id="availability-table">
      <caption class="muted small">Busy times on {date} ({tz}); titles stay private.</caption>
      <thead><tr><th scope="col">Who</th>{hours.map((h) => <th scope="col">{h.label}</th>)}</tr></thead>
      <tbody>
        {people.map((p) => (
          <tr>
            <th scope="row">{p.email}</th>
            {p.busy === undefined
              ? <td colSpan={hours.length} class="muted">not in the organization: free/busy unknown</td>
              : hours.map((h) => {
                const busy = p.busy!.some((b) => b.start < h.to && b.end > h.from);
                return <td class={busy ? 'busy' : 'free'} title={busy ? 'busy' : 'free'}>{busy ? '■' : ''}</td>;
              })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A drive file linked to the event: added to the description when the event is saved. */
export function EventDriveLink({ name, url }: { name: string; url: string }) {
  return (
    <li class="event-drive-link">
      <input type="hidden" name="driveLink" value={JSON.stringify({ name, url })} />
      🔗 {name} <a class="muted small" href={url} target="_blank" rel="noopener">{url}</a>
    </li>
  );
}

/** One folder of the user's drive: folders open in place, files get a public or colleagues-only link. */
export function EventDrivePicker({ items, folder, parent }: { items: { id: string; name: string; kind: 'folder' | 'file' }[]; folder: string | undefined; parent: string | undefined }) {
  return (
    <DriveFilePicker items={items} folder={folder} parent={parent} base="/calendar/events/drive" id="event-drive-picker" linksTarget="#event-drive-links"
      listClass="list" labels={{ public: 'Public link', restricted: 'Colleagues only' }} />
  );
}
