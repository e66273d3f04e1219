// Presence: online / away / dnd / offline. Live presence is memory (DESIGN.md: "not
// everything is an event"): open SSE connections and the last activity per user. What
// the user chose (away, dnd, appear offline, with an optional end) and the custom status
// are settings, kept as events and read from chat_user_status.
import type { Kysely } from 'kysely';
import type { PresenceChoice } from '../events.ts';
import { AWAY_AFTER_MS } from '../limits.ts';

export type Presence = 'online' | 'away' | 'dnd' | 'offline';

export interface UserStatus {
  presence: Presence;
  /** Custom status, absent when none or expired. */
  emoji?: string;
  text?: string;
  expiresAt?: string | null;
}

/** The service other apps use (`chat.presence`) to show status next to a person. */
export interface PresenceApi {
  /** `viewing`: the one of them loading a page right now, counted as connected. */
  statusOf(userIds: readonly string[], viewing?: string): Promise<Map<string, UserStatus>>;
  /** True while the user asked not to be disturbed: skip notifications (mention mail, browser). */
  isDoNotDisturb(userId: string): Promise<boolean>;
  /** Called by other apps when a user does something (keeps them "online"). */
  touch(userId: string): void;
}

/** Pure: presence from what is known. */
export function derivePresence(input: { chosen: PresenceChoice; chosenUntil: string | null; connections: number; lastActivity: number | undefined; now: number }): Presence {
  const chosenActive = input.chosen !== 'auto' && (input.chosenUntil === null || Date.parse(input.chosenUntil) > input.now);
  if (chosenActive && input.chosen === 'offline') return 'offline';
  if (input.connections === 0) return 'offline';
  if (chosenActive) return input.chosen === 'dnd' ? 'dnd' : 'away';
  if (input.lastActivity === undefined || input.now - input.lastActivity > AWAY_AFTER_MS) return 'away';
  return 'online';
}

export interface PresenceService extends PresenceApi {
  connected(userId: string): void;
  disconnected(userId: string): void;
  /** Presence changes (connect, disconnect, choice) for live delivery. */
  onChange(fn: (userId: string) => void): () => void;
  changed(userId: string): void;
  online(userIds: readonly string[]): Promise<string[]>;
  /** The status of the user looking at a page (counts as connected and active). */
  selfStatus(userId: string): Promise<UserStatus | undefined>;
}

export function createPresenceService(db: () => Kysely<any>, now: () => number = Date.now): PresenceService {
  const connections = new Map<string, number>();
  const activity = new Map<string, number>();
  const listeners = new Set<(userId: string) => void>();
  const changed = (userId: string) => { for (const l of listeners) l(userId); };

  const statusOf = async (userIds: readonly string[], viewing?: string): Promise<Map<string, UserStatus>> => {
    const out = new Map<string, UserStatus>();
    if (userIds.length === 0) return out;
    const rows = await db().selectFrom('chat_user_status').selectAll().where('user_id', 'in', [...new Set(userIds)]).execute();
    const byId = new Map(rows.map((r) => [r.user_id as string, r]));
    const t = now();
    for (const id of userIds) {
      const r = byId.get(id);
      const presence = derivePresence({
        chosen: (r?.presence ?? 'auto') as PresenceChoice, chosenUntil: (r?.presence_until ?? null) as string | null,
        // Someone loading a page is connected, even before their live connection opens.
        connections: id === viewing ? Math.max(1, connections.get(id) ?? 0) : connections.get(id) ?? 0,
        lastActivity: id === viewing ? t : activity.get(id), now: t,
      });
      const s: UserStatus = { presence };
      const expired = r?.expires_at && Date.parse(r.expires_at as string) <= t;
      if (r && (r.emoji || r.text) && !expired) Object.assign(s, { emoji: r.emoji as string, text: r.text as string, expiresAt: (r.expires_at ?? null) as string | null });
      out.set(id, s);
    }
    return out;
  };

  return {
    statusOf,
    async isDoNotDisturb(userId) {
      // The choice counts, connected or not: do-not-disturb also silences mention mail to someone offline.
      const r = await db().selectFrom('chat_user_status').select(['presence', 'presence_until']).where('user_id', '=', userId).executeTakeFirst();
      return r?.presence === 'dnd' && (r.presence_until === null || Date.parse(r.presence_until as string) > now());
    },
    touch(userId) {
      const before = activity.get(userId);
      activity.set(userId, now());
      // Coming back from "away" because of activity is a change others should see.
      if (before === undefined || now() - before > AWAY_AFTER_MS) changed(userId);
    },
    connected(userId) {
      connections.set(userId, (connections.get(userId) ?? 0) + 1);
      activity.set(userId, now());
      if (connections.get(userId) === 1) changed(userId);
    },
    disconnected(userId) {
      const n = (connections.get(userId) ?? 1) - 1;
      if (n <= 0) { connections.delete(userId); changed(userId); } else connections.set(userId, n);
    },
    onChange(fn) { listeners.add(fn); return () => { listeners.delete(fn); }; },
    changed,
    async selfStatus(userId) {
      return (await statusOf([userId], userId)).get(userId);
    },
    async online(userIds) {
      const s = await statusOf(userIds);
      return userIds.filter((id) => s.get(id)?.presence === 'online');
    },
  };
}
