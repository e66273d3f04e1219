// "Restore this channel as it was at T": the channel's messages are every stream under
// chat-message:<channelId>/; diff says which events make now equal T. Messages deleted
// since T come back, edits are reverted, messages posted after T are deleted, pins follow.
// Reactions are left as they are now (they are not content anyone loses by mistake).
// Membership is not restored: bringing someone back into a private channel is a decision.
import type { CollectionSpec } from '../../../core/restore/point-in-time.ts';
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import { channelMessagesPrefix, messageStream, type ChatEvent } from '../events.ts';
import { evolveMessage, type Message } from '../message/state.ts';

export type ChannelMessages = Map<string, Message>;

export function channelRestoreSpec(channelId: string): CollectionSpec<ChannelMessages> {
  return {
    streams: [channelMessagesPrefix(channelId)],
    initialState: () => new Map(),
    evolve(state, e: StoredEvent) {
      const id = (e.data as { messageId: string }).messageId;
      const next = evolveMessage(state.get(id), e);
      if (next) state.set(id, next);
      return state;
    },
    diff(current, target) {
      const out: { stream: string; events: NewEvent[] }[] = [];
      for (const [id, now] of current) {
        const then = target.get(id);
        const ref = { messageId: id, channelId };
        const events: ChatEvent[] = [];
        const thenAlive = then !== undefined && !then.deleted;
        if (!thenAlive && !now.deleted) events.push({ type: 'chat.MessageDeleted', data: ref });
        else if (thenAlive && now.deleted) events.push({ type: 'chat.MessageRestored', data: { ...ref, author: then.author, text: then.text, rootId: then.rootId } });
        else if (thenAlive && then.text !== now.text) events.push({ type: 'chat.MessageEdited', data: { ...ref, text: then.text, mentions: [] } });
        if (thenAlive && then.pinned !== now.pinned) events.push({ type: then.pinned ? 'chat.MessagePinned' : 'chat.MessageUnpinned', data: ref });
        if (events.length > 0) out.push({ stream: messageStream(channelId, id), events });
      }
      return out;
    },
  };
}
