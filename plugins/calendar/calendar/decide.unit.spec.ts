import { describe, expect, it } from 'vitest';
import { DavPreconditionFailed } from '../../../core/dav/errors.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { CalendarEvent, CalendarFields } from '../events.ts';
import { decideObject } from '../object/decide.ts';
import { evolveObject, type ObjectState } from '../object/state.ts';
import { decideUser } from '../user/decide.ts';
import { initialUser } from '../user/state.ts';
import { calendarSpec } from './calendar-restore.ts';
import { decideCalendar } from './decide.ts';
import { evolveCalendar, type CalendarState } from './state.ts';

let pos = 0;
const stored = (e: CalendarEvent, stream = 's'): StoredEvent => ({
  ...e, position: ++pos, stream, streamPosition: pos, recordedAt: 0, metadata: { actor: 'u1', source: 'ui', time: '2026-01-01T00:00:00.000Z' },
});
const fields: CalendarFields = { slug: 'work', displayName: 'Work', color: '#112233', description: '', order: 0, components: ['VEVENT', 'VTODO'], timezone: 'UTC', deadProps: {} };
const created: CalendarEvent = { type: 'calendar.CalendarCreated', data: { calendarId: 'c1', owner: 'u1', ...fields } };
const cal = (...es: CalendarEvent[]): CalendarState => es.map((e) => stored(e)).reduce(evolveCalendar, undefined as CalendarState);

