// chat_* read models, inline (read-your-writes: the page after a post shows the post).
// The search index is the async chat.search (chat-search.ts). One projection for the rest so that a replay applies membership and messages in
// the same order they were accepted, which the membership check below relies on.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { ForbiddenError } from '../../../core/errors.ts';
import { defineProjection } from '../../../core/projections/types.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import { chatEvents, type ChatEvent } from '../events.ts';

type Reactions = Record<string, string[]>;

const INSERT_MESSAGE = `insert into chat_messages (id, channel_id, position, root_id, author, text, created_at, edited_at, deleted_at, pinned, reply_count, last_reply_at, reactions, version, attachments)
  select ?, ?, ?, ?, ?, ?, ?, null, null, 0, 0, null, '{}', ?, ?`;

async function run(db: Kysely<any>, text: string, params: readonly unknown[]): Promise<unknown[]> {
  return (await db.executeQuery(CompiledQuery.raw(text, [...params]))).rows;
}

/** People and bots must be members to post; webhooks are bound to their channel, system is trusted. */
const needsMembership = (author: string) => !author.startsWith('hook:') && author !== 'system';

export const chatModel = defineProjection({
  name: 'chat.model',
  version: 1,
  handles: Object.keys(chatEvents),
  async handle(event, db) {
    await apply(event, db);
  },
  async truncate(db) {
    for (const t of ['chat_teams', 'chat_team_members', 'chat_channels', 'chat_members', 'chat_prefs', 'chat_messages', 'chat_mentions', 'chat_user_status', 'chat_bots', 'chat_bot_commands', 'chat_webhooks', 'chat_outgoing_hooks', 'chat_invitations']) {
      await db.deleteFrom(t).execute();
    }
  },
});

