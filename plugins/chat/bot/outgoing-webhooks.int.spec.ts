// Outgoing webhooks: trigger words, the signed request, the answer posted back, no loops.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App } from '../testing/chat-fixture.ts';
import { signBody, triggerOf } from './outgoing-webhooks.ts';

let a: App;
let server: Server;
let url: string;
const got: { body: string; signature: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ body, signature: req.headers['x-cairn-signature'] as string | undefined });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ text: `deploying ${JSON.parse(body).text.split(' ')[1]}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  a = await chatAppliance();
});
afterAll(async () => { await a.close(); await new Promise((r) => server.close(r)); });

describe('outgoing webhooks', () => {
  it('matches the first word against the triggers', () => {
    expect(triggerOf('Deploy prod now', ['deploy'])).toBe('deploy');
    expect(triggerOf('please deploy', ['deploy'])).toBeUndefined();
    expect(triggerOf('anything', [])).toBe('');
  });

  it('POSTs triggered messages signed with the hook secret and posts the answer as the hook', async () => {
    const u = await signIn(a, 'dev@example.test');
    await u.client.get('/chat');
    const g = (await u.json('GET', '/chat/api/channels')).body.channels[0].id;
    const hook = await u.json('POST', `/chat/api/channels/${g}/outgoing-webhooks`, { name: 'Deployer', url, triggerWords: ['deploy'] });
    expect(hook.status).toBe(201);
    await u.json('POST', `/chat/api/channels/${g}/messages`, { text: 'hello there' });
    await u.json('POST', `/chat/api/channels/${g}/messages`, { text: 'deploy prod' });
    let texts: string[] = [];
    for (let i = 0; i < 100 && !texts.includes('deploying prod'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      texts = (await u.json('GET', `/chat/api/channels/${g}/messages`)).body.messages.map((m: { text: string }) => m.text);
    }
    expect(texts).toEqual(['hello there', 'deploy prod', 'deploying prod']);
    expect(got).toHaveLength(1); // not "hello there", and not the hook's own answer
    expect(got[0]!.signature).toBe(signBody(hook.body.secret, got[0]!.body));
    expect(JSON.parse(got[0]!.body)).toMatchObject({ channelId: g, userId: u.userId, text: 'deploy prod', trigger: 'deploy' });
    const last = (await u.json('GET', `/chat/api/channels/${g}/messages?limit=1`)).body.messages[0];
    expect(last.authorName).toBe('Deployer');
  });
});
