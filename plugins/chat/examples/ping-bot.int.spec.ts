// The example bot, run as its own process against a real server: it must connect, answer
// "!ping" and serve its /roll command — the documented bot API, end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bot: ChildProcess;
let output = '';

beforeAll(async () => {
  a = await chatAppliance();
  const base = (await a.start()).find((s) => s.name === 'http')!.address;
  alice = await signIn(a, 'alice@example.test', { role: 'admin' });
  await alice.client.get('/chat');
  const created = (await alice.json('POST', '/chat/api/bots', { name: 'Ping bot' })).body;
  const g = (await alice.json('GET', '/chat/api/channels')).body.channels[0].id;
  await alice.json('POST', `/chat/api/channels/${g}/members`, { userIds: [created.userId] });
  bot = spawn(process.execPath, [join(import.meta.dirname, 'ping-bot.mjs')], { env: { ...process.env, CAIRN_URL: base, CHAT_BOT_TOKEN: created.token, BOT_PORT: '0' } });
  bot.stdout!.on('data', (d) => { output += String(d); });
  bot.stderr!.on('data', (d) => { output += String(d); });
  for (let i = 0; i < 200 && !(output.includes('connected as') && output.includes('/roll registered')); i++) await new Promise((r) => setTimeout(r, 25));
});
afterAll(async () => { bot?.kill(); await a.close(); });

describe('examples/ping-bot.mjs', () => {
  it('answers !ping live and serves /roll', async () => {
    expect(output).toContain('connected as Ping bot');
    const g = (await alice.json('GET', '/chat/api/channels')).body.channels[0].id;
    await alice.json('POST', `/chat/api/channels/${g}/messages`, { text: '!ping' });
    let texts: string[] = [];
    for (let i = 0; i < 100 && !texts.some((t) => t.startsWith('pong')); i++) {
      await new Promise((r) => setTimeout(r, 25));
      texts = (await alice.json('GET', `/chat/api/channels/${g}/messages`)).body.messages.map((m: { text: string }) => m.text);
    }
    expect(texts).toContain('pong, alice');
    const roll = await alice.json('POST', `/chat/api/channels/${g}/messages`, { text: '/roll 20' });
    expect(roll.body.posted.text).toMatch(/^🎲 \d+ \(d20\)$/);
  });
});
