// Calendar with the drive: attach a drive file to an event as a link; the link lands in
// the description, which CalDAV clients show, and opens without signing in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../../drive/service/drive-service.ts';
import { ROOT } from '../../drive/service/queries.ts';
import type { CalendarService } from '../calendar-service.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let ann: TestUser;
let web: TestClient;
let fileId: string;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['calendar', 'drive'] });
  ann = await addTestUser(a, 'ann@example.test');
  web = new TestClient(a.app, 'http://example.test');
  expect((await web.login(ann.email, ann.password)).status).toBe(303);
  const drive = a.services.services.require<DriveService>('drive.service');
  const user = (await a.auth.userById(ann.userId))!;
  const meta = { actor: ann.userId, source: 'ui' as const, time: new Date().toISOString() };
  const d = await drive.personalDrive(user, meta);
  fileId = (await drive.writeFile(d.drive_id, ROOT, 'Agenda.pdf', { source: Buffer.from('%PDF-1.4 agenda') }, meta)).node.node_id;
});
afterAll(async () => { await a?.close(); });

describe('calendar: drive files on events', () => {
  it('links a drive file into the event description', async () => {
    const form = await (await web.get('/calendar/events/new')).text();
    expect(form).toContain('Attach a file from your drive');
    expect(await (await web.get('/calendar/events/drive', { htmx: true })).text()).toContain('Agenda.pdf');
    const li = await (await web.post('/calendar/events/drive/link', { node: fileId, access: 'public' }, { htmx: true })).text();
    const value = /name="driveLink" value="([^"]+)"/.exec(li)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const url = (JSON.parse(value) as { url: string }).url;
    const svc = a.services.services.require<CalendarService>('calendar.service');
    const user = (await a.auth.userById(ann.userId))!;
    await svc.ensureDefaultCalendar(user, { actor: ann.userId, source: 'ui', time: new Date().toISOString() });
    const cal = (await svc.listCalendars(user))[0]!;
    const res = await web.post('/calendar/events', {
      summary: 'Board meeting', startDate: '2026-06-01', startTime: '10:00', endDate: '2026-06-01', endTime: '11:00', tz: 'UTC',
      repeat: 'none', description: 'Please read beforehand.', calendarId: cal.id, driveLink: value,
    });
    expect(res.status).toBe(303);
    const [obj] = await svc.getObjects(cal.id, (await svc.listObjects(cal.id)).map((o) => o.name));
    const unfolded = obj!.ics.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain('Please read beforehand.');
    expect(unfolded).toContain(`Agenda.pdf: ${url}`);
    expect((await a.app.request(url)).status).toBe(200);
  });
});
