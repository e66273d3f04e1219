// Guests: invited by email to chosen channels, signed up through the invitation link,
// and refused everywhere else — on every API, not only in the UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { callJson, chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bob: ChatClient;
let guest: { client: TestClient; json: ChatClient['json']; id: string };
let projectId: string;
let otherId: string;
let teamId: string;
let generalId: string;

beforeAll(async () => {
  a = await chatAppliance();
  alice = await signIn(a, 'alice@example.test');
  bob = await signIn(a, 'bob@example.test');
  await alice.client.get('/chat');
  await bob.client.get('/chat');
  teamId = (await alice.json('GET', '/chat/api/teams')).body.teams[0].id;
  generalId = (await alice.json('GET', '/chat/api/channels')).body.channels.find((c: { name: string }) => c.name === 'general').id;
  projectId = (await alice.json('POST', '/chat/api/channels', { teamId, name: 'project', kind: 'private' })).body.id;
  otherId = (await bob.json('POST', '/chat/api/channels', { teamId, name: 'open-topic', kind: 'public' })).body.id;
});
afterAll(() => a.close());

describe('guest invitation flow', () => {
  it('invites an outside email to a channel; the link signs the guest up and in', async () => {
    const inv = await alice.json('POST', '/chat/api/invitations', { email: 'gina@partner.example', channelIds: [projectId] });
    expect(inv.status).toBe(201);
    const path = new URL(inv.body.url).pathname;
    const client = new TestClient(a.app, 'http://example.test');
    const form = await client.page(path);
    expect(form).toContain('gina@partner.example');
    expect(form).toContain('#project');
    expect((await client.post(path, { displayName: 'Gina', password: 'gina has a long password' })).status).toBe(303);
    const users = await a.auth.listUsers();
    const g = users.find((u) => u.email === 'gina@partner.example')!;
    expect(g.role).toBe('guest');
    await client.page('/account'); // the signed-in CSRF token
    guest = { client, id: g.id, json: (m, p, b) => callJson(client, m, p, b) };
    const mine = (await guest.json('GET', '/chat/api/channels')).body.channels.map((c: { id: string }) => c.id);
    expect(mine).toEqual([projectId]);
    // The link is used up.
    expect((await new TestClient(a.app, 'http://example.test').get(path)).status).toBe(404);
    expect((await new TestClient(a.app, 'http://example.test').post(path, { displayName: 'x', password: 'another long password' })).status).toBe(403); // no CSRF cookie/token
  });

  it('lets the guest talk, react, pin, mute and favorite in their channel', async () => {
    const m = await guest.json('POST', `/chat/api/channels/${projectId}/messages`, { text: 'Hello from outside' });
    expect(m.status).toBe(201);
    expect((await guest.json('POST', `/chat/api/messages/${m.body.id}/reactions`, { emoji: '👋' })).status).toBe(200);
    expect((await guest.json('POST', `/chat/api/messages/${m.body.id}/pin`)).status).toBe(200);
    expect((await guest.json('PUT', `/chat/api/channels/${projectId}/preferences`, { muted: true, favorite: true })).status).toBe(200);
    expect((await guest.json('POST', `/chat/api/channels/${projectId}/messages`, { text: '/status 🏠 remote' })).status).toBe(200);
  });

  it('refuses to let the guest discover public channels or teams', async () => {
    expect((await guest.json('GET', '/chat/api/teams')).body.teams).toEqual([]);
    expect((await guest.json('GET', `/chat/api/teams/${teamId}/channels`)).status).toBe(403);
    expect((await guest.json('GET', `/chat/api/channels/${otherId}`)).status).toBe(404);
    expect((await guest.json('GET', `/chat/api/channels/${generalId}/messages`)).status).toBe(404);
    expect((await guest.json('GET', `/chat/api/search?channel=${generalId}`)).body.messages).toEqual([]);
  });

  it('refuses to let the guest join channels or teams', async () => {
    expect((await guest.json('POST', `/chat/api/channels/${otherId}/join`)).status).toBe(403);
    expect((await guest.json('POST', `/chat/api/teams/${teamId}/join`)).status).toBe(403);
    expect((await guest.json('POST', `/chat/api/channels/${projectId}/messages`, { text: '/join ~open-topic' })).status).toBe(403);
    expect((await guest.json('POST', '/chat/api/channels', { teamId, name: 'mine', kind: 'public' })).status).toBe(403);
  });

  it('refuses DMs with people outside the guest’s channels, allows them inside', async () => {
    expect((await guest.json('POST', '/chat/api/conversations', { userIds: [bob.userId] })).status).toBe(403);
    expect((await guest.json('POST', '/chat/api/conversations', { userIds: [alice.userId] })).status).toBe(200);
    const people = (await guest.json('GET', '/chat/api/users')).body.users.map((u: { id: string }) => u.id).sort();
    expect(people).toEqual([alice.userId, guest.id].sort());
    const presence = (await guest.json('GET', `/chat/api/presence?users=${bob.userId},${alice.userId}`)).body.status;
    expect(Object.keys(presence)).toEqual([alice.userId]);
  });

  it('refuses to let the guest invite anyone, by API or slash command', async () => {
    expect((await guest.json('POST', '/chat/api/invitations', { email: 'friend@partner.example', channelIds: [projectId] })).status).toBe(403);
    expect((await guest.json('POST', `/chat/api/channels/${projectId}/members`, { userIds: [bob.userId] })).status).toBe(403);
    expect((await guest.json('POST', `/chat/api/channels/${projectId}/messages`, { text: '/invite @bob' })).status).toBe(403);
    expect((await guest.json('POST', `/chat/api/channels/${projectId}/webhooks`, { name: 'x' })).status).toBe(403);
  });

  it('refuses channel management and restore to the guest', async () => {
    expect((await guest.json('PATCH', `/chat/api/channels/${projectId}`, { purpose: 'mine now' })).status).toBe(403);
    expect((await guest.json('POST', `/chat/api/channels/${projectId}/archive`)).status).toBe(403);
    expect((await guest.json('GET', `/chat/api/channels/${projectId}/restore?at=${new Date().toISOString()}`)).status).toBe(403);
  });

  it('shows the guest their channel page but not the browse or invite pages', async () => {
    expect((await guest.client.get(`/chat/c/${projectId}`)).status).toBe(200);
    expect((await guest.client.get(`/chat/c/${otherId}`)).status).toBe(404);
    expect((await guest.client.get('/chat/browse')).status).toBe(403);
    expect((await guest.client.get('/chat/invite-guest')).status).toBe(403);
    const html = await guest.client.page(`/chat/c/${projectId}`);
    expect(html).not.toContain('href="/chat/browse"');
    expect(html).not.toContain('open-topic');
  });

  it('does not let members invite guests into channels they cannot see', async () => {
    expect((await bob.json('POST', '/chat/api/invitations', { email: 'x@partner.example', channelIds: [projectId] })).status).toBe(404);
  });
});
