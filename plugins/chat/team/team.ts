// A team: a name, whether anyone in the organization may join, and its members.
import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { ChatEvent } from '../events.ts';
import { MAX_CHANNEL_NAME } from '../limits.ts';

export interface Team { id: string; name: string; open: boolean; members: Set<string> }
export type TeamState = Team | undefined;

export type TeamCommand =
  | { type: 'create'; teamId: string; name: string; open: boolean; createdBy: string }
  | { type: 'join'; userId: string }
  | { type: 'leave'; userId: string };

export function evolveTeam(state: TeamState, event: StoredEvent): TeamState {
  const e = event as unknown as ChatEvent;
  switch (e.type) {
    case 'chat.TeamCreated': return { id: e.data.teamId, name: e.data.name, open: e.data.open, members: new Set() };
    case 'chat.TeamMemberJoined': return state && { ...state, members: new Set(state.members).add(e.data.userId) };
    case 'chat.TeamMemberLeft': {
      if (!state) return state;
      const members = new Set(state.members);
      members.delete(e.data.userId);
      return { ...state, members };
    }
    default: return state;
  }
}

export function decideTeam(c: TeamCommand, state: TeamState): ChatEvent[] {
  if (c.type === 'create') {
    if (state) throw new ConflictError('that team already exists', 'team_exists');
    const name = c.name.trim();
    if (!name || name.length > MAX_CHANNEL_NAME) throw new ValidationError(`a team needs a name of at most ${MAX_CHANNEL_NAME} characters`);
    return [
      { type: 'chat.TeamCreated', data: { teamId: c.teamId, name, open: c.open, createdBy: c.createdBy } },
      { type: 'chat.TeamMemberJoined', data: { teamId: c.teamId, userId: c.createdBy } },
    ];
  }
  if (!state) throw new NotFoundError('no such team');
  if (c.type === 'join') return state.members.has(c.userId) ? [] : [{ type: 'chat.TeamMemberJoined', data: { teamId: state.id, userId: c.userId } }];
  return state.members.has(c.userId) ? [{ type: 'chat.TeamMemberLeft', data: { teamId: state.id, userId: c.userId } }] : [];
}

export const teamDecider: Decider<TeamState, TeamCommand, ChatEvent> = {
  initialState: () => undefined, evolve: evolveTeam, decide: (c, s) => decideTeam(c, s),
};
