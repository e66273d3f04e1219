import { describe, expect, it } from 'vitest';
import { SendRateLimiter } from './send-rate-limit.ts';

describe('send rate limit', () => {
  it('caps remote recipients per user per sliding hour', () => {
    const l = new SendRateLimiter(10);
    const t0 = Date.UTC(2026, 0, 1, 12, 0);
    expect(l.take('ann', 6, t0)).toBe(true);
    expect(l.take('ann', 5, t0 + 60_000)).toBe(false);
    expect(l.take('bob', 10, t0)).toBe(true);
    expect(l.take('ann', 4, t0 + 120_000)).toBe(true);
    expect(l.take('ann', 1, t0 + 30 * 60_000)).toBe(false);
    // An hour after the first six, they no longer count.
    expect(l.take('ann', 6, t0 + 61 * 60_000)).toBe(true);
    expect(l.take('ann', 0, t0)).toBe(true);
  });
});
