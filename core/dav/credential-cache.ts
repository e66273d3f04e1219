// Implementation notes — why DAV remembers verified account passwords.
// DAV clients send HTTP Basic on every request, and a sync is a dozen requests. App
// passwords are checked with one HMAC, but the account password is scrypt (~50–100 ms
// of CPU by design): a calendar client polling with it would keep a core busy. So a
// successful account-password login is remembered for a few minutes, keyed by a hash
// of login and secret (the secret itself is never kept), and every hit is re-checked
// against the user's credential stamp — one indexed read — so a password change or a
// removed user takes effect on the next request. Failures are never cached: they go
// through authenticate() and its throttle every time.
import { createHash, randomBytes } from 'node:crypto';
import type { AuthService, AuthenticatedUser } from '../identity/auth-service.ts';

/** How long a verified account password is trusted without scrypt. */
export const CREDENTIAL_CACHE_TTL_MS = 5 * 60_000;
/** Entries kept at most: one per active device, bounded so a flood of logins cannot grow memory. */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 10_000;

export class CredentialCache {
  // A per-process pepper: the keys are useless outside this process.
  private readonly pepper = randomBytes(16);
  private readonly entries = new Map<string, { userId: string; stamp: string; expires: number }>();

  constructor(private readonly auth: AuthService, private readonly now: () => number = Date.now) {}

  async authenticate(login: string, secret: string, ctx: { ip: string }): Promise<AuthenticatedUser> {
    const key = createHash('sha256').update(this.pepper).update(login.toLowerCase()).update('\0').update(secret).digest('base64url');
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) {
      const [stamp, user] = await Promise.all([this.auth.credentialStamp(hit.userId), this.auth.userById(hit.userId)]);
      if (stamp === hit.stamp && user) return user;
    }
    this.entries.delete(key);
    const user = await this.auth.authenticate(login, secret, { protocol: 'dav', ip: ctx.ip });
    if (user.appPasswordId === undefined) {
      const stamp = await this.auth.credentialStamp(user.id);
      if (stamp) {
        if (this.entries.size >= CREDENTIAL_CACHE_MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(key, { userId: user.id, stamp, expires: this.now() + CREDENTIAL_CACHE_TTL_MS });
      }
    }
    return user;
  }
}
