// "People you write to" with the mail plugin: recipients of the user's Sent mail who
// are neither in their address books nor in the organization, added one by one or all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../mail/testing/mail-kit.ts';

let kit: MailKit;
let ann: MailKitUser;
let bob: MailKitUser;
let web: TestClient;
let bobWeb: TestClient;

const sent = (to: string) => Buffer.from(`From: ann@example.test\r\nTo: ${to}\r\nSubject: hello\r\nMessage-ID: <${Math.random()}@example.test>\r\n\r\nhi\r\n`);

beforeAll(async () => {
  kit = await createMailTestAppliance({ plugins: ['mail', 'contacts'] });
  ann = await kit.addUser('ann@example.test');
  bob = await kit.addUser('bob@example.test');
  web = new TestClient(kit.appliance.app, 'http://example.test');
  bobWeb = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await web.login(ann.email, ann.password)).status).toBe(303);
  expect((await bobWeb.login(bob.email, bob.password)).status).toBe(303);
  await kit.store.ensureAccount(ann.userId, kit.meta());
  for (const to of ['Carol Quinn <carol@partner.example>', 'bob@example.test', 'dave@partner.example, Carol Quinn <carol@partner.example>']) {
    await kit.store.deliver(ann.userId, sent(to), { mailbox: '\\Sent' }, kit.meta());
  }
});
afterAll(() => kit.close());

describe('contacts: people you write to', () => {
  it('suggests outside recipients not yet in contacts, adds one, then all', async () => {
    let page = await (await web.get('/contacts/suggested')).text();
    const listed = () => [...page.matchAll(/name="email" value="([^"]+)"/g)].map((m) => m[1]);
    expect(listed().sort()).toEqual(['carol@partner.example', 'dave@partner.example']);
    expect(page).toContain('Carol Quinn');
    expect((await web.post('/contacts/suggested/add', { email: 'carol@partner.example' })).status).toBe(303);
    page = await (await web.get('/contacts/suggested')).text();
    expect(listed()).toEqual(['dave@partner.example']);
    expect((await web.post('/contacts/suggested/add', { email: 'eve@elsewhere.example' })).status).toBe(404);
    expect((await web.post('/contacts/suggested/add-all', {})).status).toBe(303);
    page = await (await web.get('/contacts/suggested')).text();
    expect(listed()).toEqual([]);
    const search = await (await web.get('/contacts/search?q=partner.example')).text();
    expect(search).toContain('Carol Quinn');
    expect(search).toContain('dave@partner.example');
    // Bob wrote to nobody; Ann's correspondents are not his suggestions.
    expect(await (await bobWeb.get('/contacts/suggested')).text()).not.toContain('partner.example');
  });
});
