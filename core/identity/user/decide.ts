import { ConflictError, ForbiddenError, LimitExceededError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Decider } from '../../events/handle-command.ts';
import type { EventMetadata } from '../../events/types.ts';
import type { Role, Theme } from '../auth-service.ts';
import { identityEvent, type IdentityEvent } from '../events.ts';
import {
  checkRole, checkTheme, emailDomain, normalizeAppPasswordLabel, normalizeDisplayName, normalizeEmail,
} from '../validation.ts';
import { evolveUser, initialUserState, type UserState } from './state.ts';

/**
 * Every login over IMAP/SMTP/DAV compares the secret with each of the user's app
 * passwords; 50 keeps that cheap and is far more devices than anyone has.
 */
export const MAX_APP_PASSWORDS_PER_USER = 50;

// Facts from other aggregates (read models) arrive in the command, so the rules that
// need them stay here, pure and testable: localDomains (organization), emailInUse
// (users), otherOwners (users: active owners other than this one).
export type UserCommand =
  | { type: 'CreateUser'; userId: string; email: string; displayName?: string; role: Role; passwordHash: string; localDomains: readonly string[]; emailInUse: boolean }
  | { type: 'ChangePassword'; passwordHash: string }
  | { type: 'UpdateProfile'; displayName: string }
  | { type: 'ChangeTheme'; theme: Theme }
  | { type: 'ChangeRole'; role: Role; otherOwners: number; localDomains: readonly string[] }
  | { type: 'RemoveUser'; otherOwners: number }
  | { type: 'CreateAppPassword'; appPasswordId: string; label: string; hash: string }
  | { type: 'RevokeAppPassword'; appPasswordId: string }
  | { type: 'RevokeAllAppPasswords' };

type Cmd<T extends UserCommand['type']> = Extract<UserCommand, { type: T }>;
type ActiveUser = UserState & { userId: string; email: string; role: Role };

function requireUser(state: UserState): ActiveUser {
  if (!state.exists || state.removed || !state.userId || !state.email || !state.role) throw new NotFoundError('no such user', 'user_not_found');
  return state as ActiveUser;
}

function checkLocal(email: string, role: Role, localDomains: readonly string[]): void {
  if (role !== 'guest' && !localDomains.includes(emailDomain(email))) {
    throw new ValidationError(`${emailDomain(email)} is not a domain of this organization (only guests may have an outside address)`, { field: 'email', code: 'domain_not_local' });
  }
}

function wouldLeaveNoOwner(state: ActiveUser, otherOwners: number): boolean {
  return state.role === 'owner' && otherOwners <= 0;
}

export function createUser(c: Cmd<'CreateUser'>, state: UserState): IdentityEvent[] {
  if (state.exists) throw new ConflictError('a user with this id already exists', 'user_exists');
  const email = normalizeEmail(c.email);
  const role = checkRole(c.role);
  if (c.emailInUse) throw new ConflictError(`a user with the address ${email} already exists`, 'user_exists');
  checkLocal(email, role, c.localDomains);
  const displayName = normalizeDisplayName(c.displayName?.trim() ? c.displayName : email.slice(0, email.lastIndexOf('@')));
  return [identityEvent('identity.UserCreated', { userId: c.userId, email, displayName, role, passwordHash: c.passwordHash })];
}

export function changePassword(c: Cmd<'ChangePassword'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  return [identityEvent('identity.PasswordChanged', { userId: u.userId, passwordHash: c.passwordHash })];
}

export function updateProfile(c: Cmd<'UpdateProfile'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  const displayName = normalizeDisplayName(c.displayName);
  if (displayName === u.displayName) return [];
  return [identityEvent('identity.ProfileUpdated', { userId: u.userId, displayName })];
}

export function changeTheme(c: Cmd<'ChangeTheme'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  const theme = checkTheme(c.theme);
  if (theme === u.theme) return [];
  return [identityEvent('identity.ThemeChanged', { userId: u.userId, theme })];
}

export function changeRole(c: Cmd<'ChangeRole'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  const role = checkRole(c.role);
  if (role === u.role) return [];
  if (role !== 'owner' && wouldLeaveNoOwner(u, c.otherOwners)) throw new ForbiddenError('the last owner cannot be demoted; make someone else owner first', 'last_owner');
  checkLocal(u.email, role, c.localDomains);
  return [identityEvent('identity.RoleChanged', { userId: u.userId, role })];
}

export function removeUser(c: Cmd<'RemoveUser'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  if (wouldLeaveNoOwner(u, c.otherOwners)) throw new ForbiddenError('the last owner cannot be removed; make someone else owner first', 'last_owner');
  return [identityEvent('identity.UserRemoved', { userId: u.userId, email: u.email })];
}

export function createAppPassword(c: Cmd<'CreateAppPassword'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  const label = normalizeAppPasswordLabel(c.label);
  if (c.appPasswordId in u.appPasswords) throw new ConflictError('an app password with this id already exists', 'app_password_exists');
  if (Object.keys(u.appPasswords).length >= MAX_APP_PASSWORDS_PER_USER) {
    throw new LimitExceededError(`at most ${MAX_APP_PASSWORDS_PER_USER} app passwords per user; revoke unused ones first`, 'too_many_app_passwords', 409);
  }
  return [identityEvent('identity.AppPasswordCreated', { userId: u.userId, appPasswordId: c.appPasswordId, label, hash: c.hash })];
}

export function revokeAppPassword(c: Cmd<'RevokeAppPassword'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  if (!(c.appPasswordId in u.appPasswords)) throw new NotFoundError('no such app password', 'app_password_not_found');
  return [identityEvent('identity.AppPasswordRevoked', { userId: u.userId, appPasswordId: c.appPasswordId })];
}

export function revokeAllAppPasswords(_c: Cmd<'RevokeAllAppPasswords'>, state: UserState): IdentityEvent[] {
  const u = requireUser(state);
  return Object.keys(u.appPasswords).sort().map((appPasswordId) => identityEvent('identity.AppPasswordRevoked', { userId: u.userId, appPasswordId }));
}

export function decideUser(command: UserCommand, state: UserState, _metadata?: EventMetadata): IdentityEvent[] {
  switch (command.type) {
    case 'CreateUser': return createUser(command, state);
    case 'ChangePassword': return changePassword(command, state);
    case 'UpdateProfile': return updateProfile(command, state);
    case 'ChangeTheme': return changeTheme(command, state);
    case 'ChangeRole': return changeRole(command, state);
    case 'RemoveUser': return removeUser(command, state);
    case 'CreateAppPassword': return createAppPassword(command, state);
    case 'RevokeAppPassword': return revokeAppPassword(command, state);
    case 'RevokeAllAppPasswords': return revokeAllAppPasswords(command, state);
  }
}

export const userDecider: Decider<UserState, UserCommand, IdentityEvent> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};
