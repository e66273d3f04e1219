// The five views of /calendar: day and week (time grid), month, agenda, year.
import type { OccurrenceView } from '../calendar-service.ts';
import type { CalendarSettings } from '../events.ts';
import { addDays, byDay, clock, layoutDay, step, weekday, type ViewName } from './calendar-grid.ts';
import { EventChip, dragAttrs, evClass, eventHref } from './calendar-shell.tsx';
import { wallclock } from '../ical/zoned-time.ts';

const VIEWS: [ViewName, string][] = [['day', 'Day'], ['week', 'Week'], ['month', 'Month'], ['agenda', 'Agenda'], ['year', 'Year']];
const WD = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const href = (view: ViewName, date: string) => `/calendar?view=${view}&date=${date}`;
const dayLabel = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

export interface ViewProps {
  view: ViewName;
  date: string;
  today: string;
  title: string;
  days: string[];
  occurrences: OccurrenceView[];
  truncated: boolean;
  settings: CalendarSettings;
  tz: string;
  now: number;
}

export function Toolbar({ view, date, today, title }: Pick<ViewProps, 'view' | 'date' | 'today' | 'title'>) {
  return (
    <div class="cal-toolbar">
      <h1 id="view-title">{title}</h1>
      <span class="nav">
        <a class="btn btn-secondary btn-small" href={href(view, today)}>Today</a>
        <a class="btn btn-secondary btn-small" href={href(view, step(view, date, -1))} aria-label="Previous" rel="prev">‹</a>
        <a class="btn btn-secondary btn-small" href={href(view, step(view, date, 1))} aria-label="Next" rel="next">›</a>
      </span>
      <nav class="segmented" aria-label="View">
        {VIEWS.map(([v, label]) => <a href={href(v, date)} aria-current={v === view ? 'page' : undefined}>{label}</a>)}
      </nav>
      {view === 'agenda' ? <button type="button" class="btn btn-secondary btn-small cal-print" data-print>Print</button> : null}
    </div>
  );
}

export function CalendarViewBody(p: ViewProps) {
  return (
    <>
      <Toolbar {...p} />
      {p.truncated ? <p class="flash flash-warning">There are too many events to show them all here; choose a shorter view.</p> : null}
      {p.view === 'day' || p.view === 'week' ? <TimeGrid {...p} /> : null}
      {p.view === 'month' ? <MonthGrid {...p} /> : null}
      {p.view === 'agenda' ? <Agenda {...p} /> : null}
      {p.view === 'year' ? <YearGrid {...p} /> : null}
    </>
  );
}

