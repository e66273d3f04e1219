// /calendar/rooms: the organization's meeting rooms. Everyone sees them (and may show a
// room's calendar); administrators add them. Booking happens in the event form.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { Button, Card, CsrfField, FormField, MaybeFlash } from '../../../ui/components/index.ts';
import type { CalendarService } from '../calendar-service.ts';
import { metadata, statusOf, str, userError, userOf } from './route-kit.ts';

export function roomRoutes(service: () => CalendarService): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const page = async (c: Context<CairnEnv>, flash?: { kind: 'error' | 'success'; text: string }, status: 200 | 400 | 403 | 409 = 200) => {
    const user = userOf(c);
    const rooms = await service().rooms();
    const mine = new Set((await service().listCalendars(user)).map((x) => x.id));
    c.status(status);
    return c.render(
      <div class="stack" id="rooms">
        <p><a href="/calendar">← Back to the calendar</a></p>
        <h1>Meeting rooms</h1>
        <MaybeFlash message={flash} />
        <Card>
          {rooms.length === 0 ? <p class="muted">No meeting rooms yet.</p> : (
            <ul class="list">
              {rooms.map((r) => (
                <li class="row" data-room={r.room!.address}>
                  <span class="grow"><strong>{r.displayName}</strong> <span class="muted small">{r.room!.address}{r.room!.capacity ? ` · ${r.room!.capacity} people` : ''}</span></span>
                  {mine.has(r.id) ? <span class="muted small">in your calendars</span> : (
                    <form method="post" action={`/calendar/shares/${r.id}/accept`}><CsrfField token={c.var.csrfToken} /><Button small variant="secondary">Show its calendar</Button></form>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {user.role === 'owner' || user.role === 'admin' ? (
          <Card title="Add a room" description="People book it by choosing it in an event; it accepts when free and declines when booked.">
            <form method="post" action="/calendar/rooms" class="stack">
              <CsrfField token={c.var.csrfToken} />
              <FormField label="Name" name="name" required maxlength={200} />
              <div class="field"><label for="room-capacity">Capacity (people)</label><input id="room-capacity" name="capacity" type="number" min="0" max="100000" /></div>
              <div class="form-actions"><Button>Add room</Button></div>
            </form>
          </Card>
        ) : null}
      </div>,
      { title: 'Meeting rooms' },
    );
  };
  app.get('/', (c) => page(c));
  app.post('/', async (c) => {
    const f = await c.req.parseBody();
    try {
      const capacity = Number(str(f.capacity) || 0);
      await service().createRoom(userOf(c), { name: str(f.name), ...(Number.isInteger(capacity) && capacity > 0 ? { capacity } : {}) }, metadata(c));
      return c.redirect('/calendar/rooms', 303);
    } catch (e) {
      const err = userError(e);
      return page(c, { kind: 'error', text: err.message }, statusOf(err) as 400 | 403 | 409);
    }
  });
  return app;
}
