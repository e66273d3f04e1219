import { describe, expect, it } from 'vitest';
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { parseXml } from '../../../core/dav/xml.ts';
import { parseVCalendar } from '../ical/parse-calendar-object.ts';
import { simpleEvent, vcalendar, vevent, vtodo } from '../testing/ics-fixtures.ts';
import { isPlainEventRange, matchesFilter, prefilterOf, spanMatches } from './calendar-query.ts';
import { describeObject } from '../ical/describe-object.ts';
import { applyPatch } from './collection-props.ts';
import { expandObject, freeBusy } from './free-busy.ts';

const filter = (inner: string) => parseXml(`<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav"><C:comp-filter name="VCALENDAR">${inner}</C:comp-filter></C:filter>`);
const match = (ics: string, inner: string, tz = 'UTC') => matchesFilter(parseVCalendar(ics)!, filter(inner), tz);

const daily = vcalendar(vevent({ UID: 'd', SUMMARY: 'Stand-up', LOCATION: 'Room 4', DTSTART: '20260105T090000Z', DTEND: '20260105T091500Z', RRULE: 'FREQ=DAILY;COUNT=5', 'ATTENDEE;CN=Bob': 'mailto:bob@example.test' }));

describe('calendar-query filters (RFC 4791 §9.7)', () => {
  it('selects by component type', () => {
    expect(match(daily, '<C:comp-filter name="VEVENT"/>')).toBe(true);
    expect(match(daily, '<C:comp-filter name="VTODO"/>')).toBe(false);
    expect(match(vcalendar(vtodo({ UID: 't' })), '<C:comp-filter name="VTODO"/>')).toBe(true);
    expect(match(daily, '<C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter>')).toBe(true);
  });

  it('matches a time-range against every occurrence of a recurring event', () => {
    const tr = (s: string, e: string) => `<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/></C:comp-filter>`;
    expect(match(daily, tr('20260108T090500Z', '20260108T091000Z'))).toBe(true); // inside the 4th
    expect(match(daily, tr('20260108T100000Z', '20260108T120000Z'))).toBe(false); // between
    expect(match(daily, tr('20260110T000000Z', '20260120T000000Z'))).toBe(false); // after COUNT
    expect(match(daily, '<C:comp-filter name="VEVENT"><C:time-range start="20260109T000000Z"/></C:comp-filter>')).toBe(true);
  });

  it('reads floating times in the calendar zone', () => {
    const floating = vcalendar(vevent({ UID: 'f', DTSTART: '20260105T100000', DTEND: '20260105T110000' }));
    const tr = '<C:comp-filter name="VEVENT"><C:time-range start="20260105T090000Z" end="20260105T093000Z"/></C:comp-filter>';
    expect(match(floating, tr, 'UTC')).toBe(false);
    expect(match(floating, tr, 'Europe/Paris')).toBe(true);
  });

  it('matches text with collations, negation, is-not-defined and parameters', () => {
    const pf = (inner: string) => `<C:comp-filter name="VEVENT">${inner}</C:comp-filter>`;
    expect(match(daily, pf('<C:prop-filter name="SUMMARY"><C:text-match>stand</C:text-match></C:prop-filter>'))).toBe(true);
    expect(match(daily, pf('<C:prop-filter name="SUMMARY"><C:text-match collation="i;octet">stand</C:text-match></C:prop-filter>'))).toBe(false);
    expect(match(daily, pf('<C:prop-filter name="SUMMARY"><C:text-match negate-condition="yes">lunch</C:text-match></C:prop-filter>'))).toBe(true);
    expect(match(daily, pf('<C:prop-filter name="DESCRIPTION"><C:is-not-defined/></C:prop-filter>'))).toBe(true);
    expect(match(daily, pf('<C:prop-filter name="LOCATION"><C:text-match>room 5</C:text-match></C:prop-filter>'))).toBe(false);
    expect(match(daily, pf('<C:prop-filter name="ATTENDEE"><C:param-filter name="CN"><C:text-match>bob</C:text-match></C:param-filter></C:prop-filter>'))).toBe(true);
    expect(() => match(daily, pf('<C:prop-filter name="SUMMARY"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter>'))).toThrow(DavPreconditionError);
  });

  it('gives the SQL prefilter the component and range, and refuses bad ranges', () => {
    const f = filter('<C:comp-filter name="VEVENT"><C:time-range start="20260101T000000Z" end="20260201T000000Z"/></C:comp-filter>');
    expect(prefilterOf(f)).toEqual({ component: 'VEVENT', range: { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1) } });
    expect(() => prefilterOf(filter('<C:comp-filter name="VEVENT"><C:time-range start="2026-01-01"/></C:comp-filter>'))).toThrow(DavPreconditionError);
  });
});