async function apply(event: StoredEvent, db: Kysely<any>): Promise<void> {
  const e = event as unknown as ChatEvent;
  const time = event.metadata.time;
  const pos = event.position;
  switch (e.type) {
    case 'chat.TeamCreated':
      await db.insertInto('chat_teams').values({ id: e.data.teamId, name: e.data.name, open: e.data.open ? 1 : 0, created_by: e.data.createdBy }).execute();
      return;
    case 'chat.TeamMemberJoined':
      await db.insertInto('chat_team_members').values({ team_id: e.data.teamId, user_id: e.data.userId }).onConflict((oc) => oc.doNothing()).execute();
      return;
    case 'chat.TeamMemberLeft':
      await db.deleteFrom('chat_team_members').where('team_id', '=', e.data.teamId).where('user_id', '=', e.data.userId).execute();
      return;

    case 'chat.ChannelCreated':
      await db.insertInto('chat_channels').values({
        id: e.data.channelId, team_id: e.data.teamId, kind: e.data.kind, name: e.data.name, purpose: e.data.purpose, header: '',
        is_default: e.data.isDefault ? 1 : 0, archived: 0, created_by: e.data.createdBy, created_at: time, last_position: pos,
      }).execute();
      return;
    case 'chat.ChannelUpdated':
      await db.updateTable('chat_channels').set({ name: e.data.name, purpose: e.data.purpose, header: e.data.header }).where('id', '=', e.data.channelId).execute();
      return;
    case 'chat.ChannelArchived':
      await db.updateTable('chat_channels').set({ archived: 1 }).where('id', '=', e.data.channelId).execute();
      return;
    case 'chat.MemberJoined': {
      const pref = await db.selectFrom('chat_prefs').select(['muted', 'favorite']).where('user_id', '=', e.data.userId).where('channel_id', '=', e.data.channelId).executeTakeFirst();
      await db.insertInto('chat_members').values({
        channel_id: e.data.channelId, user_id: e.data.userId, role: e.data.role, muted: pref?.muted ?? 0, favorite: pref?.favorite ?? 0, joined_position: pos,
      }).onConflict((oc) => oc.columns(['channel_id', 'user_id']).doUpdateSet({ role: e.data.role })).execute();
      return;
    }
    case 'chat.MemberLeft':
      await db.deleteFrom('chat_members').where('channel_id', '=', e.data.channelId).where('user_id', '=', e.data.userId).execute();
      return;
    case 'chat.ChannelPreferenceSet':
      await db.insertInto('chat_prefs').values({ user_id: e.data.userId, channel_id: e.data.channelId, muted: e.data.muted ? 1 : 0, favorite: e.data.favorite ? 1 : 0 })
        .onConflict((oc) => oc.columns(['user_id', 'channel_id']).doUpdateSet({ muted: e.data.muted ? 1 : 0, favorite: e.data.favorite ? 1 : 0 })).execute();
      await db.updateTable('chat_members').set({ muted: e.data.muted ? 1 : 0, favorite: e.data.favorite ? 1 : 0 }).where('channel_id', '=', e.data.channelId).where('user_id', '=', e.data.userId).execute();
      return;

    case 'chat.MessagePosted': {
      // The hot path (every post): one fixed statement run as a compiled query (the query
      // builder costs more than the statement at thousands of posts/s). The insert carries
      // the authoritative membership check: it is serialized with membership changes by
      // the append transaction, so a post racing its author's removal inserts nothing and
      // is rolled back, not stored. The channel's newest position is read from the index
      // when needed instead of being updated here.
      const d = e.data;
      const values = [d.messageId, d.channelId, pos, d.rootId ?? '', d.author, d.text, time, pos, d.attachments ? JSON.stringify(d.attachments) : '[]'];
      const r = needsMembership(d.author)
        ? await db.executeQuery(CompiledQuery.raw(`${INSERT_MESSAGE} where exists (select 1 from chat_members where channel_id = ? and user_id = ?)`, [...values, d.channelId, d.author]))
        : await db.executeQuery(CompiledQuery.raw(INSERT_MESSAGE, values));
      if (Number(r.numAffectedRows ?? 0) === 0) throw new ForbiddenError('you are not a member of this channel', 'not_a_member');
      if (d.rootId) await run(db, 'update chat_messages set reply_count = reply_count + 1, last_reply_at = ?, version = ? where id = ?', [time, pos, d.rootId]);
      if (d.mentionAll || d.mentions.length > 0) await addMentions(db, d.channelId, d.messageId, d.author, pos, d.mentions, d.mentionAll);
      return;
    }
    case 'chat.MessageEdited': {
      const row = await db.selectFrom('chat_messages').select('position').where('id', '=', e.data.messageId).executeTakeFirst();
      if (!row) return;
      await db.updateTable('chat_messages').set({ text: e.data.text, edited_at: time, version: pos }).where('id', '=', e.data.messageId).execute();
      return;
    }
    case 'chat.MessageDeleted': {
      const row = await db.selectFrom('chat_messages').select(['position', 'root_id']).where('id', '=', e.data.messageId).executeTakeFirst();
      if (!row) return;
      // The text leaves the read model (and search); it stays in the log for restore.
      await db.updateTable('chat_messages').set({ text: '', deleted_at: time, version: pos, pinned: 0 }).where('id', '=', e.data.messageId).execute();
      if (row.root_id) await db.updateTable('chat_messages').set({ reply_count: sql`max(reply_count - 1, 0)`, version: pos }).where('id', '=', row.root_id).execute();
      await db.deleteFrom('chat_mentions').where('message_id', '=', e.data.messageId).execute();
      return;
    }
    case 'chat.MessageRestored': {
      const row = await db.selectFrom('chat_messages').select(['position', 'root_id', 'deleted_at']).where('id', '=', e.data.messageId).executeTakeFirst();
      if (!row) return;
      await db.updateTable('chat_messages').set({ text: e.data.text, deleted_at: null, edited_at: time, version: pos }).where('id', '=', e.data.messageId).execute();
      if (row.root_id && row.deleted_at) await db.updateTable('chat_messages').set({ reply_count: sql`reply_count + 1`, version: pos }).where('id', '=', row.root_id).execute();
      return;
    }
    case 'chat.ReactionAdded':
    case 'chat.ReactionRemoved': {
      const row = await db.selectFrom('chat_messages').select('reactions').where('id', '=', e.data.messageId).executeTakeFirst();
      if (!row) return;
      const r = JSON.parse(row.reactions as string) as Reactions;
      const users = new Set(r[e.data.emoji] ?? []);
      if (e.type === 'chat.ReactionAdded') users.add(e.data.userId); else users.delete(e.data.userId);
      if (users.size > 0) r[e.data.emoji] = [...users]; else delete r[e.data.emoji];
      await db.updateTable('chat_messages').set({ reactions: JSON.stringify(r), version: pos }).where('id', '=', e.data.messageId).execute();
      return;
    }
    case 'chat.MessagePinned':
    case 'chat.MessageUnpinned':
      await db.updateTable('chat_messages').set({ pinned: e.type === 'chat.MessagePinned' ? 1 : 0, version: pos }).where('id', '=', e.data.messageId).execute();
      return;

    case 'chat.StatusSet':
      await upsertStatus(db, e.data.userId, { emoji: e.data.emoji, text: e.data.text, expires_at: e.data.expiresAt });
      return;
    case 'chat.StatusCleared':
      await upsertStatus(db, e.data.userId, { emoji: '', text: '', expires_at: null });
      return;
    case 'chat.PresenceChosen':
      await upsertStatus(db, e.data.userId, { presence: e.data.presence, presence_until: e.data.until });
      return;

    case 'chat.BotCreated':
      await db.insertInto('chat_bots').values({ id: e.data.botId, name: e.data.name, token_hash: e.data.tokenHash, created_by: e.data.createdBy, removed: 0 }).execute();
      return;
    case 'chat.BotTokenRotated':
      await db.updateTable('chat_bots').set({ token_hash: e.data.tokenHash }).where('id', '=', e.data.botId).execute();
      return;
    case 'chat.BotRemoved':
      await db.updateTable('chat_bots').set({ removed: 1 }).where('id', '=', e.data.botId).execute();
      await db.deleteFrom('chat_bot_commands').where('bot_id', '=', e.data.botId).execute();
      return;
    case 'chat.BotCommandRegistered':
      await db.insertInto('chat_bot_commands').values({ command: e.data.command, bot_id: e.data.botId, url: e.data.url, description: e.data.description })
        .onConflict((oc) => oc.column('command').doUpdateSet({ bot_id: e.data.botId, url: e.data.url, description: e.data.description })).execute();
      return;
    case 'chat.BotCommandRemoved':
      await db.deleteFrom('chat_bot_commands').where('command', '=', e.data.command).where('bot_id', '=', e.data.botId).execute();
      return;
    case 'chat.WebhookCreated':
      await db.insertInto('chat_webhooks').values({ id: e.data.hookId, channel_id: e.data.channelId, name: e.data.name, token_hash: e.data.tokenHash, created_by: e.data.createdBy, removed: 0 }).execute();
      return;
    case 'chat.OutgoingWebhookCreated':
      await db.insertInto('chat_outgoing_hooks').values({ id: e.data.hookId, channel_id: e.data.channelId, name: e.data.name, trigger_words: JSON.stringify(e.data.triggerWords), url: e.data.url, secret: e.data.secret, created_by: e.data.createdBy }).execute();
      await db.insertInto('chat_webhooks').values({ id: e.data.hookId, channel_id: e.data.channelId, name: e.data.name, token_hash: '', created_by: e.data.createdBy, removed: 0 }).execute();
      return;
    case 'chat.WebhookRemoved':
      await db.updateTable('chat_webhooks').set({ removed: 1 }).where('id', '=', e.data.hookId).execute();
      await db.deleteFrom('chat_outgoing_hooks').where('id', '=', e.data.hookId).execute();
      return;
    case 'chat.InvitationCreated':
      await db.insertInto('chat_invitations').values({ id: e.data.inviteId, email: e.data.email, channel_ids: JSON.stringify(e.data.channelIds), token_hash: e.data.tokenHash, invited_by: e.data.invitedBy, expires_at: e.data.expiresAt, accepted_by: null, revoked: 0 }).execute();
      return;
    case 'chat.InvitationAccepted':
      await db.updateTable('chat_invitations').set({ accepted_by: e.data.userId }).where('id', '=', e.data.inviteId).execute();
      return;
    case 'chat.InvitationRevoked':
      await db.updateTable('chat_invitations').set({ revoked: 1 }).where('id', '=', e.data.inviteId).execute();
      return;
  }
}

async function addMentions(db: Kysely<any>, channelId: string, messageId: string, author: string, pos: number, mentions: readonly string[], all: boolean): Promise<void> {
  // Only members get a badge: mentioning someone outside the channel does not leak the message to them.
  let q = db.selectFrom('chat_members').select('user_id').where('channel_id', '=', channelId).where('user_id', '!=', author);
  if (!all) {
    if (mentions.length === 0) return;
    q = q.where('user_id', 'in', mentions);
  }
  const rows = await q.execute();
  if (rows.length === 0) return;
  await db.insertInto('chat_mentions').values(rows.map((r) => ({ user_id: r.user_id, channel_id: channelId, position: pos, message_id: messageId })))
    .onConflict((oc) => oc.doNothing()).execute();
}

async function upsertStatus(db: Kysely<any>, userId: string, set: Record<string, string | null>): Promise<void> {
  await db.insertInto('chat_user_status').values({ user_id: userId, emoji: '', text: '', expires_at: null, presence: 'auto', presence_until: null, ...set })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(set)).execute();
}
