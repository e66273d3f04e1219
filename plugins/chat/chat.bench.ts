// Chat's figures (issue 7), measured on this machine:
//   node --import tsx plugins/chat/chat.bench.ts
// - posting: messages/s into one channel with 20 concurrent writers (service path:
//   policy check, mention parsing, append with group commit, inline read model, read-back)
// - opening a channel with 100,000 messages: the last page, median of 20
// - fan-out: 500 live connections across 50 channels, append → write latency p99, and RSS
import { performance } from 'node:perf_hooks';
import { addTestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import type { EventMetadata } from '../../core/events/types.ts';
import { newId } from '../../core/ids.ts';
import { messageStream } from './events.ts';
import type { LiveHub } from './live/live-hub.ts';
import type { ChatService } from './service/chat-service.ts';

const meta = (actor: string): EventMetadata => ({ actor, source: 'system', time: new Date().toISOString() });
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };

export async function benchChat(opts: { posts?: number; writers?: number; bulk?: number } = {}) {
  const a = await createTestAppliance({ plugins: ['chat'] });
  try {
    const chat = a.services.services.require<ChatService>('chat.service');
    const hub = a.services.services.require<LiveHub>('chat.live');
    const writers = opts.writers ?? 20;
    const users = [];
    for (let i = 0; i < writers; i++) users.push(await addTestUser(a, `w${i}@example.test`));
    const actors = await Promise.all(users.map(async (u) => chat.actorOf((await a.auth.userById(u.userId))!)));
    for (const x of actors) await chat.onboard(x, meta(x.id));
    const channelId = (await chat.sidebar(actors[0]!))[0]!.id;

    // ---- posting: 20 writers, one channel ----
    const burst = async (total: number) => {
      let next = 0;
      const t0 = performance.now();
      await Promise.all(actors.map(async (x) => {
        while (next < total) { next++; await chat.post(x, channelId, { text: `message ${next} from ${x.name}` }, meta(x.id)); }
      }));
      return total / ((performance.now() - t0) / 1000);
    };
    await burst(2_000); // warm-up: JIT and statement caches, as in a running server
    const postsPerS = await burst(opts.posts ?? 20_000);

    // ---- a channel with 100,000 messages: bulk-load, then open the last page ----
    const bulk = opts.bulk ?? 100_000;
    const bulkChannel = await chat.createChannel(actors[0]!, { teamId: 'main', name: 'big', kind: 'public' }, meta(actors[0]!.id));
    const author = actors[0]!.id;
    for (let done = 0; done < bulk;) {
      const appends = [];
      for (let i = 0; i < 2_000 && done < bulk; i++, done++) {
        const id = newId();
        appends.push({ stream: messageStream(bulkChannel, id), expected: 'no-stream' as const, events: [{ type: 'chat.MessagePosted', data: { messageId: id, channelId: bulkChannel, author, text: `bulk message ${done} with some words in it`, rootId: null, mentions: [], mentionAll: false } }] });
      }
      await a.log.appendMulti(appends, { metadata: meta(author) });
    }
    const opens: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const page = await chat.messages(actors[0]!, bulkChannel);
      opens.push(performance.now() - s);
      if (page.messages.length !== 50) throw new Error('bad page');
    }
    await chat.join(actors[1]!, bulkChannel, meta(actors[1]!.id));
    // A read cursor from before the bulk load: all 100,000 are unread (joining later would count none).
    await a.db.kysely.insertInto('chat_read_state').values({ user_id: actors[1]!.id, channel_id: bulkChannel, last_read: 1 }).execute();
    const sideStart = performance.now();
    const side = await chat.sidebar(actors[1]!);
    if (side.find((c) => c.id === bulkChannel)?.unread !== Math.min(bulk, 1_000)) throw new Error('bad unread count');
    const sidebarMs = performance.now() - sideStart;

    // ---- fan-out: 500 connections over 50 channels ----
    const channels: string[] = [];
    for (let i = 0; i < 50; i++) channels.push(await chat.createChannel(actors[i % writers]!, { teamId: 'main', name: `fan-${i}`, kind: 'public' }, meta(actors[i % writers]!.id)));
    for (let i = 0; i < 50; i++) for (const x of actors) await chat.join(x, channels[i]!, meta(x.id));
    const latencies: number[] = [];
    const sentAt = new Map<string, number>();
    const closers: (() => void)[] = [];
    for (let c = 0; c < 500; c++) {
      const x = actors[c % writers]!;
      closers.push(await hub.connect({ userId: x.id, guest: false, after: undefined, write: (e) => {
        if (e.event !== 'message') return;
        const id = /"id":"([^"]+)"/.exec(e.data)?.[1];
        const t = id && sentAt.get(id);
        if (t) latencies.push(performance.now() - t);
      } }));
    }
    for (let round = 0; round < 200; round++) {
      const x = actors[round % writers]!;
      const ch = channels[round % 50]!;
      const id = newId();
      sentAt.set(id, performance.now());
      await a.log.append(messageStream(ch, id), 'no-stream', [{ type: 'chat.MessagePosted', data: { messageId: id, channelId: ch, author: x.id, text: `fan ${round}`, rootId: null, mentions: [], mentionAll: false } }], { metadata: meta(x.id) });
    }
    await a.feed.settle();
    await hub.settle();
    const rssMb = process.memoryUsage().rss / 1e6;
    for (const c of closers) c();
    return {
      'chat.post_20_writers_messages_per_s': postsPerS,
      'chat.open_last_page_of_100k_median_ms': pct(opens, 50),
      'chat.open_last_page_of_100k_p95_ms': pct(opens, 95),
      'chat.sidebar_with_100k_unread_ms': sidebarMs,
      'chat.fanout_500_clients_deliveries': latencies.length,
      'chat.fanout_500_clients_p50_ms': pct(latencies, 50),
      'chat.fanout_500_clients_p99_ms': pct(latencies, 99),
      'chat.rss_after_fanout_mb': rssMb,
    };
  } finally {
    await a.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchChat({ posts: Number(process.env.POSTS ?? 20_000), bulk: Number(process.env.BULK ?? 100_000) });
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(48)} ${Math.round(v * 100) / 100}`);
}
