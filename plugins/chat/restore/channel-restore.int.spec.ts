import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let owner: ChatClient;
let member: ChatClient;
let channelId: string;

beforeAll(async () => {
  a = await chatAppliance();
  owner = await signIn(a, 'olga@example.test');
  member = await signIn(a, 'max@example.test');
  await owner.client.get('/chat');
  await member.client.get('/chat');
  const teamId = (await owner.json('GET', '/chat/api/teams')).body.teams[0].id;
  channelId = (await owner.json('POST', '/chat/api/channels', { teamId, name: 'ops', kind: 'public' })).body.id;
  await member.json('POST', `/chat/api/channels/${channelId}/join`);
});
afterAll(() => a.close());

const texts = async () => (await owner.json('GET', `/chat/api/channels/${channelId}/messages`)).body.messages.filter((m: { deleted: boolean }) => !m.deleted).map((m: { text: string }) => m.text);

describe('restore a channel as it was', () => {
  it('previews, then brings back deleted messages and reverts edits; owners only', async () => {
    const keep = (await member.json('POST', `/chat/api/channels/${channelId}/messages`, { text: 'runbook v1' })).body;
    await owner.json('POST', `/chat/api/channels/${channelId}/messages`, { text: 'second' });
    const head = (await a.log.head());
    await member.json('PATCH', `/chat/api/messages/${keep.id}`, { text: 'runbook ruined' });
    await member.json('DELETE', `/chat/api/messages/${keep.id}`);
    await member.json('POST', `/chat/api/channels/${channelId}/messages`, { text: 'spam later' });
    expect(await texts()).toEqual(['second', 'spam later']);

    expect((await member.json('GET', `/chat/api/channels/${channelId}/restore?at=${head}`)).status).toBe(403);
    const preview = (await owner.json('GET', `/chat/api/channels/${channelId}/restore?at=${head}`)).body;
    expect(preview).toEqual({ restored: ['runbook v1'], removed: ['spam later'], reverted: [], pins: 0 });
    expect(await texts()).toEqual(['second', 'spam later']); // a preview changes nothing

    expect((await owner.json('POST', `/chat/api/channels/${channelId}/restore`, { at: String(head) })).status).toBe(200);
    expect(await texts()).toEqual(['runbook v1', 'second']);
    // Search sees the restored text again (once the async index has caught up).
    await a.projections.settle();
    expect((await owner.json('GET', '/chat/api/search?q=runbook')).body.messages.map((m: { text: string }) => m.text)).toEqual(['runbook v1']);
  });

  it('shows the preview page and restores through the form', async () => {
    await owner.client.page(`/chat/c/${channelId}`);
    const html = await owner.client.page(`/chat/c/${channelId}/restore?preset=24h`);
    expect(html).toContain('Restore #ops');
    expect(html).toMatch(/remove <strong>/);
  });
});
