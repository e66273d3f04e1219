// Message commands, decided against the message's own small stream. Membership of the
// channel is checked by the caller (and re-checked inside the append by the read model,
// see projections/chat-model.ts), not here: the message stream does not know it.
import type { Decider } from '../../../core/events/handle-command.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { Attachment, ChatEvent } from '../events.ts';
import { MAX_ATTACHMENTS, MAX_EMOJI_CHARS, MAX_MESSAGE_CHARS } from '../limits.ts';
import { evolveMessage, initialMessage, type MessageState } from './state.ts';

export type MessageCommand =
  | { type: 'post'; messageId: string; channelId: string; author: string; text: string; rootId: string | null; mentions: readonly string[]; mentionAll: boolean; attachments?: readonly Attachment[] }
  /** by: who edits; only the author may. */
  | { type: 'edit'; by: string; text: string; mentions: readonly string[] }
  /** moderator: the actor owns the channel or administers the organization. */
  | { type: 'delete'; by: string; moderator: boolean }
  | { type: 'react'; userId: string; emoji: string; on: boolean }
  | { type: 'pin'; on: boolean };

export function cleanText(text: string): string {
  const t = text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').replace(/^\n+/, '');
  if (t.trim().length === 0) throw new ValidationError('a message needs some text');
  if (t.length > MAX_MESSAGE_CHARS) throw new ValidationError(`a message has at most ${MAX_MESSAGE_CHARS} characters`);
  return t;
}

export function cleanEmoji(emoji: string): string {
  const e = emoji.trim();
  if (e.length === 0 || e.length > MAX_EMOJI_CHARS || /[\s<>"'&]/.test(e)) throw new ValidationError('that is not an emoji');
  return e;
}

export function decideMessage(command: MessageCommand, state: MessageState): ChatEvent[] {
  if (command.type === 'post') {
    if (state) throw new ConflictError('that message already exists', 'message_exists');
    const files = command.attachments ?? [];
    if (files.length > MAX_ATTACHMENTS) throw new ValidationError(`at most ${MAX_ATTACHMENTS} files per message`);
    // A message with files may have no text.
    const text = files.length > 0 && command.text.trim() === '' ? '' : cleanText(command.text);
    return [{
      type: 'chat.MessagePosted',
      data: { messageId: command.messageId, channelId: command.channelId, author: command.author, text, rootId: command.rootId, mentions: [...new Set(command.mentions)], mentionAll: command.mentionAll, ...(files.length > 0 ? { attachments: [...files] } : {}) },
      ...(files.length > 0 ? { blobs: [...new Set(files.map((f) => f.sha256))] } : {}),
    }];
  }
  if (!state || state.deleted) throw new NotFoundError('no such message');
  const ref = { messageId: state.id, channelId: state.channelId };
  switch (command.type) {
    case 'edit': {
      if (command.by !== state.author) throw new ForbiddenError('only the author can edit a message');
      const text = cleanText(command.text);
      if (text === state.text) return [];
      return [{ type: 'chat.MessageEdited', data: { ...ref, text, mentions: [...new Set(command.mentions)] } }];
    }
    case 'delete':
      if (command.by !== state.author && !command.moderator) throw new ForbiddenError('only the author or a channel owner can delete a message');
      return [{ type: 'chat.MessageDeleted', data: ref }];
    case 'react': {
      const emoji = cleanEmoji(command.emoji);
      const has = state.reactions.has(`${command.userId} ${emoji}`);
      if (has === command.on) return [];
      return [{ type: command.on ? 'chat.ReactionAdded' : 'chat.ReactionRemoved', data: { ...ref, userId: command.userId, emoji } }];
    }
    case 'pin':
      if (state.pinned === command.on) return [];
      return [{ type: command.on ? 'chat.MessagePinned' : 'chat.MessageUnpinned', data: ref }];
  }
}

export const messageDecider: Decider<MessageState, MessageCommand, ChatEvent> = {
  initialState: initialMessage,
  evolve: evolveMessage,
  decide: (c, s) => decideMessage(c, s),
};
