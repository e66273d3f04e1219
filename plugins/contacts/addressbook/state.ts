import type { StoredEvent } from '../../../core/events/types.ts';
import type { ContactsEvent } from '../events.ts';

export interface AddressBook {
  bookId: string;
  owner: string;
  slug: string;
  displayName: string;
  description: string;
  /** Dead properties (Clark name → inner XML) a DAV client stored with PROPPATCH. */
  props: Record<string, string>;
  deleted: boolean;
}
export type BookState = AddressBook | undefined;

export const initialBook = (): BookState => undefined;

export function evolveBook(state: BookState, event: StoredEvent): BookState {
  const e = event as unknown as ContactsEvent;
  switch (e.type) {
    case 'contacts.AddressBookCreated':
    case 'contacts.AddressBookRestored':
      return { ...e.data, deleted: false };
    case 'contacts.AddressBookUpdated':
      return state && { ...state, displayName: e.data.displayName, description: e.data.description, props: e.data.props };
    case 'contacts.AddressBookDeleted':
      return state && { ...state, deleted: true };
    default:
      return state;
  }
}