describe('free-busy and expand', () => {
  it('merges busy periods, skips transparent and cancelled events, marks tentative ones', () => {
    const texts = [
      simpleEvent('a', 'A', '20260105T100000Z', '20260105T110000Z'),
      simpleEvent('b', 'B', '20260105T103000Z', '20260105T120000Z'),
      vcalendar(vevent({ UID: 'c', DTSTART: '20260105T130000Z', DTEND: '20260105T140000Z', TRANSP: 'TRANSPARENT' })),
      vcalendar(vevent({ UID: 'd', DTSTART: '20260105T150000Z', DTEND: '20260105T160000Z', STATUS: 'TENTATIVE' })),
      vcalendar(vevent({ UID: 'e', DTSTART: '20260105T170000Z', DTEND: '20260105T180000Z', STATUS: 'CANCELLED' })),
    ];
    const out = freeBusy(texts, { from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 6) }, 'UTC', new Date(Date.UTC(2026, 0, 1)));
    expect(out.match(/^FREEBUSY[^\r\n]*/gm)).toEqual(['FREEBUSY:20260105T100000Z/20260105T120000Z', 'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260105T150000Z/20260105T160000Z']);
  });

  it('expands a recurring event into instances with RECURRENCE-ID in UTC', () => {
    const out = expandObject(daily, { from: Date.UTC(2026, 0, 6), to: Date.UTC(2026, 0, 8) }, 'UTC');
    expect(out).not.toContain('RRULE');
    expect(out.match(/^RECURRENCE-ID:[^\r\n]*/gm)).toEqual(['RECURRENCE-ID:20260106T090000Z', 'RECURRENCE-ID:20260107T090000Z']);
  });
});

describe('collection properties (PROPPATCH all or nothing)', () => {
  const base = { slug: 's', displayName: 'S', color: '', description: '', order: 0, components: ['VEVENT' as const], timezone: 'UTC', deadProps: {} };
  const props = (xml: string) => parseXml(`<D:prop xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/" xmlns:X="urn:x">${xml}</D:prop>`).children;

  it('sets live and dead properties together', () => {
    const r = applyPatch(base, props('<D:displayname>Work</D:displayname><A:calendar-color>#FF0000FF</A:calendar-color><X:flag>on</X:flag>'), [], { creating: false });
    expect(r.ok).toBe(true);
    expect(r.fields).toMatchObject({ displayName: 'Work', color: '#FF0000FF', deadProps: { '{urn:x}flag': 'on' } });
  });

  it('fails all when one fails: the bad one 403/409, the rest 424', () => {
    const r = applyPatch(base, props('<D:displayname>Work</D:displayname><D:getetag>x</D:getetag><A:calendar-color>red</A:calendar-color>'), [], { creating: false });
    expect(r.ok).toBe(false);
    expect(r.fields).toBe(base);
    expect(r.statuses).toEqual({ '{DAV:}displayname': 424, '{DAV:}getetag': 403, '{http://apple.com/ns/ical/}calendar-color': 409 });
  });

  it('accepts the component set only when creating', () => {
    const set = props('<C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>');
    expect(applyPatch(base, set, [], { creating: true }).fields.components).toEqual(['VTODO']);
    expect(applyPatch(base, set, [], { creating: false }).ok).toBe(false);
  });
});

describe('calendar-query fast path from the stored span', () => {
  it('decides timed events and bounded series exactly like the full filter, and declines floating or endless ones', () => {
    const events = [
      daily,
      vcalendar(vevent({ UID: 'w', 'DTSTART;TZID=Europe/Paris': '20260101T093000', DURATION: 'PT1H', RRULE: 'FREQ=DAILY;UNTIL=20260110T000000Z', EXDATE: '20260105T083000Z' })),
      vcalendar(vevent({ UID: 'a', DTSTART: '20260105T090000Z', DTEND: '20260105T100000Z' })),
      vcalendar(vevent({ UID: 'b', 'DTSTART;TZID=Europe/Paris': '20260105T090000', 'DTEND;TZID=Europe/Paris': '20260105T100000' })),
      vcalendar(vevent({ UID: 'c', DTSTART: '20260105T090000Z' })), // zero duration
      vcalendar(vevent({ UID: 'd', DTSTART: '20260105T090000Z', DURATION: 'PT30M' })),
    ];
    const ranges = [
      ['20260105T000000Z', '20260106T000000Z'], ['20260105T100000Z', '20260106T000000Z'], ['20260105T083000Z', '20260105T090000Z'],
      ['20260105T090000Z', '20260105T090001Z'], ['20260105T080000Z', '20260105T083000Z'], ['20260105T092000Z', '20260105T092500Z'],
    ] as const;
    let decided = 0;
    for (const ics of events) {
      const d = describeObject(ics);
      for (const [s, e] of ranges) {
        const inner = `<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/></C:comp-filter>`;
        expect(isPlainEventRange(filter(inner))).toBe(true);
        const quick = spanMatches({ component: 'VEVENT', spans: d.spans && JSON.stringify(d.spans) }, prefilterOf(filter(inner)).range!);
        expect(quick).toBeDefined();
        expect(quick).toBe(match(ics, inner));
        decided++;
      }
    }
    expect(decided).toBe(36);
    const floating = vcalendar(vevent({ UID: 'f', DTSTART: '20260105T090000', DTEND: '20260105T100000' }));
    const fd = describeObject(floating);
    expect(fd.spans).toBeNull();
    const endless = describeObject(vcalendar(vevent({ UID: 'e', DTSTART: '20260105T090000Z', RRULE: 'FREQ=WEEKLY' })));
    expect(endless.spans).toBeNull();
    expect(describeObject(daily).spans).toHaveLength(5);
    expect(isPlainEventRange(filter('<C:comp-filter name="VEVENT"><C:time-range start="20260105T000000Z"/><C:prop-filter name="SUMMARY"/></C:comp-filter>'))).toBe(false);
  });
});

