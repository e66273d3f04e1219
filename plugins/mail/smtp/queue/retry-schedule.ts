// When a deferred delivery is tried again, and when the queue gives up.
//
// RFC 5321 §4.5.4.1: "the retry interval SHOULD be at least 30 minutes" and the give-up
// time "needs to be at least 4-5 days". Greylisting (the most common reason for a 4xx)
// clears after 5-15 minutes, so the first retries come sooner than 30 minutes, as
// Postfix (300 s minimal backoff) and Exim do; after that the waits double, then settle
// at a day. The item expires QUEUE_LIFETIME_MS after it was queued; the last attempt is
// scheduled no later than that moment, and a failure then bounces (status 4.4.7,
// RFC 3463 "delivery time expired").

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Wait after the n-th failed attempt (index n-1); the last value repeats. */
export const OUTBOUND_RETRY_SCHEDULE_MS: readonly number[] = [5 * MIN, 15 * MIN, 30 * MIN, 1 * HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 24 * HOUR];

/** Give-up time: 5 days (RFC 5321 §4.5.4.1). */
export const QUEUE_LIFETIME_MS = 5 * 24 * HOUR;

export interface RetryPolicy {
  schedule: readonly number[];
  lifetimeMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { schedule: OUTBOUND_RETRY_SCHEDULE_MS, lifetimeMs: QUEUE_LIFETIME_MS };

/**
 * After `attempts` failed attempts at time `now`: when to try again, or null when the
 * item has expired and must bounce.
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, now: number, expiresAt: number): number | null {
  if (now >= expiresAt) return null;
  const { schedule } = policy;
  const wait = schedule.length === 0 ? 0 : schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1]!;
  return Math.min(now + wait, expiresAt);
}
