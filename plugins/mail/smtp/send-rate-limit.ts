// How much one user may send out per hour. A stolen password or app password is most
// often used to send spam through the account; a cap on remote recipients per hour
// keeps the damage (and the domain's reputation loss) small while normal use never
// meets it. Mail between local users is not counted. In memory, like login throttling:
// it is not user data, and a restart forgetting the last hour is harmless.

/** Remote recipients one user may send to per hour (config `mail.sendLimitPerHour`). */
export const DEFAULT_REMOTE_RECIPIENTS_PER_HOUR = 1000;
const WINDOW_MS = 3600_000;
/** The window is kept as per-minute buckets: 60 numbers per active sender. */
const BUCKET_MS = 60_000;

export class SendRateLimiter {
  private readonly buckets = new Map<string, Map<number, number>>();

  constructor(private readonly perHour = DEFAULT_REMOTE_RECIPIENTS_PER_HOUR) {}

  /** Counts `n` recipients for the user; false (and nothing counted) when that would exceed the hourly cap. */
  take(userId: string, n: number, now: number): boolean {
    if (n <= 0) return true;
    const current = Math.floor(now / BUCKET_MS);
    let user = this.buckets.get(userId);
    if (!user) this.buckets.set(userId, (user = new Map()));
    let used = 0;
    for (const [bucket, count] of user) {
      if (bucket <= current - WINDOW_MS / BUCKET_MS) user.delete(bucket);
      else used += count;
    }
    if (used + n > this.perHour) return false;
    user.set(current, (user.get(current) ?? 0) + n);
    return true;
  }
}
