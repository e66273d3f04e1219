import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, LimitExceededError, NotFoundError, ValidationError } from '../errors.ts';
import { identityEvent as ev } from './events.ts';
import { spec } from './spec-helpers.ts';
import { MAX_APP_PASSWORDS_PER_USER, userDecider } from './user/decide.ts';

const user = spec(userDecider);
const H = 'scrypt$1024$8$1$c2FsdA$aGFzaA';
const local = ['example.org'];
const alice = ev('identity.UserCreated', { userId: 'U1', email: 'alice@example.org', displayName: 'Alice', role: 'user', passwordHash: H });
const owner = ev('identity.UserCreated', { userId: 'U0', email: 'boss@example.org', displayName: 'Boss', role: 'owner', passwordHash: H });
const create = (over: Partial<{ email: string; role: 'owner' | 'admin' | 'user' | 'guest'; emailInUse: boolean; displayName: string }> = {}) => ({
  type: 'CreateUser' as const, userId: 'U1', email: 'Alice@Example.org', displayName: 'Alice', role: 'user' as const,
  passwordHash: H, localDomains: local, emailInUse: false, ...over,
});

describe('user', () => {
  it('is created with a lowercase address', () => {
    user.given([]).when(create()).then([alice]);
  });

  it('gets the local part as display name when none is given', () => {
    user.given([]).when({ ...create(), displayName: undefined }).then([ev('identity.UserCreated', { userId: 'U1', email: 'alice@example.org', displayName: 'alice', role: 'user', passwordHash: H })]);
  });

  it('refuses a taken address, a bad address, and an outside domain unless a guest', () => {
    user.given([]).when(create({ emailInUse: true })).thenThrows(ConflictError, 'user_exists');
    user.given([alice]).when(create()).thenThrows(ConflictError, 'user_exists');
    for (const bad of ['alice', '@example.org', 'a..b@example.org', 'a b@example.org', `${'a'.repeat(65)}@example.org`]) {
      user.given([]).when(create({ email: bad })).thenThrows(ValidationError);
    }
    user.given([]).when(create({ email: 'alice@elsewhere.net' })).thenThrows(ValidationError);
    user.given([]).when(create({ email: 'Guest@Elsewhere.net', role: 'guest' })).then([
      ev('identity.UserCreated', { userId: 'U1', email: 'guest@elsewhere.net', displayName: 'Alice', role: 'guest', passwordHash: H }),
    ]);
  });

  it('changes password, profile, theme; unchanged values make no event', () => {
    user.given([alice]).when({ type: 'ChangePassword', passwordHash: `${H}x` }).then([ev('identity.PasswordChanged', { userId: 'U1', passwordHash: `${H}x` })]);
    user.given([alice]).when({ type: 'UpdateProfile', displayName: '  Alice A.  ' }).then([ev('identity.ProfileUpdated', { userId: 'U1', displayName: 'Alice A.' })]);
    user.given([alice]).when({ type: 'UpdateProfile', displayName: 'Alice' }).thenNothing();
    user.given([alice]).when({ type: 'UpdateProfile', displayName: 'a\nb' }).thenThrows(ValidationError);
    user.given([alice]).when({ type: 'UpdateProfile', displayName: ' ' }).thenThrows(ValidationError);
    user.given([alice]).when({ type: 'ChangeTheme', theme: 'dark' }).then([ev('identity.ThemeChanged', { userId: 'U1', theme: 'dark' })]);
    user.given([alice]).when({ type: 'ChangeTheme', theme: 'auto' }).thenNothing();
  });

  it('never leaves the organization without an owner', () => {
    user.given([owner]).when({ type: 'ChangeRole', role: 'admin', otherOwners: 0, localDomains: local }).thenThrows(ForbiddenError, 'last_owner');
    user.given([owner]).when({ type: 'RemoveUser', otherOwners: 0 }).thenThrows(ForbiddenError, 'last_owner');
    user.given([owner]).when({ type: 'ChangeRole', role: 'admin', otherOwners: 1, localDomains: local }).then([ev('identity.RoleChanged', { userId: 'U0', role: 'admin' })]);
    user.given([owner]).when({ type: 'RemoveUser', otherOwners: 1 }).then([ev('identity.UserRemoved', { userId: 'U0', email: 'boss@example.org' })]);
    user.given([alice]).when({ type: 'RemoveUser', otherOwners: 0 }).then([ev('identity.UserRemoved', { userId: 'U1', email: 'alice@example.org' })]);
  });

  it('changes roles; a guest with an outside address cannot become a member', () => {
    user.given([alice]).when({ type: 'ChangeRole', role: 'admin', otherOwners: 1, localDomains: local }).then([ev('identity.RoleChanged', { userId: 'U1', role: 'admin' })]);
    user.given([alice]).when({ type: 'ChangeRole', role: 'user', otherOwners: 1, localDomains: local }).thenNothing();
    user.given([alice]).when({ type: 'ChangeRole', role: 'root' as never, otherOwners: 1, localDomains: local }).thenThrows(ValidationError);
    const guest = ev('identity.UserCreated', { userId: 'G1', email: 'g@elsewhere.net', displayName: 'G', role: 'guest', passwordHash: H });
    user.given([guest]).when({ type: 'ChangeRole', role: 'user', otherOwners: 1, localDomains: local }).thenThrows(ValidationError);
  });

  it('refuses everything once removed, and for a user that never existed', () => {
    const removed = [alice, ev('identity.UserRemoved', { userId: 'U1', email: 'alice@example.org' })];
    user.given(removed).when({ type: 'ChangePassword', passwordHash: H }).thenThrows(NotFoundError, 'user_not_found');
    user.given(removed).when({ type: 'RemoveUser', otherOwners: 1 }).thenThrows(NotFoundError, 'user_not_found');
    user.given([]).when({ type: 'ChangeTheme', theme: 'dark' }).thenThrows(NotFoundError, 'user_not_found');
    expect(user.given(removed).state().removed).toBe(true);
  });

  it('creates and revokes app passwords', () => {
    const ap = (id: string) => ev('identity.AppPasswordCreated', { userId: 'U1', appPasswordId: id, label: 'Phone', hash: 'hmac-sha256$s$h' });
    user.given([alice]).when({ type: 'CreateAppPassword', appPasswordId: 'A1', label: ' Phone ', hash: 'hmac-sha256$s$h' }).then([ap('A1')]);
    user.given([alice]).when({ type: 'CreateAppPassword', appPasswordId: 'A1', label: '', hash: 'hmac-sha256$s$h' }).thenThrows(ValidationError);
    user.given([alice, ap('A1')]).when({ type: 'RevokeAppPassword', appPasswordId: 'A1' }).then([ev('identity.AppPasswordRevoked', { userId: 'U1', appPasswordId: 'A1' })]);
    user.given([alice, ap('A1')]).when({ type: 'RevokeAppPassword', appPasswordId: 'A2' }).thenThrows(NotFoundError, 'app_password_not_found');
    const revokedA1 = ev('identity.AppPasswordRevoked', { userId: 'U1', appPasswordId: 'A1' });
    user.given([alice, ap('A1'), revokedA1]).when({ type: 'RevokeAppPassword', appPasswordId: 'A1' }).thenThrows(NotFoundError);
    user.given([alice, ap('A1'), ap('A2'), ap('A3'), revokedA1]).when({ type: 'RevokeAllAppPasswords' }).then([
      ev('identity.AppPasswordRevoked', { userId: 'U1', appPasswordId: 'A2' }),
      ev('identity.AppPasswordRevoked', { userId: 'U1', appPasswordId: 'A3' }),
    ]);
    user.given([alice]).when({ type: 'RevokeAllAppPasswords' }).thenNothing();
  });

  it('caps the number of app passwords', () => {
    const many = Array.from({ length: MAX_APP_PASSWORDS_PER_USER }, (_, i) => ev('identity.AppPasswordCreated', { userId: 'U1', appPasswordId: `A${i}`, label: 'x', hash: 'hmac-sha256$s$h' }));
    user.given([alice, ...many]).when({ type: 'CreateAppPassword', appPasswordId: 'Z', label: 'one more', hash: 'hmac-sha256$s$h' }).thenThrows(LimitExceededError, 'too_many_app_passwords');
  });
});
