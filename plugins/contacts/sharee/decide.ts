import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { ContactsEvent } from '../events.ts';

/** A sharee's choices about books shared with them: the ids they have left. */
export type ShareeState = ReadonlySet<string>;
export type ShareeCommand = { type: 'leave' | 'join'; userId: string; bookId: string };

export function evolveSharee(state: ShareeState, event: StoredEvent): ShareeState {
  const e = event as unknown as ContactsEvent;
  if (e.type === 'contacts.SharedBookLeft') return new Set([...state, e.data.bookId]);
  if (e.type === 'contacts.SharedBookJoined') { const next = new Set(state); next.delete(e.data.bookId); return next; }
  return state;
}

export function decideSharee(c: ShareeCommand, state: ShareeState): ContactsEvent[] {
  if (c.type === 'leave') return state.has(c.bookId) ? [] : [{ type: 'contacts.SharedBookLeft', data: { userId: c.userId, bookId: c.bookId } }];
  return state.has(c.bookId) ? [{ type: 'contacts.SharedBookJoined', data: { userId: c.userId, bookId: c.bookId } }] : [];
}

export const shareeDecider: Decider<ShareeState, ShareeCommand, ContactsEvent> = {
  initialState: () => new Set(),
  evolve: evolveSharee,
  decide: (c, s) => decideSharee(c, s),
};
