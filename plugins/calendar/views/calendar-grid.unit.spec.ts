import { describe, expect, it } from 'vitest';
import type { OccurrenceView } from '../calendar-service.ts';
import { byDay, layoutDay, step, viewRange, weekStartOf } from './calendar-grid.ts';

const occ = (summary: string, start: string, end: string, allDay = false): OccurrenceView => ({
  calendarId: 'c', objectId: summary, uid: summary, summary, location: '', start: Date.parse(start), end: Date.parse(end), allDay,
  recurrenceId: undefined, recurring: false, color: '#000000', writable: true,
});

describe('view ranges', () => {
  it('starts weeks on the chosen weekday and steps months from the first', () => {
    expect(weekStartOf('2026-03-04', 1)).toBe('2026-03-02');
    expect(weekStartOf('2026-03-04', 0)).toBe('2026-03-01');
    const m = viewRange('month', '2026-03-18', 1, 'Europe/Paris');
    expect([m.days[0], m.days.length]).toEqual(['2026-02-23', 42]);
    expect(new Date(m.from).toISOString()).toBe('2026-02-22T23:00:00.000Z');
    expect(step('month', '2026-01-31', 1)).toBe('2026-02-01');
    expect(step('year', '2026-05-05', -1)).toBe('2025-05-05');
  });
});

describe('day layout', () => {
  it('places timed events in quarter-hour rows and overlapping ones side by side', () => {
    const { timed, allDay } = layoutDay([
      occ('a', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z'),
      occ('b', '2026-03-02T09:30:00Z', '2026-03-02T11:00:00Z'),
      occ('c', '2026-03-02T13:00:00Z', '2026-03-02T13:10:00Z'),
      occ('d', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', true),
      occ('e', '2026-03-01T22:00:00Z', '2026-03-02T01:00:00Z'),
    ], '2026-03-02', 'UTC');
    expect(allDay.map((o) => o.summary)).toEqual(['d']);
    expect(timed.map((p) => [p.occ.summary, p.top, p.height, p.lane, p.lanes, p.continues.before])).toEqual([
      ['e', 0, 4, 0, 1, true], ['a', 36, 4, 0, 2, false], ['b', 38, 6, 1, 2, false], ['c', 52, 1, 0, 1, false],
    ]);
  });

  it('puts multi-day events on every day they touch in the zone', () => {
    const m = byDay([occ('trip', '2026-03-02T22:30:00Z', '2026-03-04T08:00:00Z')], ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'], 'Europe/Paris');
    // 22:30 UTC is 23:30 in Paris: the trip starts on the 2nd there, and ends on the 4th at 09:00.
    expect([...m].filter(([, l]) => l.length > 0).map(([d]) => d)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
  });
});
