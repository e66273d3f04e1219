// WebDAV write locks (RFC 4918 §6, §7): coordination between clients, not user data,
// so they live in a plain table (drive_locks) and never in the event log. A lock is on
// a node; depth infinity on a folder covers everything under it. Expired locks are
// ignored when read and deleted lazily.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

/** Lock lifetime when the client asks for none or for Infinite: long enough for an editing session. */
export const DEFAULT_LOCK_SECONDS = 3600;
/** Longest lock granted: a crashed client must not keep a file locked for days. */
export const MAX_LOCK_SECONDS = 24 * 3600;

export interface LockRow {
  token: string; drive_id: string; node_id: string; user_id: string; depth: '0' | 'infinity';
  owner_xml: string; timeout_seconds: number; expires_at: number;
}

/** Parses `Timeout: Second-600, Infinite` (RFC 4918 §10.7) into granted seconds. */
export function lockTimeout(header: string | null): number {
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*Second-(\d{1,10})\s*$/i.exec(part);
    if (m) return Math.max(1, Math.min(Number(m[1]), MAX_LOCK_SECONDS));
  }
  return DEFAULT_LOCK_SECONDS;
}

export function createLockStore(db: Kysely<any>) {
  return {
    /** Unexpired locks of a drive; a drive holds a handful, so one query serves every check of a request. */
    async active(driveId: string, now = Date.now()): Promise<LockRow[]> {
      // A read only: every PROPFIND asks, and a delete here would cost a durable write each time.
      return (await db.selectFrom('drive_locks').selectAll().where('drive_id', '=', driveId).where('expires_at', '>', now).execute()) as LockRow[];
    },
    async create(input: Omit<LockRow, 'token' | 'expires_at'>, now = Date.now()): Promise<LockRow> {
      // Expired locks of the drive go when a new one comes: the table stays as small as the live locks.
      await db.deleteFrom('drive_locks').where('drive_id', '=', input.drive_id).where('expires_at', '<=', now).execute();
      const row: LockRow = { ...input, token: `urn:uuid:${randomUUID()}`, expires_at: now + input.timeout_seconds * 1000 };
      await db.insertInto('drive_locks').values(row).execute();
      return row;
    },
    async refresh(token: string, seconds: number, now = Date.now()): Promise<void> {
      await db.updateTable('drive_locks').set({ timeout_seconds: seconds, expires_at: now + seconds * 1000 }).where('token', '=', token).execute();
    },
    async remove(token: string): Promise<void> {
      await db.deleteFrom('drive_locks').where('token', '=', token).execute();
    },
    async removeNodes(nodeIds: readonly string[]): Promise<void> {
      if (nodeIds.length > 0) await db.deleteFrom('drive_locks').where('node_id', 'in', [...nodeIds]).execute();
    },
  };
}

export type LockStore = ReturnType<typeof createLockStore>;
