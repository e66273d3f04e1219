// The contract every protocol adapter and plugin uses for logins and rights. The
// implementation lives beside this file; plugins only ever see this interface.

export type Role = 'owner' | 'admin' | 'user' | 'guest';
export type Theme = 'light' | 'dark' | 'auto';
export type Protocol = 'web' | 'imap' | 'smtp' | 'dav' | 'api';
/** Rights on a shared resource, each implying the ones before it. */
export type Right = 'read' | 'write' | 'share';

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  theme: Theme;
}

export interface AuthenticatedUser extends SessionUser {
  /** Set when the secret was an app password rather than the account password. */
  appPasswordId?: string;
}

/** Who a grant is for: one user, a group, or everyone in the organization (guests excluded). */
export type Principal = { kind: 'user'; id: string } | { kind: 'group'; id: string } | { kind: 'org' };

export interface Grant {
  /** Plugin-defined id, e.g. 'calendar:01J…', 'drive-folder:…'. */
  resource: string;
  principal: Principal;
  right: Right;
}

export interface AuthService {
  /**
   * Checks an account password or an app password. Failures are throttled per login and
   * per IP. Throws UnauthorizedError (wrong credentials, removed user) or RateLimitedError.
   * The browser ('web') takes only the account password: a leaked device password must
   * not open the account page where new app passwords are made. Every other protocol
   * takes app passwords and the account password.
   */
  authenticate(login: string, secret: string, ctx: { protocol: Protocol; ip: string }): Promise<AuthenticatedUser>;
  userById(id: string): Promise<SessionUser | undefined>;
  userByEmail(email: string): Promise<SessionUser | undefined>;
  listUsers(): Promise<SessionUser[]>;
  /** Local mail domains of the organization. */
  domains(): Promise<string[]>;
  isAdmin(user: SessionUser): boolean;
  /** Group ids the user belongs to. */
  groupsOf(userId: string): Promise<string[]>;
  /** The highest right the user holds on a resource (directly, through a group or the org), or undefined. */
  rightOn(user: SessionUser, resource: string): Promise<Right | undefined>;
  /** Throws ForbiddenError unless the user holds at least `right` on the resource. */
  requireRight(user: SessionUser, resource: string, right: Right): Promise<void>;
  /** Grants on a resource (for sharing dialogs). */
  grantsOn(resource: string): Promise<Grant[]>;
  /**
   * Resources whose id starts with `prefix` (e.g. 'calendar:') on which the user holds a
   * right (directly, through a group or the organization), with the highest right each.
   */
  resourcesFor(user: SessionUser, prefix: string): Promise<{ resource: string; right: Right }[]>;
  /**
   * A short fingerprint of the user's account password (never the hash itself), which
   * changes when the password changes; undefined when the user is gone. Lets a protocol
   * cache a verified account password without outliving a password change.
   */
  credentialStamp(userId: string): Promise<string | undefined>;
  /** Retention window of the organization in days (0 = restore off). */
  retentionDays(): Promise<number>;
}

export const RIGHT_RANK: Record<Right, number> = { read: 1, write: 2, share: 3 };
