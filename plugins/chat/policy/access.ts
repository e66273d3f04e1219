// Who may do what in chat. Pure: every handler gathers the facts (role, memberships)
// from the read models and asks here, so guest rules live in one place and are enforced
// on every API, not only hidden in the UI.
import { ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import type { Role } from '../../../core/identity/auth-service.ts';
import type { ChannelKind } from '../events.ts';

/** A person (session or API) or a bot (token). Bots have guest-level rights: only where they were added. */
export interface ChatActor {
  id: string;
  kind: 'user' | 'bot';
  role: Role;
  name: string;
  email: string;
}

export interface ChannelFacts {
  kind: ChannelKind;
  teamId: string | null;
  archived: boolean;
  /** The actor's role in the channel, undefined when not a member. */
  membership: 'owner' | 'member' | undefined;
  /** The actor belongs to the channel's team. */
  inTeam: boolean;
}

const restricted = (a: ChatActor) => a.role === 'guest' || a.kind === 'bot';
export const isAdmin = (a: ChatActor) => a.kind === 'user' && (a.role === 'owner' || a.role === 'admin');

/** Seeing a channel's messages: members only; public channels also to their team's (non-guest) members. */
export function canRead(a: ChatActor, c: ChannelFacts): boolean {
  if (c.membership) return true;
  return c.kind === 'public' && !restricted(a) && c.inTeam;
}

/** Existence is not revealed to those who may not read: 404, not 403. */
export function requireRead(a: ChatActor, c: ChannelFacts | undefined): asserts c is ChannelFacts {
  if (!c || !canRead(a, c)) throw new NotFoundError('no such channel', 'no_such_channel');
}

export function requireMember(a: ChatActor, c: ChannelFacts): void {
  if (!c.membership) throw new ForbiddenError('join the channel first', 'not_a_member');
  if (c.archived) throw new ForbiddenError('this channel is archived', 'channel_archived');
}

/** Joining a public channel of one's team. Guests and bots are only ever added by others. */
export function requireJoin(a: ChatActor, c: ChannelFacts): void {
  if (restricted(a)) throw new ForbiddenError('guests cannot join channels by themselves', 'guest_restricted');
  if (c.kind !== 'public' || !c.inTeam) throw new NotFoundError('no such channel', 'no_such_channel');
}

/** Adding someone to a channel: members of public/private channels and group messages; never guests. */
export function requireInvite(a: ChatActor, c: ChannelFacts): void {
  if (restricted(a)) throw new ForbiddenError('guests cannot invite anyone', 'guest_restricted');
  if (!c.membership && !isAdmin(a)) throw new ForbiddenError('only members can add people to this channel', 'not_a_member');
  if (c.kind === 'dm') throw new ForbiddenError('start a group message to talk with more people', 'dm_fixed');
}

/** Renaming, archiving, restoring: the channel's owners and organization admins. */
export function requireManage(a: ChatActor, c: ChannelFacts): void {
  if (a.kind === 'bot' || a.role === 'guest') throw new ForbiddenError('guests cannot manage channels', 'guest_restricted');
  if (c.membership !== 'owner' && !isAdmin(a)) throw new ForbiddenError('only the channel owner or an admin can do that', 'not_channel_owner');
}

/** Deleting others' messages. */
export const isModerator = (a: ChatActor, c: ChannelFacts) => a.kind === 'user' && a.role !== 'guest' && (c.membership === 'owner' || isAdmin(a));

export function requireNotGuest(a: ChatActor, what: string): void {
  if (restricted(a)) throw new ForbiddenError(`guests cannot ${what}`, 'guest_restricted');
}

/**
 * Starting a DM or group message. A guest may only talk to people they already share
 * a channel with; `shared` is the set of user ids the actor shares a channel with.
 */
export function requireConversation(a: ChatActor, others: readonly string[], shared: ReadonlySet<string>): void {
  if (a.kind === 'bot') throw new ForbiddenError('bots cannot start conversations', 'bot_restricted');
  if (a.role !== 'guest') return;
  for (const o of others) if (!shared.has(o)) throw new ForbiddenError('guests can only message people in their channels', 'guest_restricted');
}

/** Only organization members (not guests) can see people who are not in their channels. */
export const canSeeDirectory = (a: ChatActor) => !restricted(a);
