// Identity's read models. Inline (updated in the append's transaction, so a login
// right after `user add` sees the user), deterministic (times come from the event's
// metadata), and each writes only its own core_* tables.
//
// A removed user is deleted from core_users (and her app passwords, memberships and
// grants with her): she can no longer log in, her address may be given to someone
// else later, and no query can forget a "removed" filter.
import type { Kysely } from 'kysely';
import type { StoredEvent } from '../events/types.ts';
import { defineProjection, type Projection } from '../projections/types.ts';
import { asIdentityEvent, type IdentityEventType } from './events.ts';

const types = (...t: IdentityEventType[]): IdentityEventType[] => t;

export const organizationProjection = defineProjection({
  name: 'identity.org',
  version: 1,
  handles: types('identity.OrganizationCreated', 'identity.RetentionChanged', 'identity.DomainAdded', 'identity.DomainRemoved'),
  async handle(event: StoredEvent, db: Kysely<any>) {
    const e = asIdentityEvent(event);
    switch (e.type) {
      case 'identity.OrganizationCreated':
        await db.insertInto('core_org').values({ id: e.data.orgId, name: e.data.name, retention_days: e.data.retentionDays, created_at: e.metadata.time }).execute();
        return;
      case 'identity.RetentionChanged':
        await db.updateTable('core_org').set({ retention_days: e.data.retentionDays }).execute();
        return;
      case 'identity.DomainAdded':
        await db.insertInto('core_domains').values({ domain: e.data.domain, added_at: e.metadata.time }).onConflict((oc) => oc.column('domain').doNothing()).execute();
        return;
      case 'identity.DomainRemoved':
        await db.deleteFrom('core_domains').where('domain', '=', e.data.domain).execute();
        return;
      default:
        return;
    }
  },
  async truncate(db) {
    await db.deleteFrom('core_domains').execute();
    await db.deleteFrom('core_org').execute();
  },
});

export const usersProjection = defineProjection({
  name: 'identity.users',
  version: 1,
  handles: types(
    'identity.UserCreated', 'identity.PasswordChanged', 'identity.ProfileUpdated', 'identity.ThemeChanged',
    'identity.RoleChanged', 'identity.UserRemoved', 'identity.AppPasswordCreated', 'identity.AppPasswordRevoked',
  ),
  async handle(event: StoredEvent, db: Kysely<any>) {
    const e = asIdentityEvent(event);
    switch (e.type) {
      case 'identity.UserCreated':
        await db.insertInto('core_users').values({
          id: e.data.userId, email: e.data.email, display_name: e.data.displayName, role: e.data.role,
          theme: 'auto', password_hash: e.data.passwordHash, created_at: e.metadata.time,
        }).execute();
        return;
      case 'identity.PasswordChanged':
        await db.updateTable('core_users').set({ password_hash: e.data.passwordHash }).where('id', '=', e.data.userId).execute();
        return;
      case 'identity.ProfileUpdated':
        await db.updateTable('core_users').set({ display_name: e.data.displayName }).where('id', '=', e.data.userId).execute();
        return;
      case 'identity.ThemeChanged':
        await db.updateTable('core_users').set({ theme: e.data.theme }).where('id', '=', e.data.userId).execute();
        return;
      case 'identity.RoleChanged':
        await db.updateTable('core_users').set({ role: e.data.role }).where('id', '=', e.data.userId).execute();
        return;
      case 'identity.UserRemoved':
        await db.deleteFrom('core_app_passwords').where('user_id', '=', e.data.userId).execute();
        await db.deleteFrom('core_users').where('id', '=', e.data.userId).execute();
        return;
      case 'identity.AppPasswordCreated':
        await db.insertInto('core_app_passwords').values({
          id: e.data.appPasswordId, user_id: e.data.userId, label: e.data.label, hash: e.data.hash, created_at: e.metadata.time,
        }).execute();
        return;
      case 'identity.AppPasswordRevoked':
        await db.deleteFrom('core_app_passwords').where('id', '=', e.data.appPasswordId).where('user_id', '=', e.data.userId).execute();
        return;
      default:
        return;
    }
  },
  async truncate(db) {
    await db.deleteFrom('core_app_passwords').execute();
    await db.deleteFrom('core_users').execute();
  },
});

export const groupsProjection = defineProjection({
  name: 'identity.groups',
  version: 1,
  handles: types('identity.GroupCreated', 'identity.GroupMemberAdded', 'identity.GroupMemberRemoved', 'identity.UserRemoved'),
  async handle(event: StoredEvent, db: Kysely<any>) {
    const e = asIdentityEvent(event);
    switch (e.type) {
      case 'identity.GroupCreated':
        await db.insertInto('core_groups').values({ id: e.data.groupId, name: e.data.name, created_at: e.metadata.time }).execute();
        return;
      case 'identity.GroupMemberAdded':
        await db.insertInto('core_group_members').values({ group_id: e.data.groupId, user_id: e.data.userId, added_at: e.metadata.time })
          .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
        return;
      case 'identity.GroupMemberRemoved':
        await db.deleteFrom('core_group_members').where('group_id', '=', e.data.groupId).where('user_id', '=', e.data.userId).execute();
        return;
      case 'identity.UserRemoved':
        await db.deleteFrom('core_group_members').where('user_id', '=', e.data.userId).execute();
        return;
      default:
        return;
    }
  },
  async truncate(db) {
    await db.deleteFrom('core_group_members').execute();
    await db.deleteFrom('core_groups').execute();
  },
});

export const grantsProjection = defineProjection({
  name: 'identity.grants',
  version: 1,
  handles: types('identity.AccessGranted', 'identity.AccessRevoked', 'identity.UserRemoved'),
  async handle(event: StoredEvent, db: Kysely<any>) {
    const e = asIdentityEvent(event);
    switch (e.type) {
      case 'identity.AccessGranted': {
        const p = e.data.principal;
        await db.insertInto('core_grants').values({
          resource: e.data.resource, principal_kind: p.kind, principal_id: p.kind === 'org' ? '' : p.id, right: e.data.right, granted_at: e.metadata.time,
        }).onConflict((oc) => oc.columns(['resource', 'principal_kind', 'principal_id']).doUpdateSet({ right: e.data.right, granted_at: e.metadata.time })).execute();
        return;
      }
      case 'identity.AccessRevoked': {
        const p = e.data.principal;
        await db.deleteFrom('core_grants').where('resource', '=', e.data.resource)
          .where('principal_kind', '=', p.kind).where('principal_id', '=', p.kind === 'org' ? '' : p.id).execute();
        return;
      }
      case 'identity.UserRemoved':
        await db.deleteFrom('core_grants').where('principal_kind', '=', 'user').where('principal_id', '=', e.data.userId).execute();
        return;
      default:
        return;
    }
  },
  async truncate(db) {
    await db.deleteFrom('core_grants').execute();
  },
});

/** Register each with `projections.add('identity', p)`. */
export const identityProjections: Projection[] = [organizationProjection, usersProjection, groupsProjection, grantsProjection];