function TimeGrid(p: ViewProps) {
  const layouts = p.days.map((d) => ({ day: d, ...layoutDay(p.occurrences, d, p.tz) }));
  const workStart = Number(p.settings.workStart.slice(0, 2));
  const nowW = wallclock(p.now, p.tz);
  const nowSlot = Math.floor((nowW.hour * 60 + nowW.minute) / 15);
  return (
    <div class="cal-scroll">
      <div class={`tgrid days-${p.days.length}`}>
        <div class="corner head">{p.tz}</div>
        {layouts.map((l) => (
          <div class={`dayhead${l.day === p.today ? ' today' : ''}`}>
            <a href={href('day', l.day)}>{dayLabel(l.day)}</a>
          </div>
        ))}
        <div class="corner ad">all day</div>
        {layouts.map((l) => (
          <div class="allday" data-day={l.day}>
            {l.allDay.map((o) => <EventChip o={o} tz={p.tz} showTime={false} draggable />)}
          </div>
        ))}
        <div class="hours" aria-hidden="true">
          {Array.from({ length: 24 }, (_, h) => (h === 0 ? null : <span class={`t-${h * 4}`}>{String(h).padStart(2, '0')}:00</span>))}
        </div>
        {layouts.map((l) => {
          return (
            <div class="day" data-day={l.day}>
              {Array.from({ length: 24 }, (_, h) => (
                <a class={`slot t-${h * 4}`} href={`/calendar/events/new?date=${l.day}&time=${String(h).padStart(2, '0')}:00`} aria-label={`New event ${dayLabel(l.day)} ${h}:00`} {...(h === workStart ? { 'data-scroll-here': '' } : {})}></a>
              ))}
              {l.day === p.today ? <div class={`now t-${nowSlot}`} aria-hidden="true"></div> : null}
              {l.timed.map((e) => (
                <a class={evClass(e.occ, `block t-${e.top} h-${e.height} ln-${e.lane}-${e.lanes}${e.height <= 2 ? ' short' : ''}`)} href={eventHref(e.occ)} data-event-id={e.occ.objectId} {...(e.continues.before ? {} : dragAttrs(e.occ))} title={`${clock(e.occ.start, p.tz)}–${clock(e.occ.end, p.tz)} ${e.occ.summary}`}>
                  <span class="time">{clock(e.occ.start, p.tz)}</span>{e.occ.summary || 'Untitled'}
                  {e.occ.location ? <span class="muted"> · {e.occ.location}</span> : null}
                </a>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Chips shown in one month cell before "+N more". */
const MONTH_CELL_MAX = 4;

function MonthGrid(p: ViewProps) {
  const map = byDay(p.occurrences, p.days, p.tz);
  const month = p.date.slice(0, 7);
  return (
    <div class="mgrid">
      {p.days.slice(0, 7).map((d) => <div class="wd">{WD[weekday(d)]}</div>)}
      {p.days.map((d) => {
        const list = map.get(d) ?? [];
        return (
          <div class={`cell${d.slice(0, 7) === month ? '' : ' other'}${d === p.today ? ' today' : ''}`} data-day={d}>
            <a class="num" href={href('day', d)} aria-label={dayLabel(d)}>{Number(d.slice(8))}</a>
            {list.slice(0, MONTH_CELL_MAX).map((o) => <EventChip o={o} tz={p.tz} draggable />)}
            {list.length > MONTH_CELL_MAX ? <a class="more" href={href('day', d)}>+{list.length - MONTH_CELL_MAX} more</a> : null}
          </div>
        );
      })}
    </div>
  );
}

function Agenda(p: ViewProps) {
  const map = byDay(p.occurrences, p.days, p.tz);
  const days = p.days.filter((d) => (map.get(d) ?? []).length > 0);
  if (days.length === 0) return <p class="muted" id="agenda-empty">Nothing planned in the next 30 days. <a href="/calendar/events/new">Add an event</a></p>;
  return (
    <ul class="agenda" aria-labelledby="view-title">
      {days.map((d) => (
        <li>
          <div class={`date${d === p.today ? ' today' : ''}`}>{dayLabel(d)}</div>
          <ul>
            {(map.get(d) ?? []).map((o) => (
              <li>
                <a class={evClass(o)} href={eventHref(o)} data-event-id={o.objectId}>
                  <span class="time">{o.allDay ? 'all day' : `${clock(o.start, p.tz)}–${clock(o.end, p.tz)}`}</span>
                  <strong>{o.summary || 'Untitled'}</strong>
                  {o.location ? <span class="muted"> · {o.location}</span> : null}
                </a>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

function YearGrid(p: ViewProps) {
  const map = byDay(p.occurrences, p.days, p.tz);
  const year = p.date.slice(0, 4);
  return (
    <div class="ygrid">
      {Array.from({ length: 12 }, (_, m) => {
        const first = `${year}-${String(m + 1).padStart(2, '0')}-01`;
        const lead = (weekday(first) - p.settings.weekStart + 7) % 7;
        const days: string[] = [];
        for (let d = first; d.slice(0, 7) === first.slice(0, 7); d = addDays(d, 1)) days.push(d);
        return (
          <section class="ymonth">
            <h3><a href={href('month', first)}>{new Date(`${first}T00:00:00Z`).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })}</a></h3>
            <div class="days">
              {Array.from({ length: 7 }, (_, i) => <span class="wd">{WD[(p.settings.weekStart + i) % 7]!.slice(0, 2)}</span>)}
              {Array.from({ length: lead }, () => <span></span>)}
              {days.map((d) => {
                const n = (map.get(d) ?? []).length;
                return <a class={`${n > 0 ? 'busy' : ''}${d === p.today ? ' today' : ''}`.trim() || undefined} href={href('day', d)} aria-label={`${dayLabel(d)}${n > 0 ? `, ${n} events` : ''}`}>{Number(d.slice(8))}</a>;
              })}
            </div>
          </section>
        );
      })}
    </div>
  );
}
