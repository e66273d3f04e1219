// Bots (token-authenticated API users), incoming webhooks and guest invitations. Each
// secret is 32 random bytes shown once; only its sha256 is stored and compared.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventLog } from '../../../core/events/event-log.ts';
import { handleCommand } from '../../../core/events/handle-command.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../../core/errors.ts';
import type { IdentityApi } from '../../../core/identity/identity-api.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { newId } from '../../../core/ids.ts';
import { channelDecider } from '../channel/decide.ts';
import { botAuthor, botStream, channelStream, hookAuthor, inviteStream, webhookStream } from '../events.ts';
import { INVITATION_TTL_MS } from '../limits.ts';
import { isAdmin, requireInvite, requireMember, requireNotGuest, requireRead, type ChatActor } from '../policy/access.ts';
import type { ChatService } from '../service/chat-service.ts';
import { integrationDecider, type IntegrationCommand } from './integrations.ts';

export const hashSecret = (s: string) => createHash('sha256').update(s).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');
/** Tokens are `<id>.<secret>`: the id finds the row, the secret proves possession. */
const splitToken = (token: string) => {
  const i = token.lastIndexOf('.');
  return i <= 0 ? undefined : { id: token.slice(0, i), secret: token.slice(i + 1) };
};
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;

export function createIntegrations(deps: { events: EventLog; db: Kysely<any>; identity: IdentityApi; chat: () => ChatService }) {
  const { db } = deps;
  const run = (stream: string, c: IntegrationCommand, m: EventMetadata) => handleCommand(deps.events, stream, integrationDecider, c, { metadata: m });
  /** Webhooks (incoming or outgoing) are made by members of the channel, never by guests. */
  const requireHookCreator = async (a: ChatActor, channelId: string) => {
    requireNotGuest(a, 'create webhooks');
    const f = await deps.chat().facts(a, channelId);
    requireRead(a, f);
    requireMember(a, f);
  };

  async function checked(table: 'chat_bots' | 'chat_webhooks' | 'chat_invitations', token: string) {
    const parts = splitToken(token);
    if (!parts) return undefined;
    const row = await db.selectFrom(table).selectAll().where('id', '=', parts.id).executeTakeFirst();
    if (!row || row.removed === 1 || row.revoked === 1 || !sameHash(row.token_hash as string, hashSecret(parts.secret))) return undefined;
    return row;
  }

  return {
    // ---- bots ----
    async createBot(a: ChatActor, name: string, m: EventMetadata): Promise<{ botId: string; userId: string; token: string }> {
      if (!isAdmin(a)) throw new ForbiddenError('only admins create bots');
      const botId = newId();
      const secret = newSecret();
      await run(botStream(botId), { type: 'createBot', botId, name, tokenHash: hashSecret(secret), createdBy: a.id }, m);
      deps.chat().forgetNames();
      return { botId, userId: botAuthor(botId), token: `${botId}.${secret}` };
    },
    async rotateBotToken(a: ChatActor, botId: string, m: EventMetadata): Promise<string> {
      if (!isAdmin(a)) throw new ForbiddenError('only admins manage bots');
      const secret = newSecret();
      await run(botStream(botId), { type: 'rotateBotToken', tokenHash: hashSecret(secret) }, m);
      return `${botId}.${secret}`;
    },
    async removeBot(a: ChatActor, botId: string, m: EventMetadata): Promise<void> {
      if (!isAdmin(a)) throw new ForbiddenError('only admins manage bots');
      await run(botStream(botId), { type: 'removeBot' }, m);
    },
    async listBots(a: ChatActor) {
      if (!isAdmin(a)) throw new ForbiddenError('only admins manage bots');
      return (await db.selectFrom('chat_bots').select(['id', 'name']).where('removed', '=', 0).execute()).map((b) => ({ id: b.id as string, userId: botAuthor(b.id as string), name: b.name as string }));
    },
    /** The bot behind a bearer token, as an actor with guest-level rights. */
    async botActor(token: string): Promise<ChatActor | undefined> {
      const row = await checked('chat_bots', token);
      return row && { id: botAuthor(row.id as string), kind: 'bot', role: 'guest', name: row.name as string, email: '' };
    },
    async registerCommand(a: ChatActor, input: { command: string; url: string; description?: string }, m: EventMetadata): Promise<void> {
      if (a.kind !== 'bot') throw new ForbiddenError('commands are registered by bots (with their token)');
      const command = input.command.replace(/^\//, '').toLowerCase();
      if (BUILT_IN_COMMANDS.has(command)) throw new ValidationError(`/${command} is built in`);
      const taken = await db.selectFrom('chat_bot_commands').select('bot_id').where('command', '=', command).executeTakeFirst();
      await run(botStream(a.id.slice(4)), { type: 'registerCommand', command, url: input.url, description: input.description ?? '', takenBy: taken?.bot_id as string | undefined }, m);
    },
    async removeCommand(a: ChatActor, command: string, m: EventMetadata): Promise<void> {
      if (a.kind !== 'bot') throw new ForbiddenError('commands are managed by bots');
      await run(botStream(a.id.slice(4)), { type: 'removeCommand', command }, m);
    },
    async commands() {
      return (await db.selectFrom('chat_bot_commands').selectAll().orderBy('command').execute()).map((r) => ({ command: r.command as string, botId: r.bot_id as string, url: r.url as string, description: r.description as string }));
    },

    // ---- incoming webhooks ----
    async createWebhook(a: ChatActor, channelId: string, name: string, m: EventMetadata): Promise<{ hookId: string; token: string }> {
      await requireHookCreator(a, channelId);
      const hookId = newId();
      const secret = newSecret();
      await run(webhookStream(hookId), { type: 'createWebhook', hookId, channelId, name, tokenHash: hashSecret(secret), createdBy: a.id }, m);
      deps.chat().forgetNames();
      return { hookId, token: `${hookId}.${secret}` };
    },
    /** Messages in the channel (starting with a trigger word, or all) are POSTed to `url`, signed. */
    async createOutgoingWebhook(a: ChatActor, channelId: string, input: { name: string; url: string; triggerWords: readonly string[] }, m: EventMetadata): Promise<{ hookId: string; secret: string }> {
      await requireHookCreator(a, channelId);
      const hookId = newId();
      const secret = newSecret();
      await run(webhookStream(hookId), { type: 'createOutgoingWebhook', hookId, channelId, name: input.name, url: input.url, triggerWords: input.triggerWords, secret, createdBy: a.id }, m);
      deps.chat().forgetNames();
      return { hookId, secret };
    },
    async removeWebhook(a: ChatActor, hookId: string, m: EventMetadata): Promise<void> {
      const row = await db.selectFrom('chat_webhooks').selectAll().where('id', '=', hookId).executeTakeFirst();
      if (!row || (row.created_by !== a.id && !isAdmin(a))) throw new NotFoundError('no such webhook');
      await run(webhookStream(hookId), { type: 'removeWebhook' }, m);
    },
    async postViaWebhook(token: string, text: string, m: Omit<EventMetadata, 'actor'>) {
      const row = await checked('chat_webhooks', token);
      if (!row) throw new UnauthorizedError('unknown or revoked webhook');
      const channel = await deps.chat().channelRow(row.channel_id as string);
      if (!channel || channel.archived) throw new NotFoundError('the channel of this webhook is gone');
      return deps.chat().postAs(hookAuthor(row.id as string), row.channel_id as string, text, { ...m, actor: hookAuthor(row.id as string) } as EventMetadata);
    },

    // ---- members ----
    /**
     * Adds an organization member (admins only): the account through identity (a password
     * is generated and returned once), the open teams and their default channels, and a
     * welcome from the system in each default channel.
     */
    async addMember(a: ChatActor, input: { email: string; displayName?: string }, m: EventMetadata): Promise<{ userId: string; password: string }> {
      if (!isAdmin(a)) throw new ForbiddenError('only admins add members');
      const { user, password } = await deps.identity.addUser({ email: input.email.trim(), ...(input.displayName ? { displayName: input.displayName.trim() } : {}), role: 'user' }, { actor: a.id, source: m.source, ...(m.requestId ? { requestId: m.requestId } : {}) });
      const chat = deps.chat();
      chat.forgetNames();
      const member = chat.actorOf(user);
      await chat.onboard(member, { ...m, actor: a.id });
      for (const c of await chat.sidebar(member)) {
        if (c.kind !== 'public') continue;
        await chat.postAs('system', c.id, `Welcome @${user.email.split('@')[0]!.toLowerCase()}! 👋 ${a.name} added ${user.displayName || user.email} to the team.`, { ...m, actor: 'system' });
      }
      return { userId: user.id, password };
    },

    // ---- guest invitations ----
    async invite(a: ChatActor, email: string, channelIds: readonly string[], m: EventMetadata): Promise<{ inviteId: string; token: string }> {
      requireNotGuest(a, 'invite anyone');
      const e = email.trim().toLowerCase();
      if (!EMAIL.test(e)) throw new ValidationError('that is not an email address');
      if (channelIds.length === 0) throw new ValidationError('choose at least one channel');
      for (const id of channelIds) {
        const f = await deps.chat().facts(a, id);
        requireRead(a, f);
        requireInvite(a, f);
        if (f.kind === 'dm' || f.kind === 'group') throw new ValidationError('guests are invited to channels, not conversations');
      }
      const inviteId = newId();
      const secret = newSecret();
      const expiresAt = new Date(Date.parse(m.time) + INVITATION_TTL_MS).toISOString();
      await run(inviteStream(inviteId), { type: 'createInvitation', inviteId, email: e, channelIds: [...new Set(channelIds)], tokenHash: hashSecret(secret), invitedBy: a.id, expiresAt }, m);
      return { inviteId, token: `${inviteId}.${secret}` };
    },
    async invitation(token: string, now = Date.now()) {
      const row = await checked('chat_invitations', token);
      if (!row || row.accepted_by || Date.parse(row.expires_at as string) < now) return undefined;
      const channels = JSON.parse(row.channel_ids as string) as string[];
      const names = [];
      for (const id of channels) { const c = await deps.chat().channelRow(id); if (c) names.push(c.name); }
      return { id: row.id as string, email: row.email as string, channelIds: channels, channelNames: names };
    },
    /** Creates the guest account (role 'guest' through identity), adds it to the channels, uses up the invitation. */
    async accept(token: string, input: { displayName: string; password: string }, m: EventMetadata): Promise<SessionUser> {
      const inv = await this.invitation(token, Date.parse(m.time));
      if (!inv) throw new NotFoundError('this invitation is not valid any more');
      const { user } = await deps.identity.addUser({ email: inv.email, password: input.password, displayName: input.displayName.trim() || inv.email, role: 'guest' }, { actor: 'system', source: m.source, ...(m.requestId ? { requestId: m.requestId } : {}) });
      await run(inviteStream(inv.id), { type: 'acceptInvitation', userId: user.id }, { ...m, actor: user.id });
      for (const id of inv.channelIds) {
        await handleCommand(deps.events, channelStream(id), channelDecider, { type: 'join', userId: user.id }, { metadata: { ...m, actor: user.id } }).catch(() => undefined); // an archived channel is skipped
      }
      deps.chat().forgetNames();
      return user;
    },
  };
}

export const BUILT_IN_COMMANDS = new Set(['join', 'leave', 'invite', 'mute', 'unmute', 'status', 'away', 'dnd', 'online', 'back', 'call', 'help', 'me', 'shrug']);

export type Integrations = ReturnType<typeof createIntegrations>;
