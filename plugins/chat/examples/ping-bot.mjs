#!/usr/bin/env node
// A small Cairn chat bot, using only Node's standard library (Node 20+).
//
//   1. An admin creates the bot:  POST /chat/api/bots {"name":"Ping bot"}  → {"token": "…"}
//   2. Someone adds it to a channel: /invite @… is for people, so use the API:
//        POST /chat/api/channels/<id>/members {"userIds":["bot:<botId>"]}
//   3. Run:  CAIRN_URL=http://localhost:8080 CHAT_BOT_TOKEN=… node plugins/chat/examples/ping-bot.mjs
//
// It answers "!ping" with "pong" in the channels it was added to (live, over SSE), and
// registers the slash command /roll, which Cairn POSTs to this process when someone types it.
import { createServer } from 'node:http';

const base = (process.env.CAIRN_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const token = process.env.CHAT_BOT_TOKEN;
const port = Number(process.env.BOT_PORT ?? 8787);
if (!token) { console.error('set CHAT_BOT_TOKEN'); process.exit(1); }

// The bearer token is the whole authentication: bots need no cookie and no CSRF token.
const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };

async function api(method, path, body) {
  const res = await fetch(`${base}/chat/api${path}`, { method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// --- the slash command: Cairn POSTs {command, text, channelId, userId, userName} here ---
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const { text } = JSON.parse(body || '{}');
    const sides = Number.parseInt(text, 10) || 6;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // inChannel: post it as the bot (when the bot is in that channel); otherwise only the caller sees it.
    res.end(JSON.stringify({ text: `🎲 ${1 + Math.floor(Math.random() * sides)} (d${sides})`, inChannel: true }));
  });
});
server.listen(port, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}/roll`;
  await api('POST', '/commands', { command: 'roll', url, description: 'Roll a die: /roll 20' });
  console.log(`/roll registered (${url})`);
});

// --- live messages: one SSE stream; reconnects resume from the last id ---
const me = await api('GET', '/me');
let lastId;
for (;;) {
  try {
    const res = await fetch(`${base}/chat/events`, { headers: { ...headers, Accept: 'text/event-stream', ...(lastId ? { 'Last-Event-ID': lastId } : {}) } });
    if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
    console.log(`connected as ${me.name}`);
    let buf = '';
    for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const field = (k) => block.split('\n').filter((l) => l.startsWith(`${k}:`)).map((l) => l.slice(k.length + 1).trimStart()).join('\n');
        if (field('id')) lastId = field('id');
        if (field('event') !== 'message') continue;
        const { type, message } = JSON.parse(field('data'));
        if (type === 'chat.MessagePosted' && message.author !== me.id && /(^|\s)!ping\b/.test(message.text)) {
          await api('POST', `/channels/${message.channelId}/messages`, { text: `pong, ${message.authorName}`, ...(message.rootId ? { rootId: message.rootId } : {}) });
        }
      }
    }
  } catch (e) {
    console.error(String(e));
  }
  await new Promise((r) => setTimeout(r, 2000));
}
