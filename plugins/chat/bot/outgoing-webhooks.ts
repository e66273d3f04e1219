// Outgoing webhooks: a message posted in the channel (by a person) that starts with one of
// the hook's trigger words — or any message when it has none — is POSTed as JSON to the
// hook's URL with X-Cairn-Signature: sha256=<HMAC of the body with the hook's secret>.
// An answer {"text": "..."} is posted back in the channel as the hook.
// Messages by bots and hooks never trigger hooks, so two integrations cannot loop.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ChangeFeed } from '../../../core/feed/change-feed.ts';
import type { EventMetadata, StoredEvent } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import { hookAuthor, type ChatEvent } from '../events.ts';
import { OUTGOING_TIMEOUT_MS } from '../limits.ts';
import type { ChatService } from '../service/chat-service.ts';

export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The first word decides: `deploy prod` matches trigger `deploy`. No triggers: everything matches. */
export function triggerOf(text: string, triggers: readonly string[]): string | undefined {
  if (triggers.length === 0) return '';
  const first = text.trim().split(/\s+/, 1)[0]!.toLowerCase();
  return triggers.includes(first) ? first : undefined;
}

export function createOutgoingWebhooks(deps: { feed: ChangeFeed; db: Kysely<any>; chat: () => ChatService; logger: Logger; fetch?: typeof fetch }) {
  let chain: Promise<void> = Promise.resolve();

  async function handle(ev: StoredEvent): Promise<void> {
    const e = ev as unknown as ChatEvent;
    if (e.type !== 'chat.MessagePosted' || e.data.author.includes(':') || e.data.author === 'system') return;
    const hooks = await deps.db.selectFrom('chat_outgoing_hooks').selectAll().where('channel_id', '=', e.data.channelId).execute();
    for (const h of hooks) {
      const trigger = triggerOf(e.data.text, JSON.parse(h.trigger_words as string) as string[]);
      if (trigger === undefined) continue;
      const body = JSON.stringify({ hookId: h.id, channelId: e.data.channelId, messageId: e.data.messageId, rootId: e.data.rootId, userId: e.data.author, text: e.data.text, trigger, position: ev.position });
      let text = '';
      try {
        const res = await (deps.fetch ?? fetch)(h.url as string, {
          method: 'POST', body, signal: AbortSignal.timeout(OUTGOING_TIMEOUT_MS),
          headers: { 'Content-Type': 'application/json', 'X-Cairn-Signature': signBody(h.secret as string, body) },
        });
        if (res.ok) {
          const answer = (await res.json().catch(() => ({}))) as { text?: unknown };
          if (typeof answer.text === 'string') text = answer.text.trim();
        }
      } catch (err) {
        deps.logger.warn({ err, hook: h.id }, 'outgoing webhook failed');
      }
      if (!text) continue;
      const author = hookAuthor(h.id as string);
      const meta: EventMetadata = { actor: author, source: 'system', time: new Date().toISOString() };
      await deps.chat().postAs(author, e.data.channelId, text, meta);
    }
  }

  return {
    start() {
      return deps.feed.subscribe({ types: ['chat.MessagePosted'] }, (events) => {
        for (const ev of events) chain = chain.then(() => handle(ev)).catch((err) => deps.logger.error({ err }, 'outgoing webhooks failed'));
      });
    },
    async settle() { await chain; },
  };
}
