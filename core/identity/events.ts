// identity.* events: the organization, its domains, users (with their app
// passwords), groups and grants. Payloads are plain JSON and carry the ids of the
// aggregate they belong to, so projections never parse stream names. Time is in the
// metadata, never in the payload.
//
// Streams:
//   identity-org:main                      organization, retention, domains
//   identity-user:<user id>                a user, her password, profile, role, app passwords
//   identity-group:<group id>              a group and its members
//   identity-grant:<resource, url-encoded> who holds which right on one resource
import { z } from 'zod';
import type { NewEvent, StoredEvent } from '../events/types.ts';
import { MAX_APP_PASSWORD_LABEL_LENGTH, MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, MAX_GROUP_NAME_LENGTH, MAX_RESOURCE_LENGTH, MAX_RETENTION_DAYS } from './validation.ts';

export const ORG_STREAM = 'identity-org:main';
export const userStream = (userId: string): string => `identity-user:${userId}`;
export const groupStream = (groupId: string): string => `identity-group:${groupId}`;
/** Resource ids are printable ASCII (see checkResource); percent-encoding keeps the stream id URL-safe. */
export const grantStream = (resource: string): string => `identity-grant:${encodeURIComponent(resource)}`;

const id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
const email = z.string().min(3).max(MAX_EMAIL_LENGTH);
const domain = z.string().min(1).max(253);
const role = z.enum(['owner', 'admin', 'user', 'guest']);
const theme = z.enum(['light', 'dark', 'auto']);
const right = z.enum(['read', 'write', 'share']);
const passwordHash = z.string().startsWith('scrypt$').max(512);
const appPasswordHash = z.string().startsWith('hmac-sha256$').max(512);
const resource = z.string().min(3).max(MAX_RESOURCE_LENGTH);
export const principalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), id }),
  z.strictObject({ kind: z.literal('group'), id }),
  z.strictObject({ kind: z.literal('org') }),
]);

const schemas = {
  'identity.OrganizationCreated': z.strictObject({ orgId: id, name: z.string().min(1).max(253), retentionDays: z.number().int().min(0).max(MAX_RETENTION_DAYS) }),
  'identity.RetentionChanged': z.strictObject({ retentionDays: z.number().int().min(0).max(MAX_RETENTION_DAYS) }),
  'identity.DomainAdded': z.strictObject({ domain }),
  'identity.DomainRemoved': z.strictObject({ domain }),

  'identity.UserCreated': z.strictObject({ userId: id, email, displayName: z.string().min(1).max(MAX_DISPLAY_NAME_LENGTH * 2), role, passwordHash }),
  'identity.PasswordChanged': z.strictObject({ userId: id, passwordHash }),
  'identity.ProfileUpdated': z.strictObject({ userId: id, displayName: z.string().min(1).max(MAX_DISPLAY_NAME_LENGTH * 2) }),
  'identity.ThemeChanged': z.strictObject({ userId: id, theme }),
  'identity.RoleChanged': z.strictObject({ userId: id, role }),
  'identity.UserRemoved': z.strictObject({ userId: id, email }),
  'identity.AppPasswordCreated': z.strictObject({ userId: id, appPasswordId: id, label: z.string().min(1).max(MAX_APP_PASSWORD_LABEL_LENGTH * 2), hash: appPasswordHash }),
  'identity.AppPasswordRevoked': z.strictObject({ userId: id, appPasswordId: id }),

  'identity.GroupCreated': z.strictObject({ groupId: id, name: z.string().min(1).max(MAX_GROUP_NAME_LENGTH * 2) }),
  'identity.GroupMemberAdded': z.strictObject({ groupId: id, userId: id }),
  'identity.GroupMemberRemoved': z.strictObject({ groupId: id, userId: id }),

  'identity.AccessGranted': z.strictObject({ resource, principal: principalSchema, right }),
  'identity.AccessRevoked': z.strictObject({ resource, principal: principalSchema }),
} as const;

/** Every identity event type with its payload schema (register under owner 'identity'). */
export const identityEventTypes: Record<string, z.ZodType> = schemas;

type Schemas = typeof schemas;
export type IdentityEventType = keyof Schemas;
export type IdentityEventData<T extends IdentityEventType> = z.infer<Schemas[T]>;
/** An identity event about to be appended. */
export type IdentityEvent = { [T in IdentityEventType]: NewEvent<T, IdentityEventData<T>> }[IdentityEventType];
/** An identity event read from the log; narrow it with a switch on `type`. */
export type IdentityStoredEvent = { [T in IdentityEventType]: StoredEvent<T, IdentityEventData<T>> }[IdentityEventType];

export type PrincipalData = z.infer<typeof principalSchema>;

/** Builds an event with its payload checked against the type at compile time. */
export function identityEvent<T extends IdentityEventType>(type: T, data: IdentityEventData<T>): NewEvent<T, IdentityEventData<T>> {
  return { type, data };
}

/** Views any stored event as an identity event (evolve ignores the types it does not know). */
export function asIdentityEvent(event: StoredEvent): IdentityStoredEvent {
  return event as IdentityStoredEvent;
}
