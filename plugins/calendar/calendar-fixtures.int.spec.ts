// Round trips of real-world exports (test/fixtures/ics: Google, Apple, Outlook and
// Thunderbird styles — time zones of each kind, recurrences with EXDATE and overrides,
// all-day events, alarms, tasks, vendor X- properties): import, the occurrences they
// mean, export, re-import elsewhere, and what a CalDAV client reads back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../core/identity/auth-service.ts';
import { addTestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import type { CalendarService } from './calendar-service.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/ics');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let svc: CalendarService;
let user: SessionUser;
let authz: string;
let base: string;
const meta = () => ({ actor: user.id, source: 'ui' as const, time: new Date().toISOString() });

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  const u = await addTestUser(a, 'fixtures@example.test');
  user = (await a.auth.userById(u.userId))!;
  authz = `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
  svc = a.services.services.require<CalendarService>('calendar.service');
});
afterAll(async () => { await a?.close(); });

const cases = [
  { file: 'google.ics', objects: 2, keep: ['X-LIC-LOCATION', 'TRANSP:TRANSPARENT'] },
  { file: 'apple.ics', objects: 2, keep: ['X-APPLE-STRUCTURED-LOCATION', 'X-WR-ALARMUID'] },
  { file: 'outlook.ics', objects: 1, keep: ['X-MICROSOFT-CDO-BUSYSTATUS:BUSY', 'W. Europe Standard Time'] },
  { file: 'thunderbird.ics', objects: 2, keep: ['X-MOZ-GENERATION', 'PERCENT-COMPLETE:100'] },
] as const;

describe('calendar: real-world .ics round trips', () => {
  for (const c of cases) {
    it(`imports, exports and re-imports ${c.file} without losing anything`, async () => {
      const first = await svc.createCalendar(user, { displayName: `${c.file} import` }, meta());
      const result = await svc.importIcs(user, first.id, fixture(c.file), meta());
      expect(result.failed).toEqual([]);
      expect(result.imported).toBe(c.objects);
      const exported = await svc.exportIcs(user, first.id);
      for (const k of c.keep) expect(exported.body).toContain(k);

      const second = await svc.createCalendar(user, { displayName: `${c.file} again` }, meta());
      const again = await svc.importIcs(user, second.id, exported.body, meta());
      expect(again.failed).toEqual([]);
      expect(again.imported).toBe(c.objects);
      const summary = async (id: string) => (await svc.listObjects(id)).map((o) => `${o.uid}|${o.component}|${o.summary}`).sort();
      expect(await summary(second.id)).toEqual(await summary(first.id));

      // What a CalDAV client reads back is the stored object, vendor properties and all.
      const [obj] = await svc.listObjects(first.id);
      const cal = (await svc.listCalendars(user)).find((x) => x.id === first.id)!;
      const get = await fetch(`${base}/dav/calendars/${user.email}/${cal.slug}/${encodeURIComponent(obj!.name)}`, { headers: { Authorization: authz } });
      expect(get.status).toBe(200);
      // Folded at 75 octets as RFC 5545 §3.1 asks; unfolded, the UID is whole.
      expect((await get.text()).replace(/\r\n[ \t]/g, '')).toContain(`UID:${obj!.uid}`);
    });
  }

  it('expands Google\'s weekly series with its EXDATE and moved occurrence, across the DST change', async () => {
    const cal = await svc.createCalendar(user, { displayName: 'google occurrences' }, meta());
    await svc.importIcs(user, cal.id, fixture('google.ics'), meta());
    const { occurrences } = await svc.occurrences(user, { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 3, 1), calendarIds: [cal.id], tz: 'UTC' });
    const sync = occurrences.filter((o) => o.summary.startsWith('Weekly sync')).map((o) => new Date(o.start).toISOString());
    // Mar 2 is PST (UTC−8); DST starts Mar 8; the 9th was moved to 11:00 PDT; the 16th is excluded.
    expect(sync).toEqual(['2026-03-02T18:00:00.000Z', '2026-03-09T18:00:00.000Z', '2026-03-23T17:00:00.000Z', '2026-03-30T17:00:00.000Z']);
  });
});
