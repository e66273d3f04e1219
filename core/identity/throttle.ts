// Implementation notes — login throttling.
// - Counters live in memory (DESIGN.md: rate-limit counters are not events), one map
//   per login (lowercased) and one per client address (IPv6 by /64, since one host
//   holds a whole /64). Both are bounded; the least recently touched entry is evicted.
// - An attempt is counted as a failure *before* the password is checked and forgiven on
//   success, so parallel guesses cannot all slip in before the first failure lands.
// - The counters for a login exist whether or not the login is a real user, so a lock
//   (and its retry-after) never tells an attacker which logins exist.
// - Reaching the limit locks the key; every further failure while the count is still
//   at the limit locks again for twice as long (capped). The count and the lock level
//   decay after a quiet window, and a success resets the login's entry.
// - Per-login locks let someone lock a known login out for a while: the price of
//   slowing password guessing. Sessions already open are unaffected.
import { RateLimitedError } from '../errors.ts';

/** Failed logins for one login inside the window before it is locked. */
export const LOGIN_FAILURES_BEFORE_LOCK = 5;
/** Failed logins from one address before it is locked: higher, as offices and phones share addresses (NAT, CGNAT). */
export const IP_FAILURES_BEFORE_LOCK = 30;
/** Quiet time after which a key's failures and lock level are forgotten. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** First lock; each further lock doubles it. */
export const FIRST_LOCK_MS = 60_000;
/** Longest lock: an hour slows guessing to a handful a day without locking a person out for good. */
export const MAX_LOCK_MS = 60 * 60_000;
/** Entries kept per map (~100 bytes each): bounds memory under a spray of made-up logins or addresses. */
export const THROTTLE_MAX_ENTRIES = 10_000;

interface Entry {
  failures: number;
  lastAt: number;
  lockedUntil: number;
  locks: number;
}

export interface ThrottleOptions {
  now?: () => number;
  loginFailuresBeforeLock?: number;
  ipFailuresBeforeLock?: number;
  windowMs?: number;
  firstLockMs?: number;
  maxLockMs?: number;
  maxEntries?: number;
}

/** Proof that an attempt was counted; hand it back to succeeded() when the secret was right. */
export interface Attempt { login: string; ip: string | undefined }

export class LoginThrottle {
  readonly #logins = new Map<string, Entry>();
  readonly #ips = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #o: Required<Omit<ThrottleOptions, 'now'>>;

  constructor(opts: ThrottleOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#o = {
      loginFailuresBeforeLock: opts.loginFailuresBeforeLock ?? LOGIN_FAILURES_BEFORE_LOCK,
      ipFailuresBeforeLock: opts.ipFailuresBeforeLock ?? IP_FAILURES_BEFORE_LOCK,
      windowMs: opts.windowMs ?? FAILURE_WINDOW_MS,
      firstLockMs: opts.firstLockMs ?? FIRST_LOCK_MS,
      maxLockMs: opts.maxLockMs ?? MAX_LOCK_MS,
      maxEntries: opts.maxEntries ?? THROTTLE_MAX_ENTRIES,
    };
  }

  /**
   * Refuses with RateLimitedError while the login or the address is locked; otherwise
   * counts the attempt as a failure until succeeded() says otherwise.
   */
  begin(login: string, ip?: string): Attempt {
    const now = this.#now();
    const loginKey = login.trim().toLowerCase();
    const ipKey = ip === undefined || ip === '' ? undefined : ipBucket(ip);
    const le = this.#fresh(this.#logins, loginKey, now);
    const ie = ipKey === undefined ? undefined : this.#fresh(this.#ips, ipKey, now);
    const until = Math.max(le?.lockedUntil ?? 0, ie?.lockedUntil ?? 0);
    if (until > now) throw new RateLimitedError(Math.max(1, Math.ceil((until - now) / 1000)));
    this.#count(this.#logins, loginKey, le, now, this.#o.loginFailuresBeforeLock);
    if (ipKey !== undefined) this.#count(this.#ips, ipKey, ie, now, this.#o.ipFailuresBeforeLock);
    return { login: loginKey, ip: ipKey };
  }

  /** The secret was right: forget the login's failures, forgive this attempt for the address. */
  succeeded(attempt: Attempt): void {
    this.#logins.delete(attempt.login);
    if (attempt.ip === undefined) return;
    const e = this.#ips.get(attempt.ip);
    if (e && e.failures > 0) e.failures -= 1;
  }

  /** Seconds until the login (or address) may try again; 0 when not locked. */
  retryAfter(login: string, ip?: string): number {
    const now = this.#now();
    const a = this.#logins.get(login.trim().toLowerCase())?.lockedUntil ?? 0;
    const b = ip ? this.#ips.get(ipBucket(ip))?.lockedUntil ?? 0 : 0;
    const until = Math.max(a, b);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  get size(): { logins: number; ips: number } {
    return { logins: this.#logins.size, ips: this.#ips.size };
  }

  /** The entry, or undefined when there is none or it has gone quiet for a whole window. */
  #fresh(map: Map<string, Entry>, key: string, now: number): Entry | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (now - Math.max(e.lastAt, e.lockedUntil) > this.#o.windowMs) { map.delete(key); return undefined; }
    return e;
  }

  #count(map: Map<string, Entry>, key: string, existing: Entry | undefined, now: number, limit: number): void {
    const e = existing ?? { failures: 0, lastAt: now, lockedUntil: 0, locks: 0 };
    e.failures += 1;
    e.lastAt = now;
    if (e.failures >= limit) {
      const lock = Math.min(this.#o.firstLockMs * 2 ** e.locks, this.#o.maxLockMs);
      e.locks += 1;
      e.lockedUntil = now + lock;
    }
    // Delete + set moves the key to the end: the map's first key is the least recently touched.
    map.delete(key);
    if (map.size >= this.#o.maxEntries) map.delete(map.keys().next().value as string);
    map.set(key, e);
  }
}

/** IPv4 as is (also when IPv4-mapped); IPv6 by its /64 prefix. */
export function ipBucket(ip: string): string {
  const s = ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) return mapped[1]!;
  if (!s.includes(':')) return s;
  const [head = '', tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = s.includes('::') && tail ? tail.split(':') : [];
  const groups = s.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => (g.replace(/^0+/, '') || '0')).join(':')}::/64`;
}
