// Implementation notes — browser sessions (a plain table, not events: DESIGN.md "Not
// everything is an event").
// - The token is 32 random bytes (base64url) handed to the browser once; the table keeps
//   only its sha256, so a copy of the database (a backup) does not contain live sessions.
//   sha256 is enough: the token is random, there is nothing to brute-force.
// - A session dies at the first of: its absolute lifetime, an idle timeout, deletion
//   (logout, password set, user removed), or its user disappearing from core_users.
// - last_seen_at is written at most once a minute per session, so browsing does not
//   turn every page view into a durable (fsynced) write.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors.ts';
import type { Role, SessionUser, Theme } from './auth-service.ts';
import type { SessionInfo } from './identity-api.ts';

/** Absolute lifetime: even an active session logs in again monthly (bounds a stolen cookie). */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60_000;
/** Idle timeout: a session unused for two weeks (a lost laptop, a shared computer) ends. */
export const SESSION_IDLE_TIMEOUT_MS = 14 * 24 * 60 * 60_000;
/** How stale last_seen_at may get before a request refreshes it. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
/** Sessions kept per user; the least recently used beyond this are ended (bounds a login loop). */
export const MAX_SESSIONS_PER_USER = 50;
export const SESSION_TOKEN_BYTES = 32;
/** Stored for the "your sessions" list only; a longer User-Agent is truncated. */
const MAX_USER_AGENT_LENGTH = 512;
/** An IPv6 address with zone id fits easily. */
const MAX_IP_LENGTH = 64;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

interface SessionJoinRow {
  id: string; user_id: string; last_seen_at: number; expires_at: number; csrf_secret: string;
  email: string | null; display_name: string | null; role: string | null; theme: string | null;
}

export interface SessionStore {
  create(userId: string, info: { ip: string; userAgent: string }): Promise<{ token: string; sessionId: string }>;
  resolve(token: string): Promise<SessionInfo | undefined>;
  delete(sessionId: string): Promise<void>;
  deleteOf(userId: string, exceptSessionId?: string): Promise<number>;
}

export function createSessionStore(deps: { db: Kysely<any>; now: () => number; newId: (t: number) => string }): SessionStore {
  const { db, now, newId } = deps;

  async function prune(t: number): Promise<void> {
    await db.deleteFrom('core_sessions').where((eb) => eb.or([
      eb('expires_at', '<=', t),
      eb('last_seen_at', '<=', t - SESSION_IDLE_TIMEOUT_MS),
    ])).execute();
  }

  return {
    async create(userId, info) {
      const user = await db.selectFrom('core_users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw new NotFoundError('no such user', 'user_not_found');
      const t = now();
      await prune(t);
      const token = randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
      const sessionId = newId(t);
      await db.insertInto('core_sessions').values({
        id: sessionId, token_hash: sha256Hex(token), user_id: userId, created_at: t, last_seen_at: t,
        expires_at: t + SESSION_LIFETIME_MS, ip: String(info.ip ?? '').slice(0, MAX_IP_LENGTH),
        user_agent: String(info.userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH),
        csrf_secret: randomBytes(32).toString('base64url'),
      }).execute();
      const keep = db.selectFrom('core_sessions').select('id').where('user_id', '=', userId)
        .orderBy('last_seen_at', 'desc').orderBy('id', 'desc').limit(MAX_SESSIONS_PER_USER);
      await db.deleteFrom('core_sessions').where('user_id', '=', userId).where('id', 'not in', keep).execute();
      return { token, sessionId };
    },

    async resolve(token) {
      if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
      const row = await db.selectFrom('core_sessions as s').leftJoin('core_users as u', 'u.id', 's.user_id')
        .select(['s.id', 's.user_id', 's.last_seen_at', 's.expires_at', 's.csrf_secret', 'u.email', 'u.display_name', 'u.role', 'u.theme'])
        .where('s.token_hash', '=', sha256Hex(token)).executeTakeFirst() as SessionJoinRow | undefined;
      if (!row) return undefined;
      const t = now();
      const lastSeen = Number(row.last_seen_at);
      if (row.email === null || t >= Number(row.expires_at) || t - lastSeen >= SESSION_IDLE_TIMEOUT_MS) {
        await db.deleteFrom('core_sessions').where('id', '=', row.id).execute();
        return undefined;
      }
      if (t - lastSeen >= SESSION_TOUCH_INTERVAL_MS) {
        await db.updateTable('core_sessions').set({ last_seen_at: t }).where('id', '=', row.id).execute();
      }
      const user: SessionUser = {
        id: row.user_id, email: row.email, displayName: row.display_name ?? row.email, role: row.role as Role, theme: (row.theme ?? 'auto') as Theme,
      };
      return { sessionId: row.id, user, csrfSecret: row.csrf_secret };
    },

    async delete(sessionId) {
      await db.deleteFrom('core_sessions').where('id', '=', sessionId).execute();
    },

    async deleteOf(userId, exceptSessionId) {
      let q = db.deleteFrom('core_sessions').where('user_id', '=', userId);
      if (exceptSessionId !== undefined) q = q.where('id', '!=', exceptSessionId);
      const r = await q.executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
