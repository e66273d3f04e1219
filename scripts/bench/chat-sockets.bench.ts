// Chat fan-out over real sockets (issue 7): 500 SSE connections (GET /chat/events, 25
// browsers each for 20 people) across 50 channels; 200 messages posted round-robin; the
// latency from the post to its arrival on every connection that should see it. Clients
// run in the same process as the server, on the same cores: the figure includes their
// work and is an upper bound.
import http from 'node:http';
import { TestClient } from '../../core/http/test-client.ts';
import { addTestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { newId } from '../../core/ids.ts';

const pct = (xs: number[], p: number) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };

export async function benchChatSockets(): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['chat'] });
  const sockets: http.ClientRequest[] = [];
  try {
    const base = (await a.start()).find((l) => l.name === 'http')!.address;
    const chat = a.services.services.require<any>('chat.service');
    const people: { id: string; cookie: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const u = await addTestUser(a, `s${i}@example.test`);
      const client = new TestClient(a.app, 'http://example.test');
      await client.login(u.email, u.password);
      await client.page('/chat');
      people.push({ id: u.userId, cookie: `cairn_session=${client.cookies.get('cairn_session')}` });
    }
    const actors = await Promise.all(people.map(async (p) => chat.actorOf((await a.auth.userById(p.id))!)));
    const meta = (id: string) => ({ actor: id, source: 'ui' as const, time: new Date().toISOString() });
    const channels: string[] = [];
    for (let i = 0; i < 50; i++) channels.push(await chat.createChannel(actors[i % 20], { teamId: 'main', name: `sock-${i}`, kind: 'public' }, meta(actors[i % 20].id)));
    for (const ch of channels) for (const x of actors) await chat.join(x, ch, meta(x.id));
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const url = new URL(`${base}/chat/events`);
    let open = 0;
    await new Promise<void>((resolve, reject) => {
      for (let c = 0; c < 500; c++) {
        const p = people[c % 20]!;
        const req = http.get({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { Cookie: p.cookie, Accept: 'text/event-stream' }, agent: false }, (res) => {
          if (res.statusCode !== 200) { reject(new Error(`SSE ${res.statusCode}`)); return; }
          if (++open === 500) resolve();
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const frame = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (!frame.includes('event: message')) continue;
              const id = /"id":"([^"]+)"/.exec(frame)?.[1];
              const t = id ? sentAt.get(id) : undefined;
              if (t !== undefined) latencies.push(performance.now() - t);
            }
          });
        });
        req.on('error', reject);
        sockets.push(req);
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    for (let round = 0; round < 200; round++) {
      const x = actors[round % 20];
      const id = newId();
      sentAt.set(id, performance.now());
      const ch = channels[round % 50]!;
      await a.log.append(`chat-message:${ch}/${id}`, 'no-stream', [{ type: 'chat.MessagePosted', data: { messageId: id, channelId: ch, author: x.id, text: `sock ${round}`, rootId: null, mentions: [], mentionAll: false } }], { metadata: meta(x.id) });
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 2000));
    return {
      connections: 500,
      deliveries: latencies.length,
      fanout_p50_ms: pct(latencies, 50),
      fanout_p99_ms: pct(latencies, 99),
      server_rss_mb: process.memoryUsage().rss / 1e6,
    };
  } finally {
    for (const s of sockets) s.destroy();
    await a.close();
  }
}
