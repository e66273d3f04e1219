// One message's stream: posted, edited, deleted, restored, reactions and pins. A few
// events each, so editing or reacting never reads more than that one message's history.
import type { StoredEvent } from '../../../core/events/types.ts';
import type { ChatEvent } from '../events.ts';

export interface Message {
  id: string;
  channelId: string;
  author: string;
  text: string;
  rootId: string | null;
  deleted: boolean;
  pinned: boolean;
  /** `${userId} ${emoji}` */
  reactions: Set<string>;
}
export type MessageState = Message | undefined;

export const initialMessage = (): MessageState => undefined;

export function evolveMessage(state: MessageState, event: StoredEvent): MessageState {
  const e = event as unknown as ChatEvent;
  switch (e.type) {
    case 'chat.MessagePosted':
      return { id: e.data.messageId, channelId: e.data.channelId, author: e.data.author, text: e.data.text, rootId: e.data.rootId, deleted: false, pinned: false, reactions: new Set() };
    case 'chat.MessageRestored':
      return { ...(state ?? { pinned: false, reactions: new Set<string>() }), id: e.data.messageId, channelId: e.data.channelId, author: e.data.author, text: e.data.text, rootId: e.data.rootId, deleted: false };
    case 'chat.MessageEdited':
      return state && { ...state, text: e.data.text };
    case 'chat.MessageDeleted':
      return state && { ...state, deleted: true };
    case 'chat.ReactionAdded':
      return state && { ...state, reactions: new Set(state.reactions).add(`${e.data.userId} ${e.data.emoji}`) };
    case 'chat.ReactionRemoved': {
      if (!state) return state;
      const reactions = new Set(state.reactions);
      reactions.delete(`${e.data.userId} ${e.data.emoji}`);
      return { ...state, reactions };
    }
    case 'chat.MessagePinned':
      return state && { ...state, pinned: true };
    case 'chat.MessageUnpinned':
      return state && { ...state, pinned: false };
    default:
      return state;
  }
}
