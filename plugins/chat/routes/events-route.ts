// GET /chat/events: the SSE stream of one user (or bot). Reconnects send Last-Event-ID
// (or ?after=<position> on the first connect from a page rendered at that position).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { CairnEnv } from '../../../core/http/env.ts';
import { SSE_PING_MS } from '../limits.ts';
import { actor, chatActor, type ChatContextFn } from './chat-context.ts';

export function eventsRoute(ctx: ChatContextFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', chatActor(ctx, { required: true }));
  app.get('/', (c) => {
    const a = actor(c);
    const raw = c.req.header('last-event-id') ?? c.req.query('after');
    const after = raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
    c.header('X-Accel-Buffering', 'no'); // nginx: do not hold events back
    return streamSSE(c, async (stream) => {
      let closed = false;
      let queue: Promise<unknown> = Promise.resolve();
      const done = new Promise<void>((resolve) => stream.onAbort(() => { closed = true; resolve(); }));
      const disconnect = await ctx().hub.connect({
        userId: a.id, guest: a.role === 'guest', after,
        write: (e) => {
          if (closed) return;
          // Writes are chained so events leave in the order they were handed over.
          queue = queue.then(() => stream.writeSSE(e)).catch(() => { closed = true; });
        },
      });
      try {
        while (!closed) {
          await Promise.race([done, stream.sleep(SSE_PING_MS)]);
          if (!closed) queue = queue.then(() => stream.write(': ping\n\n')).catch(() => { closed = true; });
        }
      } finally {
        disconnect();
      }
    });
  });
  return app;
}
