// POST /chat/hooks/<token>: incoming webhooks. Body JSON {"text": "..."} (Slack and
// Mattermost send the same field) or a form with `text` / `payload`.
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { ValidationError } from '../../../core/errors.ts';
import { jsonBody, str } from './chat-context.ts';
import type { ChatContextFn } from './chat-context.ts';

export function hookRoutes(ctx: ChatContextFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.post('/:token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    let text: string;
    if (type.startsWith('application/x-www-form-urlencoded')) {
      const f = await c.req.parseBody();
      const payload = typeof f.payload === 'string' ? (JSON.parse(f.payload) as { text?: unknown }) : { text: f.text };
      text = str(payload.text, 'text');
    } else {
      text = str((await jsonBody(c)).text, 'text');
    }
    if (!text.trim()) throw new ValidationError('text is empty');
    const m = await ctx().integrations.postViaWebhook(c.req.param('token'), text, { source: 'api', requestId: c.var.requestId, time: new Date().toISOString() });
    return c.json({ id: m.id }, 201);
  });
  return app;
}
