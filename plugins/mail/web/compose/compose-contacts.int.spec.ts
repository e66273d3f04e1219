// Compose with the contacts plugin enabled: the address autocomplete offers the user's
// contacts, the organization directory and contact groups (a group fills in all its
// members), then people recently written to — and never another user's contacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../core/http/test-client.ts';
import type { ContactsService } from '../../../contacts/contacts-service.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../testing/mail-kit.ts';

let kit: MailKit;
let ann: MailKitUser;
let bob: MailKitUser;
let annWeb: TestClient;
let bobWeb: TestClient;

beforeAll(async () => {
  kit = await createMailTestAppliance({ plugins: ['mail', 'contacts'] });
  ann = await kit.addUser('ann@example.test');
  bob = await kit.addUser('bob@example.test');
  annWeb = new TestClient(kit.appliance.app, 'http://example.test');
  bobWeb = new TestClient(kit.appliance.app, 'http://example.test');
  expect((await annWeb.login(ann.email, ann.password)).status).toBe(303);
  expect((await bobWeb.login(bob.email, bob.password)).status).toBe(303);
  const contacts = kit.appliance.services.services.require<ContactsService>('contacts.service');
  const user = (await kit.appliance.auth.userById(ann.userId))!;
  const meta = kit.meta(ann.userId);
  const book = (await contacts.books(user, meta)).own[0]!;
  const blank = { given: '', family: '', emails: [], phones: [], addresses: [] };
  const carol = await contacts.createContact(user, book.id, { ...blank, given: 'Carol', family: 'Quinn', emails: [{ value: 'carol@partner.example' }] }, meta);
  const dave = await contacts.createContact(user, book.id, { ...blank, given: 'Dave', family: 'Quist', emails: [{ value: 'dave@partner.example' }] }, meta);
  await contacts.createGroup(user, book.id, 'Quarterly board', meta, [carol, dave]);
});
afterAll(() => kit.close());

const options = async (client: TestClient, q: string) => {
  const html = await (await client.get(`/mail/compose/suggest?field=to&to=${encodeURIComponent(q)}`, { htmx: true })).text();
  const text = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...html.matchAll(/<option value="([^"]*)">([^<]*)<\/option>/g)].map((m) => ({ value: text(m[1]!), label: text(m[2]!) }));
};

describe('compose autocomplete with contacts', () => {
  it('offers contacts and expands a group to its members, keeping what was typed before', async () => {
    const found = await options(annWeb, 'x@y.test, qu');
    expect(found.map((o) => o.label)).toEqual(expect.arrayContaining(['Carol Quinn <carol@partner.example>', 'Dave Quist <dave@partner.example>', 'Quarterly board (group of 2)']));
    const group = found.find((o) => o.label.startsWith('Quarterly board'))!;
    expect(group.value).toBe('x@y.test, Carol Quinn <carol@partner.example>, Dave Quist <dave@partner.example>');
  });

  it('offers the organization directory', async () => {
    expect((await options(annWeb, 'bob@')).map((o) => o.value.toLowerCase())).toEqual(expect.arrayContaining([expect.stringContaining('bob@example.test')]));
  });

  it("never offers another user's contacts", async () => {
    expect(await options(bobWeb, 'quinn')).toEqual([]);
  });
});
