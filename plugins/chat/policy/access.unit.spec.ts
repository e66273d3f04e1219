import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import { canRead, requireConversation, requireInvite, requireJoin, requireManage, requireRead, type ChannelFacts, type ChatActor } from './access.ts';

const user: ChatActor = { id: 'u1', kind: 'user', role: 'user', name: 'U', email: 'u@x' };
const admin: ChatActor = { ...user, id: 'a1', role: 'admin' };
const guest: ChatActor = { ...user, id: 'g1', role: 'guest' };
const bot: ChatActor = { ...user, id: 'bot:b', kind: 'bot', role: 'guest' };
const pub: ChannelFacts = { kind: 'public', teamId: 't', archived: false, membership: undefined, inTeam: true };
const priv: ChannelFacts = { ...pub, kind: 'private' };

describe('chat access policy', () => {
  it('lets team members read public channels; guests and bots only their own', () => {
    expect(canRead(user, pub)).toBe(true);
    expect(canRead(user, { ...pub, inTeam: false })).toBe(false);
    expect(canRead(guest, pub)).toBe(false);
    expect(canRead(bot, pub)).toBe(false);
    expect(canRead(guest, { ...pub, membership: 'member' })).toBe(true);
    expect(canRead(user, priv)).toBe(false);
    expect(() => requireRead(user, priv)).toThrow(NotFoundError);
  });
  it('refuses guests joining, inviting, managing', () => {
    expect(() => requireJoin(guest, pub)).toThrow(ForbiddenError);
    expect(() => requireJoin(user, priv)).toThrow(NotFoundError);
    expect(() => requireInvite(guest, { ...priv, membership: 'member' })).toThrow(ForbiddenError);
    expect(() => requireInvite(user, { ...priv, membership: 'member' })).not.toThrow();
    expect(() => requireManage(guest, { ...priv, membership: 'owner' })).toThrow(ForbiddenError);
    expect(() => requireManage(user, { ...priv, membership: 'member' })).toThrow(ForbiddenError);
    expect(() => requireManage(admin, priv)).not.toThrow();
  });
  it('lets guests message only people they share a channel with', () => {
    expect(() => requireConversation(guest, ['u2'], new Set(['u3']))).toThrow(ForbiddenError);
    expect(() => requireConversation(guest, ['u3'], new Set(['u3']))).not.toThrow();
    expect(() => requireConversation(user, ['u2'], new Set())).not.toThrow();
    expect(() => requireConversation(bot, ['u2'], new Set(['u2']))).toThrow(ForbiddenError);
  });
});
