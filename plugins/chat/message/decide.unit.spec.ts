import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { ChatEvent } from '../events.ts';
import { channelRestoreSpec } from '../restore/channel-restore.ts';
import { decideMessage, type MessageCommand } from './decide.ts';
import { evolveMessage, type MessageState } from './state.ts';

let pos = 0;
const stored = (e: ChatEvent, stream = 'chat-message:c1/m1'): StoredEvent => ({ ...e, position: ++pos, stream, streamPosition: pos, recordedAt: 0, metadata: { actor: 'u1', source: 'ui', time: '' } });
const given = (...events: ChatEvent[]): MessageState => events.map((e) => stored(e)).reduce(evolveMessage, undefined as MessageState);
const when = (s: MessageState, c: MessageCommand) => decideMessage(c, s);
const posted: ChatEvent = { type: 'chat.MessagePosted', data: { messageId: 'm1', channelId: 'c1', author: 'u1', text: 'hi', rootId: null, mentions: [], mentionAll: false } };

describe('message decide', () => {
  it('posts trimmed text, refuses empty and too long', () => {
    expect(when(given(), { type: 'post', messageId: 'm1', channelId: 'c1', author: 'u1', text: '\n\nhi  \n', rootId: null, mentions: ['u2', 'u2'], mentionAll: false }))
      .toEqual([{ type: 'chat.MessagePosted', data: { messageId: 'm1', channelId: 'c1', author: 'u1', text: 'hi', rootId: null, mentions: ['u2'], mentionAll: false } }]);
    expect(() => when(given(), { type: 'post', messageId: 'm1', channelId: 'c1', author: 'u1', text: '  ', rootId: null, mentions: [], mentionAll: false })).toThrow(ValidationError);
    expect(() => when(given(), { type: 'post', messageId: 'm1', channelId: 'c1', author: 'u1', text: 'x'.repeat(16_001), rootId: null, mentions: [], mentionAll: false })).toThrow(/at most/);
  });
  it('lets only the author edit, the author or a moderator delete', () => {
    expect(() => when(given(posted), { type: 'edit', by: 'u2', text: 'x', mentions: [] })).toThrow(ForbiddenError);
    expect(when(given(posted), { type: 'edit', by: 'u1', text: 'hi', mentions: [] })).toEqual([]);
    expect(() => when(given(posted), { type: 'delete', by: 'u2', moderator: false })).toThrow(ForbiddenError);
    expect(when(given(posted), { type: 'delete', by: 'u2', moderator: true })).toEqual([{ type: 'chat.MessageDeleted', data: { messageId: 'm1', channelId: 'c1' } }]);
    expect(() => when(given(posted, { type: 'chat.MessageDeleted', data: { messageId: 'm1', channelId: 'c1' } }), { type: 'edit', by: 'u1', text: 'x', mentions: [] })).toThrow(NotFoundError);
  });
  it('toggles reactions and pins idempotently', () => {
    const s = given(posted, { type: 'chat.ReactionAdded', data: { messageId: 'm1', channelId: 'c1', userId: 'u2', emoji: '👍' } });
    expect(when(s, { type: 'react', userId: 'u2', emoji: '👍', on: true })).toEqual([]);
    expect(when(s, { type: 'react', userId: 'u2', emoji: '👍', on: false })).toHaveLength(1);
    expect(() => when(s, { type: 'react', userId: 'u2', emoji: '<b>', on: true })).toThrow(ValidationError);
    expect(when(s, { type: 'pin', on: false })).toEqual([]);
    expect(when(s, { type: 'pin', on: true })).toEqual([{ type: 'chat.MessagePinned', data: { messageId: 'm1', channelId: 'c1' } }]);
  });
});

describe('channel restore diff', () => {
  const spec = channelRestoreSpec('c1');
  const fold = (...events: [string, ChatEvent][]) => events.map(([id, e]) => stored(e, `chat-message:c1/${id}`)).reduce(spec.evolve, spec.initialState());
  const p = (id: string, text: string): ChatEvent => ({ type: 'chat.MessagePosted', data: { messageId: id, channelId: 'c1', author: 'u1', text, rootId: null, mentions: [], mentionAll: false } });
  it('brings back deleted messages, reverts edits, removes later ones', () => {
    const then = fold(['a', p('a', 'A')], ['b', p('b', 'B')]);
    const now = fold(['a', p('a', 'A')], ['a', { type: 'chat.MessageEdited', data: { messageId: 'a', channelId: 'c1', text: 'A2', mentions: [] } }], ['b', p('b', 'B')], ['b', { type: 'chat.MessageDeleted', data: { messageId: 'b', channelId: 'c1' } }], ['c', p('c', 'C')]);
    expect(spec.diff(now, then, { actor: 'u1', source: 'ui', time: '' })).toEqual([
      { stream: 'chat-message:c1/a', events: [{ type: 'chat.MessageEdited', data: { messageId: 'a', channelId: 'c1', text: 'A', mentions: [] } }] },
      { stream: 'chat-message:c1/b', events: [{ type: 'chat.MessageRestored', data: { messageId: 'b', channelId: 'c1', author: 'u1', text: 'B', rootId: null } }] },
      { stream: 'chat-message:c1/c', events: [{ type: 'chat.MessageDeleted', data: { messageId: 'c', channelId: 'c1' } }] },
    ]);
    expect(spec.diff(then, then, { actor: 'u1', source: 'ui', time: '' })).toEqual([]);
  });
});
