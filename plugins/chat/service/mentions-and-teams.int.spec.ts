// With mail enabled: a person mentioned while offline gets one mention email in their
// INBOX (not again for the next mention in that channel soon after; none under
// do-not-disturb). And "invite a whole team": every member of a team added at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import { signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bob: ChatClient;
let carol: ChatClient;
let dave: ChatClient;

type Store = { mailboxBySpecialUse(u: string, s: string): Promise<{ id: string } | undefined>; messages(id: string): Promise<{ sha256: string }[]>; readMessage(sha: string): Promise<Buffer> };
async function inbox(u: ChatClient): Promise<string[]> {
  const store = a.services.services.require<Store>('mail.store');
  const box = await store.mailboxBySpecialUse(u.userId, 'INBOX');
  if (!box) return [];
  return Promise.all((await store.messages(box.id)).map(async (m) => (await store.readMessage(m.sha256)).toString('utf8')));
}
const general = async (u: ChatClient) => (await u.json('GET', '/chat/api/channels')).body.channels.find((c: { name: string }) => c.name === 'general');

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['mail', 'chat'] });
  alice = await signIn(a, 'alice@example.test', { role: 'admin' });
  bob = await signIn(a, 'bob@example.test');
  carol = await signIn(a, 'carol@example.test');
  dave = await signIn(a, 'dave@example.test');
  for (const u of [alice, bob, carol, dave]) await u.client.page('/chat'); // first visit: joins the organization's team
});
afterAll(async () => { await a?.close(); });

describe('mention emails', () => {
  it('mails an offline person once per channel and window, and nobody in do-not-disturb', async () => {
    const g = await general(alice);
    expect(g).toBeDefined();
    expect((await carol.json('PUT', '/chat/api/status', { presence: 'dnd' })).status).toBe(200);
    expect((await alice.json('POST', `/chat/api/channels/${g.id}/messages`, { text: 'Hey @bob and @carol, the build is green' })).status).toBe(201);
    await expect.poll(async () => (await inbox(bob)).length).toBe(1);
    const [mail] = await inbox(bob);
    expect(mail).toMatch(/Subject: =\?utf-8\?B\?/);
    expect(Buffer.from(/\r\n\r\n([\s\S]+)$/.exec(mail!)![1]!.replace(/\s+/g, ''), 'base64').toString('utf8')).toContain('the build is green');
    expect(await inbox(carol)).toEqual([]);
    await alice.json('POST', `/chat/api/channels/${g.id}/messages`, { text: '@bob one more thing' });
    await new Promise((r) => setTimeout(r, 200));
    expect(await inbox(bob)).toHaveLength(1);
  });
});

describe('invite a whole team', () => {
  it('adds every member of a team to a channel', async () => {
    const team = (await alice.json('POST', '/chat/api/teams', { name: 'Ops', open: true })).body.id as string;
    for (const u of [bob, carol]) expect((await u.json('POST', `/chat/api/teams/${team}/join`)).status).toBe(200);
    const other = (await alice.json('POST', '/chat/api/teams', { name: 'Incidents', open: false })).body.id as string;
    const created = await alice.json('POST', '/chat/api/channels', { teamId: other, name: 'war-room', kind: 'private' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const channel = created.body.id as string;
    const added = await alice.json('POST', `/chat/api/channels/${channel}/members`, { teamId: team });
    expect(added.body, JSON.stringify(added.body)).toMatchObject({ ok: true, added: 2 });
    const members = (await alice.json('GET', `/chat/api/channels/${channel}/members`)).body.members.map((m: { name: string }) => m.name).sort();
    expect(members).toEqual(['alice', 'bob', 'carol']);
    expect(members).not.toContain('dave');
    // Nobody outside the channel may pull a team into it.
    expect((await dave.json('POST', `/chat/api/channels/${channel}/members`, { teamId: team })).status).toBe(404);
  });
});
