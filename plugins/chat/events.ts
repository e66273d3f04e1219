// Chat's events and streams. Streams are small on purpose (see README "Why a stream per message"):
// - chat-team:<teamId>              team and its members
// - chat-channel:<channelId>        channel lifecycle and membership (never messages)
// - chat-message:<channelId>/<id>   one message's whole life: post, edits, delete, reactions, pins
// - chat-user:<userId>              a user's channel preferences, status and chosen presence
// - chat-bot:<botId>, chat-webhook:<hookId>, chat-invite:<inviteId>
import { z } from 'zod';
import { MAX_ATTACHMENTS, MAX_CHANNEL_NAME, MAX_CHANNEL_TEXT, MAX_EMOJI_CHARS, MAX_MESSAGE_CHARS, MAX_STATUS_TEXT } from './limits.ts';

const id = z.string().min(1).max(200);
const text = z.string().max(MAX_MESSAGE_CHARS);
const emoji = z.string().min(1).max(MAX_EMOJI_CHARS);
export const channelKinds = ['public', 'private', 'dm', 'group'] as const;
export type ChannelKind = (typeof channelKinds)[number];
export const presenceChoices = ['auto', 'away', 'dnd', 'offline'] as const;
export type PresenceChoice = (typeof presenceChoices)[number];

export const attachmentSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().min(1).max(255), type: z.string().max(100), size: z.number().int().nonnegative() });
export type Attachment = z.infer<typeof attachmentSchema>;

export const chatEvents = {
  'chat.TeamCreated': z.object({ teamId: id, name: z.string().max(MAX_CHANNEL_NAME), open: z.boolean(), createdBy: id }),
  'chat.TeamMemberJoined': z.object({ teamId: id, userId: id }),
  'chat.TeamMemberLeft': z.object({ teamId: id, userId: id }),

  'chat.ChannelCreated': z.object({
    channelId: id, teamId: id.nullable(), kind: z.enum(channelKinds), name: z.string().max(MAX_CHANNEL_NAME),
    purpose: z.string().max(MAX_CHANNEL_TEXT), isDefault: z.boolean(), createdBy: id,
  }),
  'chat.ChannelUpdated': z.object({ channelId: id, name: z.string().max(MAX_CHANNEL_NAME), purpose: z.string().max(MAX_CHANNEL_TEXT), header: z.string().max(MAX_CHANNEL_TEXT) }),
  'chat.ChannelArchived': z.object({ channelId: id }),
  'chat.MemberJoined': z.object({ channelId: id, userId: id, role: z.enum(['owner', 'member']) }),
  'chat.MemberLeft': z.object({ channelId: id, userId: id }),

  /** mentions: user ids resolved at the edge (@name, and @here's online members); mentionAll: @channel/@all. */
  'chat.MessagePosted': z.object({
    messageId: id, channelId: id, author: id, text, rootId: id.nullable(),
    mentions: z.array(id).max(1000), mentionAll: z.boolean(),
    /** Files stored as blobs (the event lists them in `blobs`, so GC keeps them while the event is in the retention window). */
    attachments: z.array(attachmentSchema).max(MAX_ATTACHMENTS).optional(),
  }),
  'chat.MessageEdited': z.object({ messageId: id, channelId: id, text, mentions: z.array(id).max(1000) }),
  'chat.MessageDeleted': z.object({ messageId: id, channelId: id }),
  /** Brought back by a channel restore with the text it had then. */
  'chat.MessageRestored': z.object({ messageId: id, channelId: id, author: id, text, rootId: id.nullable() }),
  'chat.ReactionAdded': z.object({ messageId: id, channelId: id, userId: id, emoji }),
  'chat.ReactionRemoved': z.object({ messageId: id, channelId: id, userId: id, emoji }),
  'chat.MessagePinned': z.object({ messageId: id, channelId: id }),
  'chat.MessageUnpinned': z.object({ messageId: id, channelId: id }),

  'chat.ChannelPreferenceSet': z.object({ userId: id, channelId: id, muted: z.boolean(), favorite: z.boolean() }),
  'chat.StatusSet': z.object({ userId: id, emoji: z.string().max(MAX_EMOJI_CHARS), text: z.string().max(MAX_STATUS_TEXT), expiresAt: z.string().nullable() }),
  'chat.StatusCleared': z.object({ userId: id }),
  'chat.PresenceChosen': z.object({ userId: id, presence: z.enum(presenceChoices), until: z.string().nullable() }),

  'chat.BotCreated': z.object({ botId: id, name: z.string().max(MAX_CHANNEL_NAME), tokenHash: z.string().length(64), createdBy: id }),
  'chat.BotTokenRotated': z.object({ botId: id, tokenHash: z.string().length(64) }),
  'chat.BotRemoved': z.object({ botId: id }),
  'chat.BotCommandRegistered': z.object({ botId: id, command: z.string().max(32), url: z.string().max(2000), description: z.string().max(200) }),
  'chat.BotCommandRemoved': z.object({ botId: id, command: z.string().max(32) }),

  'chat.WebhookCreated': z.object({ hookId: id, channelId: id, name: z.string().max(MAX_CHANNEL_NAME), tokenHash: z.string().length(64), createdBy: id }),
  /** secret: the HMAC key the receiver checks X-Cairn-Signature with (it must be shared, so it is stored). */
  'chat.OutgoingWebhookCreated': z.object({ hookId: id, channelId: id, name: z.string().max(MAX_CHANNEL_NAME), triggerWords: z.array(z.string().max(64)).max(20), url: z.string().max(2000), secret: z.string().max(100), createdBy: id }),
  'chat.WebhookRemoved': z.object({ hookId: id }),

  'chat.InvitationCreated': z.object({ inviteId: id, email: z.string().max(320), channelIds: z.array(id).min(1).max(50), tokenHash: z.string().length(64), invitedBy: id, expiresAt: z.string() }),
  'chat.InvitationAccepted': z.object({ inviteId: id, userId: id }),
  'chat.InvitationRevoked': z.object({ inviteId: id }),
};

export type ChatEventType = keyof typeof chatEvents;
export type ChatEvent = { [K in ChatEventType]: { type: K; data: z.infer<(typeof chatEvents)[K]>; blobs?: readonly string[] } }[ChatEventType];
export type ChatEventOf<K extends ChatEventType> = Extract<ChatEvent, { type: K }>;

export const teamStream = (teamId: string) => `chat-team:${teamId}`;
export const channelStream = (channelId: string) => `chat-channel:${channelId}`;
export const messageStream = (channelId: string, messageId: string) => `chat-message:${channelId}/${messageId}`;
/** Every message of a channel: the collection a channel restore folds. */
export const channelMessagesPrefix = (channelId: string) => `chat-message:${channelId}/*`;
export const userStream = (userId: string) => `chat-user:${userId}`;
export const botStream = (botId: string) => `chat-bot:${botId}`;
export const webhookStream = (hookId: string) => `chat-webhook:${hookId}`;
export const inviteStream = (inviteId: string) => `chat-invite:${inviteId}`;

/** Authors that are not people: bots post as `bot:<id>`, incoming webhooks as `hook:<id>`. */
export const botAuthor = (botId: string) => `bot:${botId}`;
export const hookAuthor = (hookId: string) => `hook:${hookId}`;
