import { defineProjection } from '../../../core/projections/types.ts';

type IdentityEvent =
  | { type: 'identity.UserCreated'; data: { userId: string; email: string; displayName: string } }
  | { type: 'identity.ProfileUpdated'; data: { userId: string; displayName: string } }
  | { type: 'identity.UserRemoved'; data: { userId: string } };

/**
 * contacts_directory: the organization's users as the read-only "directory" address book.
 * Fed by identity's events (plugins talk through events), with removed users kept as
 * tombstones so DAV clients learn of removals through sync-collection.
 */
export const contactsDirectory = defineProjection({
  name: 'contacts.directory',
  version: 1,
  handles: ['identity.UserCreated', 'identity.ProfileUpdated', 'identity.UserRemoved'],
  async handle(event, db) {
    const e = event as unknown as IdentityEvent;
    const time = event.metadata.time;
    const position = event.position;
    switch (e.type) {
      case 'identity.UserCreated':
        await db.insertInto('contacts_directory').values({ user_id: e.data.userId, email: e.data.email, display_name: e.data.displayName, position, last_modified: time, deleted_at: null })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ email: e.data.email, display_name: e.data.displayName, position, last_modified: time, deleted_at: null })).execute();
        return;
      case 'identity.ProfileUpdated':
        await db.updateTable('contacts_directory').set({ display_name: e.data.displayName, position, last_modified: time }).where('user_id', '=', e.data.userId).execute();
        return;
      case 'identity.UserRemoved':
        await db.updateTable('contacts_directory').set({ deleted_at: time, position, last_modified: time }).where('user_id', '=', e.data.userId).execute();
        return;
    }
  },
  async truncate(db) { await db.deleteFrom('contacts_directory').execute(); },
});
