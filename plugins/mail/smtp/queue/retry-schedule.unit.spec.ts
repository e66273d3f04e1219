import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, nextAttemptAt, OUTBOUND_RETRY_SCHEDULE_MS, QUEUE_LIFETIME_MS } from './retry-schedule.ts';

describe('outbound retry schedule', () => {
  it('retries soon first, then backs off to a day, and gives up after five days', () => {
    const queued = 0;
    const expires = queued + QUEUE_LIFETIME_MS;
    let now = queued;
    const waits: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const next = nextAttemptAt(defaultRetryPolicy, attempt, now, expires);
      if (next === null) break;
      waits.push(next - now);
      now = next;
    }
    expect(waits[0]).toBe(5 * 60_000);
    expect(Math.max(...waits)).toBe(24 * 3600_000);
    expect(now).toBe(expires); // the last attempt happens exactly at expiry, then it bounces
    expect(waits.length).toBeGreaterThan(OUTBOUND_RETRY_SCHEDULE_MS.length);
    expect(QUEUE_LIFETIME_MS).toBeGreaterThanOrEqual(4 * 24 * 3600_000); // RFC 5321 §4.5.4.1
  });

  it('expires an item whose give-up time has passed', () => {
    expect(nextAttemptAt(defaultRetryPolicy, 3, 1_000, 1_000)).toBeNull();
  });

  it('follows a short test schedule', () => {
    expect(nextAttemptAt({ schedule: [10, 20], lifetimeMs: 1_000 }, 1, 100, 1_100)).toBe(110);
    expect(nextAttemptAt({ schedule: [10, 20], lifetimeMs: 1_000 }, 5, 100, 1_100)).toBe(120);
  });
});
