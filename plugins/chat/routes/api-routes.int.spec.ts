import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, botCall, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bob: ChatClient;
let carol: ChatClient;

beforeAll(async () => {
  a = await chatAppliance({ sections: { chat: { meetingBaseUrl: 'https://meet.example.test' } } } as never);
  alice = await signIn(a, 'alice@example.test', { role: 'admin' });
  bob = await signIn(a, 'bob@example.test');
  carol = await signIn(a, 'carol@example.test');
  // First visits: the organization's first team and #general are made and joined.
  for (const u of [alice, bob, carol]) expect((await u.client.get('/chat')).status).toBe(302);
});
afterAll(() => a.close());

const general = async (u: ChatClient) => (await u.json('GET', '/chat/api/channels')).body.channels.find((c: { name: string }) => c.name === 'general');

describe('channels and messages over the JSON API', () => {
  it('puts everyone in the default channel and lets members post, edit, react, pin and delete', async () => {
    const g = await general(alice);
    expect(g).toBeDefined();
    expect((await general(bob)).id).toBe(g.id);

    const posted = await alice.json('POST', `/chat/api/channels/${g.id}/messages`, { text: 'Hello **team** @bob <script>x</script>' });
    expect(posted.status).toBe(201);
    expect(posted.body.html).toContain('<strong>team</strong>');
    expect(posted.body.html).not.toContain('<script>');
    expect(posted.body.html).toContain('data-mention="bob"');

    // Bob has one unread message and one mention in #general.
    const bobG = await general(bob);
    expect(bobG.unread).toBeGreaterThanOrEqual(1);
    expect(bobG.mentions).toBe(1);
    await bob.json('POST', `/chat/api/channels/${g.id}/read`, {});
    expect((await general(bob)).unread).toBe(0);
    expect((await general(bob)).mentions).toBe(0);

    const id = posted.body.id;
    expect((await bob.json('PATCH', `/chat/api/messages/${id}`, { text: 'hacked' })).status).toBe(403);
    expect((await alice.json('PATCH', `/chat/api/messages/${id}`, { text: 'Hello team (edited)' })).body.editedAt).not.toBeNull();
    expect((await bob.json('POST', `/chat/api/messages/${id}/reactions`, { emoji: '👍' })).status).toBe(200);
    expect((await bob.json('POST', `/chat/api/messages/${id}/pin`)).status).toBe(200);
    const msg = (await carol.json('GET', `/chat/api/messages/${id}`)).body;
    expect(msg.reactions).toEqual([{ emoji: '👍', users: [bob.userId] }]);
    expect(msg.pinned).toBe(true);
    expect((await carol.json('GET', `/chat/api/channels/${g.id}/pins`)).body.messages.map((m: { id: string }) => m.id)).toEqual([id]);

    const reply = await bob.json('POST', `/chat/api/channels/${g.id}/messages`, { text: 'a reply', rootId: id });
    expect(reply.status).toBe(201);
    const thread = (await carol.json('GET', `/chat/api/messages/${id}/thread`)).body;
    expect(thread.root.replyCount).toBe(1);
    expect(thread.replies.map((m: { text: string }) => m.text)).toEqual(['a reply']);
    // Replies stay in their thread, not in the channel's top level.
    const page = (await carol.json('GET', `/chat/api/channels/${g.id}/messages`)).body.messages;
    expect(page.map((m: { id: string }) => m.id)).not.toContain(reply.body.id);

    expect((await bob.json('DELETE', `/chat/api/messages/${id}`)).status).toBe(403);
    expect((await alice.json('DELETE', `/chat/api/messages/${id}`)).status).toBe(200);
    expect((await carol.json('GET', `/chat/api/messages/${id}`)).body).toMatchObject({ deleted: true, text: '' });
  });

  it('keeps private channels private and lets members add people', async () => {
    const teams = (await alice.json('GET', '/chat/api/teams')).body.teams;
    const created = await alice.json('POST', '/chat/api/channels', { teamId: teams[0].id, name: 'Secret Plans', kind: 'private' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await alice.json('GET', `/chat/api/channels/${id}`)).body.name).toBe('secret-plans');
    expect((await bob.json('GET', `/chat/api/channels/${id}`)).status).toBe(404);
    expect((await bob.json('GET', `/chat/api/channels/${id}/messages`)).status).toBe(404);
    expect((await bob.json('POST', `/chat/api/channels/${id}/join`)).status).toBe(404);
    expect((await bob.json('POST', `/chat/api/channels/${id}/messages`, { text: 'let me in' })).status).toBe(404);
    expect((await bob.json('GET', `/chat/api/teams/${teams[0].id}/channels`)).body.channels.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await alice.json('POST', `/chat/api/channels/${id}/members`, { userIds: [bob.userId] })).status).toBe(200);
    expect((await bob.json('POST', `/chat/api/channels/${id}/messages`, { text: 'thanks' })).status).toBe(201);
    expect((await bob.json('POST', `/chat/api/channels/${id}/archive`)).status).toBe(403);
  });

  it('opens one DM per pair and group messages of at most 8', async () => {
    const dm1 = (await alice.json('POST', '/chat/api/conversations', { userIds: [bob.userId] })).body.id;
    const dm2 = (await bob.json('POST', '/chat/api/conversations', { userIds: [alice.userId] })).body.id;
    expect(dm1).toBe(dm2);
    expect((await carol.json('GET', `/chat/api/channels/${dm1}/messages`)).status).toBe(404);
    expect((await alice.json('POST', '/chat/api/conversations', { userIds: Array.from({ length: 8 }, (_, i) => `u${i}`) })).status).toBe(400);
    const group = await alice.json('POST', '/chat/api/conversations', { userIds: [bob.userId, carol.userId] });
    expect(group.status).toBe(200);
    expect((await carol.json('GET', '/chat/api/channels')).body.channels.find((c: { id: string }) => c.id === group.body.id).kind).toBe('group');
  });

  it('searches by text, person and channel, only in channels one is in', async () => {
    const g = await general(alice);
    await carol.json('POST', `/chat/api/channels/${g.id}/messages`, { text: 'the quarterly budget spreadsheet' });
    const dm = (await alice.json('POST', '/chat/api/conversations', { userIds: [bob.userId] })).body.id;
    await alice.json('POST', `/chat/api/channels/${dm}/messages`, { text: 'private budget talk' });
    await a.projections.settle(); // the search index is an async projection
    const hits = (await carol.json('GET', '/chat/api/search?q=budget')).body.messages.map((m: { text: string }) => m.text);
    expect(hits).toEqual(['the quarterly budget spreadsheet']);
    expect((await bob.json('GET', '/chat/api/search?q=budget')).body.messages).toHaveLength(2);
    expect((await bob.json('GET', `/chat/api/search?q=budget&from=${alice.userId}`)).body.messages.map((m: { text: string }) => m.text)).toEqual(['private budget talk']);
    expect((await bob.json('GET', `/chat/api/search?q=dget&channel=${g.id}`)).body.messages).toHaveLength(1);
  });

  it('runs slash commands: /mute, /status, /dnd, and /call with a warning for big channels', async () => {
    const g = await general(alice);
    expect((await bob.json('POST', `/chat/api/channels/${g.id}/messages`, { text: '/mute' })).body.ephemeral).toBe('Channel muted');
    expect((await general(bob)).muted).toBe(true);
    await bob.json('POST', `/chat/api/channels/${g.id}/messages`, { text: '/status 🌴 On holiday' });
    await bob.json('POST', `/chat/api/channels/${g.id}/messages`, { text: '/dnd' });
    const me = (await bob.json('GET', '/chat/api/me')).body;
    expect(me.status).toMatchObject({ emoji: '🌴', text: 'On holiday' });
    const call = await alice.json('POST', `/chat/api/channels/${g.id}/messages`, { text: '/call' });
    expect(call.status).toBe(201); // 3 members: no warning
    expect(call.body.posted.text).toMatch(/^📞 .* https:\/\/meet\.example\.test\/cairn-/);
    expect((await alice.json('POST', `/chat/api/channels/${g.id}/messages`, { text: '/nonsense' })).status).toBe(404);
  });
});

