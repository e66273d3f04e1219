// Compose with the drive enabled: pick a file of one's own drive, attach it as a share
// link, send; the recipient gets the link in the text and it opens without signing in.
// Another user's file cannot be linked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../core/http/test-client.ts';
import type { DriveService } from '../../../drive/service/drive-service.ts';
import { ROOT } from '../../../drive/service/queries.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../testing/mail-kit.ts';

let kit: MailKit;
let ann: MailKitUser;
let bob: MailKitUser;
let annWeb: TestClient;
let fileId: string;
let bobFileId: string;

beforeAll(async () => {
  kit = await createMailTestAppliance({ plugins: ['mail', 'drive'] });
  ann = await kit.addUser('ann@example.test');
  bob = await kit.addUser('bob@example.test');
  annWeb = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await annWeb.login(ann.email, ann.password)).status).toBe(303);
  const drive = kit.appliance.services.services.require<DriveService>('drive.service');
  const put = async (u: MailKitUser, name: string, text: string) => {
    const user = (await kit.appliance.auth.userById(u.userId))!;
    const d = await drive.personalDrive(user, kit.meta(u.userId));
    return (await drive.writeFile(d.drive_id, ROOT, name, { source: Buffer.from(text) }, kit.meta(u.userId))).node.node_id;
  };
  fileId = await put(ann, 'Budget 2027.xlsx', 'the numbers');
  bobFileId = await put(bob, 'Secret.txt', 'bob only');
});
afterAll(() => kit.close());

describe('compose: drive files as links', () => {
  it('lists the drive, links a file, and the recipient gets a working link', async () => {
    await annWeb.page('/mail/compose');
    const picker = await (await annWeb.get('/mail/compose/drive', { htmx: true })).text();
    expect(picker).toContain('Budget 2027.xlsx');
    const item = await (await annWeb.post('/mail/compose/drive/link', { node: fileId, access: 'public' }, { htmx: true })).text();
    const value = /name="driveLink" value="([^"]+)"/.exec(item)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const link = JSON.parse(value) as { name: string; url: string };
    expect(link.name).toBe('Budget 2027.xlsx');
    expect(link.url).toMatch(/^http:\/\/example\.test\/drive\/s\/[A-Za-z0-9_-]+$/);

    const res = await annWeb.post('/mail/compose', { from: ann.email, to: bob.email, cc: '', bcc: '', subject: 'Budget', body: 'Here it is.', action: 'send', driveLink: value });
    expect(res.status).toBe(303);
    const inbox = (await kit.store.mailboxBySpecialUse(bob.userId, 'INBOX'))!;
    const [meta] = await kit.store.messages(inbox.id);
    const raw = (await kit.store.readMessage(meta!.sha256)).toString('utf8');
    expect(raw).toContain('Files shared from Cairn Drive:');
    expect(raw.replace(/=\r\n/g, '')).toContain(link.url);

    const open = await kit.appliance.app.request(link.url);
    expect(open.status).toBe(200);
  });

  it("refuses to link someone else's file", async () => {
    await annWeb.page('/mail/compose');
    expect((await annWeb.post('/mail/compose/drive/link', { node: bobFileId, access: 'public' }, { htmx: true })).status).toBe(404);
  });
});
