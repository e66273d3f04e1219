// GET /chat/files/<messageId>/<index>/<name>: a message's file, for whoever can read the
// channel. Images that browsers render safely are shown inline; everything else downloads.
// A sandboxing CSP and nosniff keep a hostile file from running as part of Cairn.
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { isInlineImage } from '../service/message-json.ts';
import { actor, chatActor, type ChatContextFn } from './chat-context.ts';

export function fileRoutes(ctx: ChatContextFn, blobs: () => import('../../../core/blobs/index.ts').BlobStore): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', chatActor(ctx, { required: true }));
  app.get('/:messageId/:index/:name?', async (c) => {
    const index = Number(c.req.param('index'));
    const f = await ctx().chat.file(actor(c), c.req.param('messageId'), Number.isSafeInteger(index) ? index : -1);
    const stream = await blobs().read(f.sha256);
    const inline = isInlineImage(f.type);
    const headers: Record<string, string> = {
      'Content-Type': inline ? f.type : 'application/octet-stream',
      'Content-Length': String(f.size),
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(f.name)}`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=86400',
      ETag: `"${f.sha256}"`,
    };
    if (c.req.header('if-none-match') === headers.ETag) return c.body(null, 304, headers);
    return c.body(Readable.toWeb(stream as Readable) as ReadableStream<Uint8Array>, 200, headers);
  });
  return app;
}
