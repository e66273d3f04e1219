// Identity: the organization, domains, users, roles, groups, grants, sessions and app
// passwords. Plugins see only AuthService (auth-service.ts); the CLI and the admin and
// account pages use IdentityApi (identity-api.ts).
export type {
  AuthService, AuthenticatedUser, Grant, Principal, Protocol, Right, Role, SessionUser, Theme,
} from './auth-service.ts';
export { RIGHT_RANK } from './auth-service.ts';
export type { Actor, AppPasswordInfo, GroupInfo, IdentityApi, SessionInfo } from './identity-api.ts';
export {
  ORG_STREAM, grantStream, groupStream, identityEventTypes, userStream,
  type IdentityEvent, type IdentityEventData, type IdentityEventType, type IdentityStoredEvent,
} from './events.ts';
export { identityMigrations } from './migrations.ts';
export { identityProjections } from './projections.ts';
export { APP_PASSWORD_USAGE_INTERVAL_MS, createIdentity, type Identity, type IdentityDeps } from './identity-service.ts';
export {
  GENERATED_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, SCRYPT_DEFAULT_COST,
  generateAppPassword, generatePassword, hashAppPassword, hashPassword, validatePassword, verifyAppPassword, verifyPassword,
} from './passwords.ts';
export { SESSION_IDLE_TIMEOUT_MS, SESSION_LIFETIME_MS, SESSION_TOUCH_INTERVAL_MS } from './sessions.ts';
export { LoginThrottle, type ThrottleOptions } from './throttle.ts';
export { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, normalizeDomain, normalizeEmail } from './validation.ts';
export { organizationDecider, type OrganizationCommand } from './organization/decide.ts';
export { userDecider, MAX_APP_PASSWORDS_PER_USER, type UserCommand } from './user/decide.ts';
export { groupDecider, type GroupCommand } from './group/decide.ts';
export { grantDecider, type GrantCommand } from './grant/decide.ts';
