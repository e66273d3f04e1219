// The assistant bot: present only when chat.assistantUrl (an OpenAI-compatible API base,
// e.g. http://localhost:11434/v1) is configured. It answers in its DM channels: each
// message a person posts there is sent, with the recent conversation, to
// POST <assistantUrl>/chat/completions, and the answer is posted back as the bot.
import type { ChangeFeed } from '../../../core/feed/change-feed.ts';
import type { EventMetadata, StoredEvent } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import type { ChatEvent } from '../events.ts';
import { ASSISTANT_CONTEXT_MESSAGES, OUTGOING_TIMEOUT_MS } from '../limits.ts';
import { ASSISTANT_ID, type ChatService } from '../service/chat-service.ts';

export interface AssistantConfig { url: string; model: string; apiKey: string | undefined }

export function assistantConfig(section: Record<string, unknown>): AssistantConfig | undefined {
  const url = section.assistantUrl;
  if (typeof url !== 'string' || url.trim() === '') return undefined;
  return {
    url: url.replace(/\/+$/, ''),
    model: typeof section.assistantModel === 'string' ? section.assistantModel : 'default',
    apiKey: typeof section.assistantApiKey === 'string' ? section.assistantApiKey : undefined,
  };
}

/** The chat-completions request for a conversation (oldest first). Pure, so its shape is testable. */
export function assistantRequest(cfg: AssistantConfig, history: readonly { author: string; text: string }[]): { url: string; init: RequestInit } {
  const messages = [
    { role: 'system', content: 'You are the assistant of a team chat. Answer briefly; markdown is rendered.' },
    ...history.map((m) => ({ role: m.author === ASSISTANT_ID ? 'assistant' : 'user', content: m.text })),
  ];
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (cfg.apiKey) headers.Authorization = `Bearer ${cfg.apiKey}`;
  return { url: `${cfg.url}/chat/completions`, init: { method: 'POST', headers, body: JSON.stringify({ model: cfg.model, messages, stream: false }) } };
}

export function createAssistant(deps: { cfg: AssistantConfig; feed: ChangeFeed; chat: () => ChatService; logger: Logger }) {
  let unsubscribe: (() => void) | undefined;
  let chain: Promise<void> = Promise.resolve();

  async function answer(ev: StoredEvent): Promise<void> {
    const e = ev as unknown as ChatEvent;
    if (e.type !== 'chat.MessagePosted' || e.data.author === ASSISTANT_ID || e.data.author.includes(':')) return;
    const channel = await deps.chat().channelRow(e.data.channelId);
    if (!channel || channel.kind !== 'dm') return;
    if (!(await deps.chat().members(channel.id)).includes(ASSISTANT_ID)) return;
    const actor = { id: ASSISTANT_ID, kind: 'bot' as const, role: 'guest' as const, name: 'Assistant', email: '' };
    const { messages } = await deps.chat().messages(actor, channel.id, { limit: ASSISTANT_CONTEXT_MESSAGES });
    const { url, init } = assistantRequest(deps.cfg, messages.filter((m) => !m.deleted).map((m) => ({ author: m.author, text: m.text })));
    let text: string;
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(OUTGOING_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`assistant answered ${res.status}`);
      const body = (await res.json()) as { choices?: { message?: { content?: unknown } }[] };
      const content = body.choices?.[0]?.message?.content;
      text = typeof content === 'string' && content.trim() ? content : '(no answer)';
    } catch (err) {
      deps.logger.warn({ err }, 'assistant request failed');
      text = 'The assistant is not reachable right now.';
    }
    const meta: EventMetadata = { actor: ASSISTANT_ID, source: 'system', time: new Date().toISOString() };
    await deps.chat().postAs(ASSISTANT_ID, channel.id, text, meta);
  }

  return {
    start() {
      unsubscribe = deps.feed.subscribe({ types: ['chat.MessagePosted'] }, (events) => {
        for (const ev of events) chain = chain.then(() => answer(ev)).catch((err) => deps.logger.error({ err }, 'assistant failed'));
      });
    },
    stop() { unsubscribe?.(); },
    async settle() { await chain; },
  };
}
