// CalDAV figures (issue 5): a 10,000-event calendar — full sync-collection REPORT,
// incremental sync after one change, calendar-query for one month with recurrence
// expansion — measured over real HTTP against the calendar plugin.
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { addTestUser } from '../../core/testing/add-test-user.ts';

const EVENTS = 10_000;
const WRITERS = 32;

function ics(i: number): string {
  // Spread over two years from 2026-01-01; every 10th event recurs weekly for 20 weeks.
  const start = new Date(Date.UTC(2026, 0, 1, 8) + (i % 730) * 86400_000 + (i % 9) * 3600_000);
  const fmt = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const end = new Date(start.getTime() + 3600_000);
  const rrule = i % 10 === 0 ? 'RRULE:FREQ=WEEKLY;COUNT=20\r\n' : '';
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cairn bench//EN\r\nBEGIN:VEVENT\r\nUID:bench-${i}@cairn\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:${fmt(start)}\r\nDTEND:${fmt(end)}\r\n${rrule}SUMMARY:Bench event ${i}\r\nLOCATION:Room ${i % 17}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCalDav(): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['calendar'] });
  try {
    const base = (await a.start()).find((l) => l.name === 'http')!.address;
    const u = await addTestUser(a, 'bench@example.test');
    const authz = `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
    const cal = `${base}/dav/calendars/${u.email}/personal/`;
    const req = async (method: string, url: string, body?: string, headers: Record<string, string> = {}) => {
      const r = await fetch(url, { method, headers: { Authorization: authz, 'Content-Type': 'application/xml; charset=utf-8', ...headers }, ...(body !== undefined ? { body } : {}) });
      const text = await r.text();
      if (r.status >= 400) throw new Error(`${method} ${url} → ${r.status}: ${text.slice(0, 300)}`);
      return { status: r.status, text, headers: r.headers };
    };
    await req('PROPFIND', cal, undefined, { Depth: '0' });

    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < EVENTS; i = next++) await req('PUT', `${cal}bench-${i}.ics`, ics(i), { 'Content-Type': 'text/calendar; charset=utf-8' });
    }));
    const putSeconds = (performance.now() - t0) / 1000;

    const syncBody = (token: string) => `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
    const full: number[] = [];
    let token = '';
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = await req('REPORT', cal, syncBody(''), { Depth: '1' });
      full.push(performance.now() - s);
      const count = (r.text.match(/<d:response>/g) ?? []).length;
      if (count !== EVENTS) throw new Error(`full sync returned ${count} responses`);
      token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(r.text)![1]!;
    }
    const incremental: number[] = [];
    for (let i = 0; i < 20; i++) {
      await req('PUT', `${cal}bench-${i}.ics`, ics(i).replace('SUMMARY:Bench', `SUMMARY:Changed ${i}`), { 'Content-Type': 'text/calendar; charset=utf-8' });
      const s = performance.now();
      const r = await req('REPORT', cal, syncBody(token), { Depth: '1' });
      incremental.push(performance.now() - s);
      const count = (r.text.match(/<d:response>/g) ?? []).length;
      if (count !== 1) throw new Error(`incremental sync returned ${count} responses`);
      token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(r.text)![1]!;
    }
    const query = `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
      <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260601T000000Z" end="20260701T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
    const month: number[] = [];
    let matched = 0;
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const r = await req('REPORT', cal, query, { Depth: '1' });
      month.push(performance.now() - s);
      matched = (r.text.match(/<d:response>/g) ?? []).length;
    }
    // June 2026: 30 days × ~13.7 events/day, plus weekly series that started up to 20 weeks before.
    if (matched < 300) throw new Error(`calendar-query for June matched only ${matched} events`);
    return {
      events: EVENTS,
      put_events_per_s: EVENTS / putSeconds,
      full_sync_10k_ms_median: median(full),
      incremental_sync_ms_median: median(incremental),
      calendar_query_month_ms_median: median(month),
      calendar_query_month_matches: matched,
    };
  } finally {
    await a.close();
  }
}
