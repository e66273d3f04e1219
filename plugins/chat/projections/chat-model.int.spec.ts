// The read models: the membership check inside the append, and rebuild-by-replay giving
// byte-identical tables (projections are deterministic).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../core/errors.ts';
import { dumpReadModels } from '../../../core/testing/dump-read-models.ts';
import { messageStream } from '../events.ts';
import { chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bob: ChatClient;
let channelId: string;

beforeAll(async () => {
  a = await chatAppliance();
  alice = await signIn(a, 'alice@example.test');
  bob = await signIn(a, 'bob@example.test');
  await alice.client.get('/chat');
  await bob.client.get('/chat');
  const teamId = (await alice.json('GET', '/chat/api/teams')).body.teams[0].id;
  channelId = (await alice.json('POST', '/chat/api/channels', { teamId, name: 'closed', kind: 'private' })).body.id;
});
afterAll(() => a.close());

const post = (author: string, id: string) => a.log.append(messageStream(channelId, id), 'no-stream', [{ type: 'chat.MessagePosted', data: { messageId: id, channelId, author, text: 'x', rootId: null, mentions: [], mentionAll: false } }], { metadata: { actor: author, source: 'system', time: new Date().toISOString() } });

describe('chat read model', () => {
  it('rolls back a post whose author is not a member at append time, whatever the caller checked', async () => {
    await expect(post(bob.userId, 'm-bob')).rejects.toBeInstanceOf(ForbiddenError);
    expect(await a.log.streamVersion(messageStream(channelId, 'm-bob'))).toBe(0);
    await post(alice.userId, 'm-alice');
    expect(await a.log.streamVersion(messageStream(channelId, 'm-alice'))).toBe(1);
  });

  it('rebuilds to identical tables by replay', async () => {
    const g = (await alice.json('GET', '/chat/api/channels')).body.channels.find((c: { name: string }) => c.name === 'general').id;
    const m = (await alice.json('POST', `/chat/api/channels/${g}/messages`, { text: 'hi @bob @channel' })).body;
    await bob.json('POST', `/chat/api/channels/${g}/messages`, { text: 'reply', rootId: m.id });
    await bob.json('POST', `/chat/api/messages/${m.id}/reactions`, { emoji: '👍' });
    await alice.json('PATCH', `/chat/api/messages/${m.id}`, { text: 'hi all' });
    await bob.json('PUT', `/chat/api/channels/${g}/preferences`, { favorite: true });
    await a.projections.settle();
    const before = dumpReadModels(a.db.raw);
    await a.projections.rebuild(['chat.model', 'chat.search']);
    expect(dumpReadModels(a.db.raw)).toBe(before);
  });
});
