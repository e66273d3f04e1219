import { defineProjection } from '../../../core/projections/types.ts';
import type { ContactsEvent } from '../events.ts';

/** contacts_books: one row per address book (deleted ones kept with deleted_at). Card events move `position` in contacts.cards. */
export const contactsBooks = defineProjection({
  name: 'contacts.books',
  version: 1,
  handles: ['contacts.AddressBookCreated', 'contacts.AddressBookUpdated', 'contacts.AddressBookDeleted', 'contacts.AddressBookRestored'],
  async handle(event, db) {
    const e = event as unknown as ContactsEvent;
    const time = event.metadata.time;
    const position = event.position;
    switch (e.type) {
      case 'contacts.AddressBookCreated':
        await db.insertInto('contacts_books').values({
          book_id: e.data.bookId, owner: e.data.owner, slug: e.data.slug, display_name: e.data.displayName, description: e.data.description,
          props: JSON.stringify(e.data.props), position, created_at: time, updated_at: time, deleted_at: null,
        }).execute();
        return;
      case 'contacts.AddressBookRestored':
        await db.updateTable('contacts_books').set({ display_name: e.data.displayName, description: e.data.description, props: JSON.stringify(e.data.props), position, updated_at: time, deleted_at: null })
          .where('book_id', '=', e.data.bookId).execute();
        return;
      case 'contacts.AddressBookUpdated':
        await db.updateTable('contacts_books').set({ display_name: e.data.displayName, description: e.data.description, props: JSON.stringify(e.data.props), position, updated_at: time })
          .where('book_id', '=', e.data.bookId).execute();
        return;
      case 'contacts.AddressBookDeleted':
        await db.updateTable('contacts_books').set({ deleted_at: time, position, updated_at: time }).where('book_id', '=', e.data.bookId).execute();
        return;
    }
  },
  async truncate(db) { await db.deleteFrom('contacts_books').execute(); },
});
