// What the CLI, the account/admin pages and plugins can ask of identity. Every
// mutating call is a command appended as identity.* events (source in `by`).
import type { EventSource } from '../events/types.ts';
import type { Principal, Right, Role, SessionUser, Theme } from './auth-service.ts';

/** Who is acting, for the events' metadata. */
export interface Actor {
  actor: string;
  source: EventSource;
  requestId?: string;
}

export interface AppPasswordInfo {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | undefined;
  lastUsedIp: string | undefined;
  lastUsedProtocol: string | undefined;
}

export interface GroupInfo { id: string; name: string; members: string[] }

export interface SessionInfo {
  sessionId: string;
  user: SessionUser;
  /** Per-session secret the CSRF token is derived from. */
  csrfSecret: string;
}

export interface IdentityApi {
  /**
   * Creates the organization, its first domain (the hostname) and an owner with a
   * random password when the data directory is empty; does nothing otherwise.
   */
  initialize(opts: { hostname: string; retentionDays: number }, by: Actor): Promise<{ created: boolean; owner?: { email: string; password: string } }>;
  organization(): Promise<{ id: string; name: string; retentionDays: number; createdAt: string } | undefined>;
  setRetention(days: number, by: Actor): Promise<void>;

  addDomain(domain: string, by: Actor): Promise<void>;
  removeDomain(domain: string, by: Actor): Promise<void>;
  listDomains(): Promise<string[]>;

  /** The email's domain must be a local domain. A password is generated when none is given. */
  addUser(input: { email: string; password?: string; displayName?: string; role?: Role }, by: Actor): Promise<{ user: SessionUser; password: string }>;
  listUsers(): Promise<SessionUser[]>;
  setPassword(userId: string, password: string, by: Actor): Promise<void>;
  /** Checks the current password first (account page). */
  changePassword(userId: string, current: string, next: string, by: Actor): Promise<void>;
  removeUser(userId: string, by: Actor): Promise<void>;
  setRole(userId: string, role: Role, by: Actor): Promise<void>;
  updateProfile(userId: string, profile: { displayName: string }, by: Actor): Promise<void>;
  setTheme(userId: string, theme: Theme, by: Actor): Promise<void>;

  /** Returns the password once; only its hash is kept. */
  createAppPassword(userId: string, label: string, by: Actor): Promise<{ id: string; password: string }>;
  listAppPasswords(userId: string): Promise<AppPasswordInfo[]>;
  revokeAppPassword(userId: string, appPasswordId: string, by: Actor): Promise<void>;
  revokeAllAppPasswords(userId: string, by: Actor): Promise<number>;

  createGroup(name: string, by: Actor): Promise<GroupInfo>;
  addGroupMember(groupId: string, userId: string, by: Actor): Promise<void>;
  removeGroupMember(groupId: string, userId: string, by: Actor): Promise<void>;
  listGroups(): Promise<GroupInfo[]>;

  grant(resource: string, principal: Principal, right: Right, by: Actor): Promise<void>;
  revokeGrant(resource: string, principal: Principal, by: Actor): Promise<void>;

  // Browser sessions: plain table, not events (DESIGN.md "Not everything is an event").
  createSession(userId: string, info: { ip: string; userAgent: string }): Promise<{ token: string; sessionId: string }>;
  /** Undefined for unknown, expired or revoked sessions and removed users; refreshes last-seen. */
  resolveSession(token: string): Promise<SessionInfo | undefined>;
  deleteSession(sessionId: string): Promise<void>;
  deleteSessionsOf(userId: string, exceptSessionId?: string): Promise<number>;
}