describe('adding members', () => {
  it('lets admins add a member, who lands in the default channels with a welcome from the system', async () => {
    expect((await bob.json('POST', '/chat/api/users', { email: 'dan@example.test' })).status).toBe(403);
    const added = await alice.json('POST', '/chat/api/users', { email: 'dan@example.test', displayName: 'Dan' });
    expect(added.status).toBe(201);
    expect(added.body.password.length).toBeGreaterThan(10);
    const g = await general(alice);
    const last = (await alice.json('GET', `/chat/api/channels/${g.id}/messages?limit=1`)).body.messages[0];
    expect(last).toMatchObject({ author: 'system', authorName: 'Cairn' });
    expect(last.text).toMatch(/^Welcome @dan!/);
    const dan = await import('../../../core/http/test-client.ts').then(({ TestClient }) => new TestClient(a.app, 'http://example.test'));
    expect((await dan.login('dan@example.test', added.body.password)).status).toBe(303);
    await dan.page('/account');
    const { callJson } = await import('../testing/chat-fixture.ts');
    expect((await callJson(dan, 'GET', '/chat/api/channels')).body.channels.map((c: { id: string }) => c.id)).toContain(g.id);
  });
});

describe('bots and webhooks', () => {
  it('creates a bot with a token (admins only); the bot posts where it was added', async () => {
    expect((await bob.json('POST', '/chat/api/bots', { name: 'Deploy bot' })).status).toBe(403);
    const bot = (await alice.json('POST', '/chat/api/bots', { name: 'Deploy bot' })).body;
    expect(bot.token).toMatch(/\./);
    const g = await general(alice);
    expect((await botCall(a, bot.token, 'POST', `/chat/api/channels/${g.id}/messages`, { text: 'hi' })).status).toBe(404);
    expect((await botCall(a, 'nope.nope', 'GET', '/chat/api/channels')).status).toBe(401);
    await alice.json('POST', `/chat/api/channels/${g.id}/members`, { userIds: [bot.userId] });
    const posted = await botCall(a, bot.token, 'POST', `/chat/api/channels/${g.id}/messages`, { text: 'Deployed v1.2' });
    expect(posted.status).toBe(201);
    expect(posted.body.authorName).toBe('Deploy bot');
    // Bots have guest-level rights: no browsing, no joining, no DMs.
    expect((await botCall(a, bot.token, 'POST', '/chat/api/conversations', { userIds: [bob.userId] })).status).toBe(403);
    const rotated = (await alice.json('POST', `/chat/api/bots/${bot.botId}/token`)).body.token;
    expect((await botCall(a, bot.token, 'GET', '/chat/api/channels')).status).toBe(401);
    expect((await botCall(a, rotated, 'GET', '/chat/api/channels')).status).toBe(200);
  });

  it('posts through an incoming webhook with its secret URL only', async () => {
    const g = await general(alice);
    const hook = await bob.json('POST', `/chat/api/channels/${g.id}/webhooks`, { name: 'CI' });
    expect(hook.status).toBe(201);
    const path = new URL(hook.body.url).pathname;
    // As a CI server would: no cookie, no CSRF token, only the secret in the URL.
    const send = (p: string) => a.app.request(`http://example.test${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'Build #42 passed' }) });
    expect((await send(path)).status).toBe(201);
    expect((await send(path.replace(/.$/, (ch) => (ch === 'a' ? 'b' : 'a')))).status).toBe(401);
    const last = (await carol.json('GET', `/chat/api/channels/${g.id}/messages?limit=1`)).body.messages[0];
    expect(last).toMatchObject({ text: 'Build #42 passed', authorName: 'CI' });
  });
});
