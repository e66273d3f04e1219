import { sql } from 'kysely';
import type { Migration } from '../../../core/db/migrations.ts';

export const createChat: Migration = {
  name: '0001_chat',
  async up(db) {
    await db.schema.createTable('chat_teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('open', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('chat_team_members')
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_team_members_pk', ['team_id', 'user_id'])
      .execute();
    await db.schema.createIndex('chat_team_members_user').on('chat_team_members').columns(['user_id']).execute();

    await db.schema.createTable('chat_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('team_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('header', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .addColumn('archived', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      /** Global position of the channel's creation: the read cursor of someone who never opened it. */
      .addColumn('last_position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('chat_channels_team').on('chat_channels').columns(['team_id', 'name']).execute();

    await db.schema.createTable('chat_members')
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('muted', 'integer', (c) => c.notNull())
      .addColumn('favorite', 'integer', (c) => c.notNull())
      .addColumn('joined_position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_members_pk', ['channel_id', 'user_id'])
      .execute();
    await db.schema.createIndex('chat_members_user').on('chat_members').columns(['user_id', 'channel_id']).execute();
    /** Preferences set while not (yet) a member, or kept across leave/join. */
    await db.schema.createTable('chat_prefs')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('muted', 'integer', (c) => c.notNull())
      .addColumn('favorite', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_prefs_pk', ['user_id', 'channel_id'])
      .execute();

    await db.schema.createTable('chat_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      /** Global position of the MessagePosted event: the order of the channel and the unread cursor. */
      .addColumn('position', 'integer', (c) => c.notNull())
      /** '' for a top-level message, the root's id for a thread reply. */
      .addColumn('root_id', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('edited_at', 'text')
      .addColumn('deleted_at', 'text')
      .addColumn('pinned', 'integer', (c) => c.notNull())
      .addColumn('reply_count', 'integer', (c) => c.notNull())
      .addColumn('last_reply_at', 'text')
      /** Reactions as JSON {emoji: [userId…]}: read with the message, never queried inside. */
      .addColumn('reactions', 'text', (c) => c.notNull())
      /** Global position of the last change: the SSE event id and the ETag. */
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    // Opening a channel reads the last page of this index backwards: cost independent of channel size.
    await db.schema.createIndex('chat_messages_channel').on('chat_messages').columns(['channel_id', 'root_id', 'position']).execute();
    await db.schema.createIndex('chat_messages_root').on('chat_messages').columns(['root_id', 'position']).execute();
    await db.schema.createIndex('chat_messages_author').on('chat_messages').columns(['author', 'position']).execute();

    await db.schema.createTable('chat_mentions')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_mentions_pk', ['user_id', 'channel_id', 'position'])
      .execute();

    // Search: trigram FTS5 finds any substring of 3+ characters (names, code, words in any language).
    await sql`create virtual table chat_search using fts5(text, message_id unindexed, tokenize = 'trigram')`.execute(db);

    await db.schema.createTable('chat_user_status')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('emoji', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('presence', 'text', (c) => c.notNull())
      .addColumn('presence_until', 'text')
      .execute();

    await db.schema.createTable('chat_bots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('removed', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('chat_bots_token').on('chat_bots').columns(['token_hash']).execute();
    await db.schema.createTable('chat_bot_commands')
      .addColumn('command', 'text', (c) => c.primaryKey())
      .addColumn('bot_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('chat_webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('removed', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createTable('chat_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('channel_ids', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('accepted_by', 'text')
      .addColumn('revoked', 'integer', (c) => c.notNull())
      .execute();

    // Not a projection: where each user has read up to. Written on every channel view, so
    // it is plain state like sessions (DESIGN.md "Not everything is an event").
    await db.schema.createTable('chat_read_state')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('last_read', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_read_state_pk', ['user_id', 'channel_id'])
      .execute();
  },
};
