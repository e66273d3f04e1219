import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, ValidationError } from '../../../core/errors.ts';
import type { ChatEvent } from '../events.ts';
import { decideChannel, type ChannelCommand } from './decide.ts';
import { evolveChannel, type ChannelState } from './state.ts';

let pos = 0;
const given = (...events: ChatEvent[]): ChannelState => events.map((e): StoredEvent => ({ ...e, position: ++pos, stream: 'chat-channel:c1', streamPosition: pos, recordedAt: 0, metadata: { actor: 'u1', source: 'ui', time: '' } })).reduce(evolveChannel, undefined as ChannelState);
const when = (s: ChannelState, c: ChannelCommand) => decideChannel(c, s);
const create = (over: Partial<Extract<ChannelCommand, { type: 'create' }>> = {}): ChannelCommand => ({ type: 'create', channelId: 'c1', teamId: 't1', kind: 'public', name: ' Project X! ', purpose: '', isDefault: false, createdBy: 'u1', members: [], ...over });

describe('channel decide', () => {
  it('creates a channel with a cleaned name and its creator as owner', () => {
    const evs = when(given(), create());
    expect(evs).toEqual([
      { type: 'chat.ChannelCreated', data: { channelId: 'c1', teamId: 't1', kind: 'public', name: 'project-x', purpose: '', isDefault: false, createdBy: 'u1' } },
      { type: 'chat.MemberJoined', data: { channelId: 'c1', userId: 'u1', role: 'owner' } },
    ]);
    expect(() => when(given(evs[0]!), create())).toThrow(ConflictError);
    expect(() => when(given(), create({ name: '!!!' }))).toThrow(ValidationError);
  });
  it('limits DMs to two and group messages to 3..8 people', () => {
    expect(when(given(), create({ kind: 'dm', teamId: null, members: ['u2'] }))).toHaveLength(3);
    expect(() => when(given(), create({ kind: 'dm', teamId: null, members: ['u2', 'u3'] }))).toThrow(ValidationError);
    expect(() => when(given(), create({ kind: 'group', teamId: null, members: ['u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] }))).toThrow(/3 to 8/);
  });
  it('joins and leaves idempotently; nobody joins a DM; archived channels refuse changes', () => {
    const s = given(...when(given(), create()));
    expect(when(s, { type: 'join', userId: 'u1' })).toEqual([]);
    expect(when(s, { type: 'join', userId: 'u2' })).toEqual([{ type: 'chat.MemberJoined', data: { channelId: 'c1', userId: 'u2', role: 'member' } }]);
    expect(when(s, { type: 'leave', userId: 'u9' })).toEqual([]);
    const dm = given(...when(given(), create({ kind: 'dm', teamId: null, members: ['u2'] })));
    expect(() => when(dm, { type: 'join', userId: 'u3' })).toThrow(ValidationError);
    const archived = given(...when(given(), create()), { type: 'chat.ChannelArchived', data: { channelId: 'c1' } });
    expect(() => when(archived, { type: 'join', userId: 'u2' })).toThrow(ConflictError);
  });
});
