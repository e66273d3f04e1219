// A bot registers /weather with a URL; a user's /weather is POSTed there and the answer
// comes back (in the channel when the bot is a member and asks for it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botCall, chatAppliance, signIn, type App } from '../testing/chat-fixture.ts';

let a: App;
let hook: Server;
let url: string;
const calls: any[] = [];

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const b = JSON.parse(body);
      calls.push(b);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ text: `Sunny in ${b.text}`, inChannel: b.text === 'Oslo' }));
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/weather`;
  a = await chatAppliance();
});
afterAll(async () => { await a.close(); await new Promise((r) => hook.close(r)); });

describe('bot slash commands', () => {
  it('routes /weather to the bot that registered it', async () => {
    const admin = await signIn(a, 'root@example.test', { role: 'admin' });
    await admin.client.get('/chat');
    const bot = (await admin.json('POST', '/chat/api/bots', { name: 'Weather' })).body;
    expect((await admin.json('POST', '/chat/api/commands', { command: 'weather', url })).status).toBe(403); // people do not register commands
    expect((await botCall(a, bot.token, 'POST', '/chat/api/commands', { command: 'join', url })).status).toBe(400);
    expect((await botCall(a, bot.token, 'POST', '/chat/api/commands', { command: 'weather', url, description: 'Forecast' })).status).toBe(201);
    const g = (await admin.json('GET', '/chat/api/channels')).body.channels[0].id;
    const r1 = await admin.json('POST', `/chat/api/channels/${g}/messages`, { text: '/weather Bergen' });
    expect(r1.body).toMatchObject({ command: true, ephemeral: 'Sunny in Bergen' });
    expect(calls[0]).toMatchObject({ command: 'weather', text: 'Bergen', channelId: g, userId: admin.userId });
    // Not a member: the answer stays private even when the bot asks for the channel.
    expect((await admin.json('POST', `/chat/api/channels/${g}/messages`, { text: '/weather Oslo' })).body.ephemeral).toBe('Sunny in Oslo');
    await admin.json('POST', `/chat/api/channels/${g}/members`, { userIds: [bot.userId] });
    const r3 = await admin.json('POST', `/chat/api/channels/${g}/messages`, { text: '/weather Oslo' });
    expect(r3.body.posted).toMatchObject({ author: bot.userId, text: 'Sunny in Oslo' });
  });
});
