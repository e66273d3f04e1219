// Chat: teams, channels, DMs, threads, reactions, bots, guests, live delivery, presence.
// Wiring only; see README.md for the model and the API.
import { Hono } from 'hono';
import type { CairnEnv } from '../../core/http/env.ts';
import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { assistantConfig, createAssistant } from './assistant/assistant-bot.ts';
import { createIntegrations, type Integrations } from './bot/integrations-service.ts';
import { createOutgoingWebhooks } from './bot/outgoing-webhooks.ts';
import { chatEvents } from './events.ts';
import { createLiveHub, type LiveHub } from './live/live-hub.ts';
import { createChat } from './migrations/0001_chat.ts';
import { createOutgoingHooksTable } from './migrations/0002_outgoing_webhooks.ts';
import { addAttachments } from './migrations/0003_attachments.ts';
import { createPresenceService, type PresenceApi } from './presence/presence-service.ts';
import { chatModel } from './projections/chat-model.ts';
import { chatSearch } from './projections/chat-search.ts';
import { apiRoutes } from './routes/api-routes.ts';
import type { ChatContext } from './routes/chat-context.ts';
import { eventsRoute } from './routes/events-route.ts';
import { fileRoutes } from './routes/file-routes.ts';
import { hookRoutes } from './routes/hook-routes.ts';
import { inviteRoutes } from './routes/invite-routes.tsx';
import { webRoutes } from './routes/web-routes.tsx';
import { createChatService, type ChatDrive, type ChatService, type MentionMailbox } from './service/chat-service.ts';
import { chatStaticRoutes } from './static/chat-static.ts';

export default definePlugin({
  id: 'chat',
  version: '1.0.0',
  description: 'Teams, channels, direct messages, threads, bots and guests, live in every open browser.',
  needs: ['db', 'events', 'feed', 'auth', 'identity', 'config', 'logger', 'appliance', 'blobs', 'services'],
  register(r) {
    // Per registration, not per module: two appliances in one process each get their own.
    const presence = createPresenceService(() => r.services().db);
    let chat: ChatService | undefined;
    let integrations: Integrations | undefined;
    let hub: LiveHub | undefined;
    const chatFn = () => (chat ??= createChatService({
      ...r.services(), presence, assistantEnabled: assistantConfig(r.services().config) !== undefined,
      // Mention emails go into the mentioned person's INBOX when mail is enabled.
      mailbox: () => r.services().services.get<MentionMailbox>('mail.store'), publicUrl: r.services().appliance.publicUrl,
      drive: () => r.services().services.get<ChatDrive>('drive.files'),
    }));
    const integrationsFn = () => (integrations ??= createIntegrations({ ...r.services(), chat: chatFn }));
    const hubFn = () => (hub ??= createLiveHub({ feed: r.services().feed, log: r.services().events, chat: chatFn, presence, logger: r.services().logger }));
    const ctx = (): ChatContext => ({
      chat: chatFn(), integrations: integrationsFn(), hub: hubFn(), presence,
      meetingBaseUrl: typeof r.services().config.meetingBaseUrl === 'string' ? (r.services().config.meetingBaseUrl as string) : undefined,
      publicUrl: r.services().appliance.publicUrl.replace(/\/+$/, ''),
      head: () => r.services().events.head(),
    });

    r.events(chatEvents);
    r.migrations([createChat, createOutgoingHooksTable, addAttachments]);
    // Files of messages that are not deleted; deleted ones stay while their events are in the retention window.
    r.blobRefs(async function* (db) {
      for (const row of await db.selectFrom('chat_messages').select('attachments').where('attachments', '!=', '[]').where('deleted_at', 'is', null).execute()) {
        for (const f of JSON.parse(row.attachments as string) as { sha256: string }[]) yield f.sha256;
      }
    });
    r.projection(chatModel);
    r.projection(chatSearch);
    r.nav({ label: 'Chat', href: '/chat', icon: '❝', order: 50, guests: true });
    // The user's presence beside their name in every app's header.
    // Core asks only for the signed-in user, who is loading a page: connected, even before
    // their live connection opens (as the chat sidebar counts them).
    r.presence({ statusOf: (ids) => presence.statusOf(ids, ids.length === 1 ? ids[0] : undefined) });
    // Incoming webhooks: other servers POST with the hook's secret in the URL.
    r.publicPosts(['/hooks/']);

    const app = new Hono<CairnEnv>();
    app.route('/', chatStaticRoutes());
    app.route('/hooks', hookRoutes(ctx));
    app.route('/invite', inviteRoutes(ctx, () => r.services().identity));
    app.route('/api', apiRoutes(ctx));
    app.route('/events', eventsRoute(ctx));
    app.route('/files', fileRoutes(ctx, () => r.services().blobs));
    app.route('/', webRoutes(ctx));
    r.app(app);

    r.provide('presence', (): PresenceApi => ({ statusOf: presence.statusOf, isDoNotDisturb: presence.isDoNotDisturb, touch: presence.touch }));
    r.provide('service', chatFn);
    // Provide factories run once per appliance after init, with services available: the
    // right moment to subscribe live delivery, the assistant and outgoing webhooks to the change feed.
    r.provide('live', () => {
      hubFn().start();
      const cfg = assistantConfig(r.services().config);
      if (cfg) createAssistant({ cfg, feed: r.services().feed, chat: chatFn, logger: r.services().logger }).start();
      createOutgoingWebhooks({ feed: r.services().feed, db: r.services().db, chat: chatFn, logger: r.services().logger }).start();
      return hubFn();
    });
  },
});
