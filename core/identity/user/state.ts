import type { StoredEvent } from '../../events/types.ts';
import type { Role, Theme } from '../auth-service.ts';
import { asIdentityEvent } from '../events.ts';

export interface AppPasswordState {
  id: string;
  label: string;
  hash: string;
  createdAt: string;
}

export interface UserState {
  exists: boolean;
  removed: boolean;
  userId: string | undefined;
  email: string | undefined;
  displayName: string | undefined;
  role: Role | undefined;
  theme: Theme;
  passwordHash: string | undefined;
  /** Active (not revoked) app passwords by id. */
  appPasswords: Readonly<Record<string, AppPasswordState>>;
}

export function initialUserState(): UserState {
  return {
    exists: false, removed: false, userId: undefined, email: undefined, displayName: undefined,
    role: undefined, theme: 'auto', passwordHash: undefined, appPasswords: {},
  };
}

export function evolveUser(state: UserState, event: StoredEvent): UserState {
  const e = asIdentityEvent(event);
  switch (e.type) {
    case 'identity.UserCreated':
      return {
        ...state, exists: true, userId: e.data.userId, email: e.data.email, displayName: e.data.displayName,
        role: e.data.role, passwordHash: e.data.passwordHash,
      };
    case 'identity.PasswordChanged':
      return { ...state, passwordHash: e.data.passwordHash };
    case 'identity.ProfileUpdated':
      return { ...state, displayName: e.data.displayName };
    case 'identity.ThemeChanged':
      return { ...state, theme: e.data.theme };
    case 'identity.RoleChanged':
      return { ...state, role: e.data.role };
    case 'identity.UserRemoved':
      return { ...state, removed: true, appPasswords: {} };
    case 'identity.AppPasswordCreated':
      return {
        ...state,
        appPasswords: { ...state.appPasswords, [e.data.appPasswordId]: { id: e.data.appPasswordId, label: e.data.label, hash: e.data.hash, createdAt: e.metadata.time } },
      };
    case 'identity.AppPasswordRevoked': {
      const { [e.data.appPasswordId]: _revoked, ...rest } = state.appPasswords;
      return { ...state, appPasswords: rest };
    }
    default:
      return state;
  }
}
