import { defineProjection } from '../../../core/projections/types.ts';
import type { ContactsEvent } from '../events.ts';

/** contacts_left: shared books a sharee has left (hidden from their home and sidebar). */
export const contactsLeft = defineProjection({
  name: 'contacts.left',
  version: 1,
  handles: ['contacts.SharedBookLeft', 'contacts.SharedBookJoined'],
  async handle(event, db) {
    const e = event as unknown as ContactsEvent;
    if (e.type === 'contacts.SharedBookLeft') {
      await db.insertInto('contacts_left').values({ user_id: e.data.userId, book_id: e.data.bookId }).onConflict((oc) => oc.doNothing()).execute();
    } else if (e.type === 'contacts.SharedBookJoined') {
      await db.deleteFrom('contacts_left').where('user_id', '=', e.data.userId).where('book_id', '=', e.data.bookId).execute();
    }
  },
  async truncate(db) { await db.deleteFrom('contacts_left').execute(); },
});
