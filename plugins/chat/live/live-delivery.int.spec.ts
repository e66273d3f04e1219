// Live delivery over a real socket: several SSE clients at once, typing and read state,
// reconnect with Last-Event-ID, DND suppressing notifications.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';
import { SseClient } from '../testing/sse-client.ts';

let a: App;
let base: string;
let alice: ChatClient;
let bob: ChatClient;
let carol: ChatClient;
let generalId: string;
const open: SseClient[] = [];

const cookie = (u: ChatClient) => ({ Cookie: [...u.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
async function connect(u: ChatClient, lastEventId?: string): Promise<SseClient> {
  const c = await SseClient.open(`${base}/chat/events`, { ...cookie(u), ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) });
  open.push(c);
  return c;
}

beforeAll(async () => {
  a = await chatAppliance();
  const started = await a.start();
  base = started.find((s) => s.name === 'http')!.address;
  alice = await signIn(a, 'alice@example.test');
  bob = await signIn(a, 'bob@example.test');
  carol = await signIn(a, 'carol@example.test');
  for (const u of [alice, bob, carol]) await u.client.get('/chat');
  generalId = (await alice.json('GET', '/chat/api/channels')).body.channels[0].id;
});
afterAll(async () => { for (const c of open) c.close(); await a.close(); });

describe('live delivery over SSE', () => {
  it('delivers a new message to every open browser of every member within 200 ms', async () => {
    const bob1 = await connect(bob);
    const bob2 = await connect(bob);
    const carol1 = await connect(carol);
    const t0 = performance.now();
    const posted = await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: 'live hello' });
    for (const c of [bob1, bob2, carol1]) {
      const e = await c.waitFor((x) => x.event === 'message' && x.data.includes(posted.body.id));
      expect(e.at - t0).toBeLessThan(200);
      expect(Number(e.id)).toBe(posted.body.position);
      const payload = JSON.parse(e.data);
      expect(payload).toMatchObject({ type: 'chat.MessagePosted', channelId: generalId, message: { text: 'live hello' } });
    }
    // Edits, reactions and deletes follow as the same message with its new state.
    await alice.json('PATCH', `/chat/api/messages/${posted.body.id}`, { text: 'live hello!' });
    await carol.json('POST', `/chat/api/messages/${posted.body.id}/reactions`, { emoji: '🎉' });
    await alice.json('DELETE', `/chat/api/messages/${posted.body.id}`);
    await bob1.waitFor((x) => x.data.includes('chat.MessageDeleted'));
    expect(bob1.messages().filter((m) => m.message.id === posted.body.id).map((m) => m.type)).toEqual(['chat.MessagePosted', 'chat.MessageEdited', 'chat.ReactionAdded', 'chat.MessageDeleted']);
  });

  it('sends typing to the others and read state to the reader’s other browsers, without ids', async () => {
    const aliceC = await connect(alice);
    const bob1 = await connect(bob);
    const bob2 = await connect(bob);
    await alice.json('POST', `/chat/api/channels/${generalId}/typing`);
    const typing = await bob1.waitFor((e) => e.event === 'typing');
    expect(JSON.parse(typing.data)).toMatchObject({ channelId: generalId, userId: alice.userId });
    expect(typing.id).toBeUndefined();
    await bob.json('POST', `/chat/api/channels/${generalId}/read`, {});
    const read = await bob2.waitFor((e) => e.event === 'read');
    expect(JSON.parse(read.data).channelId).toBe(generalId);
    await new Promise((r) => setTimeout(r, 50));
    expect(aliceC.events.some((e) => e.event === 'typing')).toBe(false);
    expect(aliceC.events.some((e) => e.event === 'read')).toBe(false);
  });

  it('sends read receipts to the other people of a DM, not to a channel', async () => {
    const dm = (await alice.json('POST', '/chat/api/conversations', { userIds: [bob.userId] })).body.id;
    const aliceC = await connect(alice);
    const carolC = await connect(carol);
    await alice.json('POST', `/chat/api/channels/${dm}/messages`, { text: 'did you see this?' });
    await bob.json('POST', `/chat/api/channels/${dm}/read`, {});
    const seen = await aliceC.waitFor((e) => e.event === 'seen');
    expect(JSON.parse(seen.data)).toMatchObject({ channelId: dm, userId: bob.userId });
    await bob.json('POST', `/chat/api/channels/${generalId}/read`, {});
    await new Promise((r) => setTimeout(r, 50));
    expect(aliceC.events.filter((e) => e.event === 'seen')).toHaveLength(1);
    expect(carolC.events.some((e) => e.event === 'seen')).toBe(false);
  });

  it('does not deliver messages of a private channel to non-members', async () => {
    const teamId = (await alice.json('GET', '/chat/api/teams')).body.teams[0].id;
    const secret = (await alice.json('POST', '/chat/api/channels', { teamId, name: 'secret', kind: 'private' })).body.id;
    const carol1 = await connect(carol);
    const bob1 = await connect(bob);
    await alice.json('POST', `/chat/api/channels/${secret}/members`, { userIds: [bob.userId] });
    const m = await alice.json('POST', `/chat/api/channels/${secret}/messages`, { text: 'for bob only' });
    await bob1.waitFor((e) => e.data.includes(m.body.id)); // bob joined while connected: the new channel is followed
    const marker = await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: 'marker' });
    await carol1.waitFor((e) => e.data.includes(marker.body.id));
    expect(carol1.events.some((e) => e.data.includes('for bob only'))).toBe(false);
  });

  it('catches up from Last-Event-ID after a reconnect, in order, without loss or repeats', async () => {
    const first = await connect(bob);
    const seen = await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: 'before the drop' });
    await first.waitFor((e) => e.data.includes(seen.body.id));
    const last = first.lastId!;
    first.close();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push((await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: `missed ${i}` })).body.id);
    const again = await connect(bob, last);
    const after = await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: 'after reconnect' });
    await again.waitFor((e) => e.data.includes(after.body.id));
    const ids = again.messages().map((m) => m.message.id);
    expect(ids).toEqual([...missed, after.body.id]);
    const positions = again.events.filter((e) => e.id).map((e) => Number(e.id));
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('notifies mentioned users unless they are in do-not-disturb', async () => {
    const bob1 = await connect(bob);
    const carol1 = await connect(carol);
    await bob.json('PUT', '/chat/api/status', { presence: 'dnd' });
    const m = await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: 'ping @bob and @carol' });
    await carol1.waitFor((e) => e.event === 'notify' && e.data.includes(m.body.id));
    await bob1.waitFor((e) => e.data.includes(m.body.id)); // the message itself arrives
    await new Promise((r) => setTimeout(r, 50));
    expect(bob1.events.some((e) => e.event === 'notify')).toBe(false);
    await bob.json('PUT', '/chat/api/status', { presence: 'auto' });
  });

  it('shows presence from open connections', async () => {
    const s1 = (await alice.json('GET', `/chat/api/presence?users=${carol.userId}`)).body.status[carol.userId].presence;
    expect(s1).toBe('online'); // carol has open connections from the tests above
    for (const c of open) c.close();
    await new Promise((r) => setTimeout(r, 100));
    expect((await alice.json('GET', `/chat/api/presence?users=${carol.userId}`)).body.status[carol.userId].presence).toBe('offline');
  });
});
