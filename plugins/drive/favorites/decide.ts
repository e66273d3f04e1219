import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { FavoriteEvent } from '../events.ts';

/** A user's starred items: node id → drive id. */
export type Favorites = Map<string, string>;

/** Stars one user keeps: a list to find things again, not a second drive. */
export const MAX_FAVORITES = 1000;

export type FavoriteCommand = { type: 'add'; userId: string; driveId: string; nodeId: string } | { type: 'remove'; userId: string; nodeId: string };

export function evolveFavorites(s: Favorites, event: StoredEvent): Favorites {
  const e = event as unknown as FavoriteEvent;
  const next = new Map(s);
  if (e.type === 'drive.FavoriteAdded') next.set(e.data.nodeId, e.data.driveId);
  else if (e.type === 'drive.FavoriteRemoved') next.delete(e.data.nodeId);
  return next;
}

export function decideFavorites(c: FavoriteCommand, s: Favorites): FavoriteEvent[] {
  if (c.type === 'add') {
    if (s.has(c.nodeId) || s.size >= MAX_FAVORITES) return [];
    return [{ type: 'drive.FavoriteAdded', data: { userId: c.userId, driveId: c.driveId, nodeId: c.nodeId } }];
  }
  return s.has(c.nodeId) ? [{ type: 'drive.FavoriteRemoved', data: { userId: c.userId, nodeId: c.nodeId } }] : [];
}

export const favoritesDecider: Decider<Favorites, FavoriteCommand, FavoriteEvent> = {
  initialState: () => new Map(),
  evolve: evolveFavorites,
  decide: (c, s) => decideFavorites(c, s),
};
