import { z } from 'zod';
import { MAX_BOOK_DESCRIPTION, MAX_BOOK_NAME, MAX_CARD_BYTES } from './limits.ts';

const id = z.string().min(1).max(200);
const slug = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/);
/** Dead properties set by PROPPATCH: Clark name → serialized inner XML. */
const deadProps = z.record(z.string().max(500), z.string().max(32 * 1024));
const book = {
  bookId: id, owner: id, slug,
  displayName: z.string().max(MAX_BOOK_NAME),
  description: z.string().max(MAX_BOOK_DESCRIPTION),
  props: deadProps,
};
const kind = z.enum(['individual', 'group']);

export const contactsEvents = {
  'contacts.AddressBookCreated': z.strictObject(book),
  /** Full replacement of the book's editable properties. */
  'contacts.AddressBookUpdated': z.strictObject({ bookId: id, displayName: book.displayName, description: book.description, props: deadProps }),
  'contacts.AddressBookDeleted': z.strictObject({ bookId: id }),
  /** A deleted book brought back by a restore, with the properties it had. */
  'contacts.AddressBookRestored': z.strictObject(book),
  /**
   * A card created or replaced (DAV PUT, form, import, restore, undelete): the vCard as
   * stored, plus the few fields a restore summary or a list needs without parsing.
   */
  'contacts.CardPut': z.strictObject({
    bookId: id, cardId: id, name: z.string().min(1).max(500), uid: z.string().max(1000), kind, fn: z.string().max(1000),
    vcard: z.string().max(MAX_CARD_BYTES),
  }),
  'contacts.CardDeleted': z.strictObject({ bookId: id, cardId: id, name: z.string().min(1).max(500) }),
  /** A sharee hid a book shared with them ("leave"); Joined shows it again. */
  'contacts.SharedBookLeft': z.strictObject({ userId: id, bookId: id }),
  'contacts.SharedBookJoined': z.strictObject({ userId: id, bookId: id }),
};

export type ContactsEventType = keyof typeof contactsEvents;
export type ContactsEvent = { [K in ContactsEventType]: { type: K; data: z.infer<(typeof contactsEvents)[K]> } }[ContactsEventType];
export type EventData<K extends ContactsEventType> = z.infer<(typeof contactsEvents)[K]>;

export const bookStream = (bookId: string) => `contacts-addressbook:${bookId}`;
/** One stream per card, grouped under its book so a book's cards are a stream prefix. */
export const cardStream = (bookId: string, cardId: string) => `contacts-card:${bookId}:${cardId}`;
export const bookCardStreams = (bookId: string) => `contacts-card:${bookId}:*`;
export const memberStream = (userId: string) => `contacts-sharee:${userId}`;
/** Grants on a book use this resource id with core's rights (read, write, share). */
export const bookResource = (bookId: string) => `addressbook:${bookId}`;
export const BOOK_RESOURCE_PREFIX = 'addressbook:';