describe('calendar decide', () => {
  it('creates once, validating name, color and slug', () => {
    expect(decideCalendar({ type: 'create', calendarId: 'c1', owner: 'u1', fields: { ...fields, displayName: ' Work ' } }, undefined)).toEqual([created]);
    expect(() => decideCalendar({ type: 'create', calendarId: 'c1', owner: 'u1', fields }, cal(created))).toThrow(ConflictError);
    expect(() => decideCalendar({ type: 'create', calendarId: 'c1', owner: 'u1', fields: { ...fields, displayName: ' ' } }, undefined)).toThrow(ValidationError);
    expect(() => decideCalendar({ type: 'create', calendarId: 'c1', owner: 'u1', fields: { ...fields, color: 'red' } }, undefined)).toThrow(/#RRGGBB/);
    expect(() => decideCalendar({ type: 'create', calendarId: 'c1', owner: 'u1', fields: { ...fields, slug: 'a/b' } }, undefined)).toThrow(ValidationError);
  });

  it('updates only what changed, deletes idempotently and restores with the old fields', () => {
    expect(decideCalendar({ type: 'update', patch: { displayName: 'Work' } }, cal(created))).toEqual([]);
    expect(decideCalendar({ type: 'update', patch: { color: '#000000' } }, cal(created))).toEqual([{ type: 'calendar.CalendarUpdated', data: { calendarId: 'c1', ...fields, color: '#000000' } }]);
    const deleted = cal(created, { type: 'calendar.CalendarDeleted', data: { calendarId: 'c1' } });
    expect(decideCalendar({ type: 'delete' }, deleted)).toEqual([]);
    expect(() => decideCalendar({ type: 'update', patch: {} }, deleted)).toThrow(NotFoundError);
    expect(decideCalendar({ type: 'restore' }, deleted)).toEqual([{ type: 'calendar.CalendarRestored', data: { calendarId: 'c1', owner: 'u1', ...fields } }]);
  });

  it('sets and clears the public link', () => {
    const linked = cal(created, { type: 'calendar.PublicLinkSet', data: { calendarId: 'c1', token: 't'.repeat(43) } });
    expect(linked!.publicToken).toBe('t'.repeat(43));
    expect(decideCalendar({ type: 'clearPublicLink' }, linked)).toEqual([{ type: 'calendar.PublicLinkCleared', data: { calendarId: 'c1' } }]);
    expect(decideCalendar({ type: 'clearPublicLink' }, cal(created))).toEqual([]);
  });
});

describe('object decide (ETags and preconditions)', () => {
  const put = (ics: string, cond = {}) => ({ type: 'put' as const, calendarId: 'c1', objectId: 'o1', name: 'a.ics', uid: 'a', component: 'VEVENT' as const, ics, cond });
  const obj = (...es: CalendarEvent[]): ObjectState => es.map((e) => stored(e)).reduce(evolveObject, undefined as ObjectState);
  const putEvent = (ics: string): CalendarEvent => ({ type: 'calendar.ObjectPut', data: { calendarId: 'c1', objectId: 'o1', name: 'a.ics', uid: 'a', component: 'VEVENT', ics } });

  it('creates with If-None-Match: * only when absent, updates with the current ETag only', () => {
    expect(decideObject(put('v1', { ifNoneMatch: '*' }), undefined)).toEqual([putEvent('v1')]);
    const s = obj(putEvent('v1'));
    expect(() => decideObject(put('v2', { ifNoneMatch: '*' }), s)).toThrow(DavPreconditionFailed);
    expect(() => decideObject(put('v2', { ifMatch: '"1"' }), s)).toThrow(DavPreconditionFailed);
    expect(decideObject(put('v2', { ifMatch: `"${s!.position}"` }), s)).toEqual([putEvent('v2')]);
    expect(decideObject(put('v2', { ifMatch: '*' }), s)).toEqual([putEvent('v2')]);
    expect(() => decideObject(put('v2', { ifMatch: '*' }), undefined)).toThrow(DavPreconditionFailed);
    expect(decideObject(put('v1'), s)).toEqual([]); // same body: nothing new, same ETag
  });

  it('deletes live objects only, and a deleted one can be put again or undeleted', () => {
    const s = obj(putEvent('v1'));
    expect(() => decideObject({ type: 'delete', cond: { ifMatch: '"999"' } }, s)).toThrow(DavPreconditionFailed);
    const gone = obj(putEvent('v1'), { type: 'calendar.ObjectDeleted', data: { calendarId: 'c1', objectId: 'o1', name: 'a.ics' } });
    expect(() => decideObject({ type: 'delete' }, gone)).toThrow(NotFoundError);
    expect(decideObject(put('v1', { ifNoneMatch: '*' }), gone)).toEqual([putEvent('v1')]);
    expect(decideObject({ type: 'undelete' }, gone)).toEqual([putEvent('v1')]);
  });
});

describe('user decide', () => {
  it('validates settings and records shares once', () => {
    const s = initialUser();
    expect(() => decideUser({ type: 'changeSettings', userId: 'u1', settings: { ...s.settings, timezone: 'Mars/Base' } }, s)).toThrow(/time zone/);
    expect(() => decideUser({ type: 'changeSettings', userId: 'u1', settings: { ...s.settings, workStart: '18:00' } }, s)).toThrow(/working hours/);
    expect(decideUser({ type: 'changeSettings', userId: 'u1', settings: s.settings }, s)).toEqual([]);
    expect(decideUser({ type: 'acceptShare', userId: 'u1', calendarId: 'c9' }, { ...s, accepted: ['c9'] })).toEqual([]);
    expect(decideUser({ type: 'acceptShare', userId: 'u1', calendarId: 'c9' }, s)).toHaveLength(1);
    // Dismissing a share not added yet is recorded once (it stops being offered).
    expect(decideUser({ type: 'hideShare', userId: 'u1', calendarId: 'c9' }, s)).toHaveLength(1);
    expect(decideUser({ type: 'hideShare', userId: 'u1', calendarId: 'c9' }, { ...s, dismissed: ['c9'] })).toEqual([]);
  });
});

describe('calendar restore diff', () => {
  const spec = calendarSpec('c1', { slugIfRestored: 'work-2' });
  const snap = (...events: [string, CalendarEvent][]) => events.map(([stream, e]) => stored(e, stream)).reduce(spec.evolve, spec.initialState());
  const objPut = (id: string, ics: string): [string, CalendarEvent] => [`calendar-object:c1:${id}`, { type: 'calendar.ObjectPut', data: { calendarId: 'c1', objectId: id, name: `${id}.ics`, uid: id, component: 'VEVENT', ics } }];
  const objDel = (id: string): [string, CalendarEvent] => [`calendar-object:c1:${id}`, { type: 'calendar.ObjectDeleted', data: { calendarId: 'c1', objectId: id, name: `${id}.ics` } }];
  const c: [string, CalendarEvent] = ['calendar-calendar:c1', created];

  it('brings back deleted objects, reverts edits, removes later ones and revives a deleted calendar under a free slug', () => {
    const then = snap(c, objPut('a', 'A1'), objPut('b', 'B1'));
    const now = snap(c, objPut('a', 'A1'), objPut('a', 'A2'), objPut('b', 'B1'), objDel('b'), objPut('x', 'X'), ['calendar-calendar:c1', { type: 'calendar.CalendarDeleted', data: { calendarId: 'c1' } }]);
    const diff = spec.diff(now, then, { actor: 'u1', source: 'ui', time: '' });
    expect(diff).toEqual([
      { stream: 'calendar-calendar:c1', events: [{ type: 'calendar.CalendarRestored', data: { calendarId: 'c1', owner: 'u1', ...fields, slug: 'work-2' } }] },
      { stream: 'calendar-object:c1:a', events: [{ type: 'calendar.ObjectPut', data: { calendarId: 'c1', objectId: 'a', name: 'a.ics', uid: 'a', component: 'VEVENT', ics: 'A1' } }] },
      { stream: 'calendar-object:c1:b', events: [{ type: 'calendar.ObjectPut', data: { calendarId: 'c1', objectId: 'b', name: 'b.ics', uid: 'b', component: 'VEVENT', ics: 'B1' } }] },
      { stream: 'calendar-object:c1:x', events: [{ type: 'calendar.ObjectDeleted', data: { calendarId: 'c1', objectId: 'x', name: 'x.ics' } }] },
    ]);
    expect(spec.diff(then, then, { actor: 'u1', source: 'ui', time: '' })).toEqual([]);
  });
});
