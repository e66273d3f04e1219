import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../errors.ts';
import { FIRST_LOCK_MS, IP_FAILURES_BEFORE_LOCK, LOGIN_FAILURES_BEFORE_LOCK, LoginThrottle, MAX_LOCK_MS, ipBucket } from './throttle.ts';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

function retryAfter(fn: () => unknown): number | undefined {
  try { fn(); return undefined; } catch (e) {
    expect(e).toBeInstanceOf(RateLimitedError);
    return (e as RateLimitedError).retryAfterSeconds;
  }
}

describe('login throttle', () => {
  it('locks a login after the allowed failures, for longer each time', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < LOGIN_FAILURES_BEFORE_LOCK; i++) t.begin('Alice@Example.org', `10.0.0.${i}`);
    expect(retryAfter(() => t.begin('alice@example.org', '10.9.9.9'))).toBe(FIRST_LOCK_MS / 1000);
    c.advance(FIRST_LOCK_MS);
    t.begin('alice@example.org', '10.9.9.9'); // one more try, and it fails again
    expect(retryAfter(() => t.begin('alice@example.org'))).toBe((2 * FIRST_LOCK_MS) / 1000);
    c.advance(2 * FIRST_LOCK_MS);
    t.begin('alice@example.org');
    expect(retryAfter(() => t.begin('alice@example.org'))).toBe((4 * FIRST_LOCK_MS) / 1000);
  });

  it('caps the lock time', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 40; i++) {
      try { t.begin('bob'); } catch { c.advance(MAX_LOCK_MS); }
    }
    expect(t.retryAfter('bob')).toBeLessThanOrEqual(MAX_LOCK_MS / 1000);
  });

  it('forgets a login after a success and after a quiet window', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, windowMs: 60_000 });
    for (let i = 0; i < LOGIN_FAILURES_BEFORE_LOCK - 1; i++) t.begin('carol');
    t.succeeded(t.begin('carol'));
    for (let i = 0; i < LOGIN_FAILURES_BEFORE_LOCK - 1; i++) t.begin('carol');
    expect(t.retryAfter('carol')).toBe(0);
    c.advance(60_001);
    for (let i = 0; i < LOGIN_FAILURES_BEFORE_LOCK - 1; i++) t.begin('carol');
    expect(t.retryAfter('carol')).toBe(0);
  });

  it('locks an address that tries many logins', () => {
    const t = new LoginThrottle({ now: clock().now });
    for (let i = 0; i < IP_FAILURES_BEFORE_LOCK; i++) t.begin(`user${i}`, '192.0.2.7');
    expect(retryAfter(() => t.begin('someone-new', '192.0.2.7'))).toBeGreaterThan(0);
    expect(retryAfter(() => t.begin('someone-new', '192.0.2.8'))).toBeUndefined();
  });

  it('counts an IPv6 /64 as one address and IPv4-mapped addresses as IPv4', () => {
    expect(ipBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipBucket('192.0.2.1')).toBe('192.0.2.1');
  });

  it('keeps its maps bounded', () => {
    const t = new LoginThrottle({ now: clock().now, maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) t.begin(`u${i}`, `10.0.${i >> 8}.${i & 255}`);
    expect(t.size.logins).toBeLessThanOrEqual(100);
    expect(t.size.ips).toBeLessThanOrEqual(100);
  });
});
