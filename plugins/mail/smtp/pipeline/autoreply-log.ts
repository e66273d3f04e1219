// Once-per-sender-per-period bookkeeping for auto replies (RFC 3834 §2). `claim` is
// atomic: of two deliveries racing for the same (user, sender) only one gets true, so a
// sender never receives two replies for one period even under concurrent delivery.
import type { Kysely } from 'kysely';

export interface AutoreplyLog {
  /** True (and records now) when no reply went to this sender within intervalMs. */
  claim(userId: string, sender: string, now: number, intervalMs: number): Promise<boolean>;
}

export function sqlAutoreplyLog(db: Kysely<any>): AutoreplyLog {
  return {
    async claim(userId, sender, now, intervalMs) {
      // One statement: insert, or take over a row older than the interval. SQLite runs it
      // under its write lock, so the check and the update cannot interleave.
      const r = await db.insertInto('mail_autoreply_sent')
        .values({ user_id: userId, sender, sent_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'sender']).doUpdateSet({ sent_at: now }).where('mail_autoreply_sent.sent_at', '<=', now - intervalMs))
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}

export function memoryAutoreplyLog(): AutoreplyLog {
  const sent = new Map<string, number>();
  return {
    async claim(userId, sender, now, intervalMs) {
      const key = `${userId}\n${sender}`;
      const last = sent.get(key);
      if (last !== undefined && last > now - intervalMs) return false;
      sent.set(key, now);
      return true;
    },
  };
}
