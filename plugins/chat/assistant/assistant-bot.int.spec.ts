// The assistant bot: absent without chat.assistantUrl; with it, the request it sends to an
// OpenAI-compatible endpoint (a local fake server on port 0) and the answer it posts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App } from '../testing/chat-fixture.ts';
import { assistantConfig, assistantRequest } from './assistant-bot.ts';

describe('assistant bot: absent when not configured', () => {
  let a: App;
  beforeAll(async () => { a = await chatAppliance(); });
  afterAll(() => a.close());
  it('is not in the directory and cannot be messaged', async () => {
    const u = await signIn(a, 'ann@example.test');
    expect((await u.json('GET', '/chat/api/users')).body.users.map((x: { id: string }) => x.id)).not.toContain('bot:assistant');
    expect((await u.json('POST', '/chat/api/conversations', { userIds: ['bot:assistant'] })).status).toBe(404);
    expect(assistantConfig({})).toBeUndefined();
    expect(assistantConfig({ assistantUrl: '' })).toBeUndefined();
  });
});

describe('assistant bot: configured', () => {
  let a: App;
  let fake: Server;
  const requests: { path: string; auth: string | undefined; body: any }[] = [];
  beforeAll(async () => {
    fake = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        requests.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Paris, **of course**.' } }] }));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const port = (fake.address() as AddressInfo).port;
    a = await chatAppliance({ sections: { chat: { assistantUrl: `http://127.0.0.1:${port}/v1/`, assistantModel: 'tiny', assistantApiKey: 'k-123' } } } as never);
  });
  afterAll(async () => { await a.close(); await new Promise((r) => fake.close(r)); });

  it('sends the conversation as chat completions and posts the answer in the DM', async () => {
    const u = await signIn(a, 'ann@example.test');
    const dm = (await u.json('POST', '/chat/api/conversations', { userIds: ['bot:assistant'] })).body.id;
    await u.json('POST', `/chat/api/channels/${dm}/messages`, { text: 'Capital of France?' });
    for (let i = 0; i < 100; i++) {
      const msgs = (await u.json('GET', `/chat/api/channels/${dm}/messages`)).body.messages;
      if (msgs.length === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const msgs = (await u.json('GET', `/chat/api/channels/${dm}/messages`)).body.messages;
    expect(msgs.map((m: { author: string; text: string }) => [m.author, m.text])).toEqual([[u.userId, 'Capital of France?'], ['bot:assistant', 'Paris, **of course**.']]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/v1/chat/completions');
    expect(requests[0]!.auth).toBe('Bearer k-123');
    expect(requests[0]!.body).toMatchObject({ model: 'tiny', stream: false, messages: [{ role: 'system' }, { role: 'user', content: 'Capital of France?' }] });
  });

  it('builds the request from history with assistant turns marked', () => {
    const r = assistantRequest({ url: 'http://x/v1', model: 'm', apiKey: undefined }, [{ author: 'u1', text: 'hi' }, { author: 'bot:assistant', text: 'hello' }]);
    expect(r.url).toBe('http://x/v1/chat/completions');
    expect((r.init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(JSON.parse(r.init.body as string).messages.slice(1)).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }]);
  });
});
