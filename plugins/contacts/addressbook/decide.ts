import type { Decider } from '../../../core/events/handle-command.ts';
import { ConflictError, LimitExceededError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { ContactsEvent } from '../events.ts';
import { MAX_BOOK_DESCRIPTION, MAX_BOOK_NAME, MAX_DEAD_PROPS, MAX_DEAD_PROPS_BYTES } from '../limits.ts';
import { evolveBook, initialBook, type BookState } from './state.ts';

export type BookCommand =
  | { type: 'create'; bookId: string; owner: string; slug: string; displayName: string; description: string; props?: Record<string, string> }
  /** Creates the book unless its stream already exists (the lazily made first book). */
  | { type: 'ensure'; bookId: string; owner: string; slug: string; displayName: string; description: string }
  | { type: 'update'; displayName?: string; description?: string; props?: Record<string, string> }
  | { type: 'delete' }
  | { type: 'undelete' };

export const SLUG_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
/** Slugs the home uses for collections that are not the user's own books. */
export const RESERVED_SLUGS = /^(directory|shared-.*)$/;

function checkProps(displayName: string, description: string, props: Record<string, string>) {
  if (displayName.length > MAX_BOOK_NAME) throw new ValidationError(`a name has at most ${MAX_BOOK_NAME} characters`);
  if (description.length > MAX_BOOK_DESCRIPTION) throw new ValidationError(`a description has at most ${MAX_BOOK_DESCRIPTION} characters`);
  const entries = Object.entries(props);
  if (entries.length > MAX_DEAD_PROPS) throw new LimitExceededError(`at most ${MAX_DEAD_PROPS} properties per address book`);
  if (entries.reduce((n, [k, v]) => n + k.length + v.length, 0) > MAX_DEAD_PROPS_BYTES) throw new LimitExceededError(`the properties of an address book are limited to ${MAX_DEAD_PROPS_BYTES} bytes`);
}

export function decideBook(command: BookCommand, state: BookState): ContactsEvent[] {
  switch (command.type) {
    case 'ensure':
      if (state) return [];
      return decideBook({ ...command, type: 'create' }, state);
    case 'create': {
      if (state) throw new ConflictError('that address book already exists', 'book_exists');
      if (!SLUG_PATTERN.test(command.slug) || RESERVED_SLUGS.test(command.slug)) throw new ValidationError(`"${command.slug}" cannot name an address book`);
      const displayName = command.displayName.trim() || command.slug;
      const props = command.props ?? {};
      checkProps(displayName, command.description, props);
      return [{ type: 'contacts.AddressBookCreated', data: { bookId: command.bookId, owner: command.owner, slug: command.slug, displayName, description: command.description, props } }];
    }
    case 'update': {
      if (!state || state.deleted) throw new NotFoundError('no such address book');
      const next = {
        displayName: command.displayName === undefined ? state.displayName : command.displayName.trim() || state.slug,
        description: command.description ?? state.description,
        props: command.props ?? state.props,
      };
      checkProps(next.displayName, next.description, next.props);
      if (next.displayName === state.displayName && next.description === state.description && JSON.stringify(next.props) === JSON.stringify(state.props)) return [];
      return [{ type: 'contacts.AddressBookUpdated', data: { bookId: state.bookId, ...next } }];
    }
    case 'delete':
      if (!state || state.deleted) return [];
      return [{ type: 'contacts.AddressBookDeleted', data: { bookId: state.bookId } }];
    case 'undelete':
      if (!state) throw new NotFoundError('no such address book');
      if (!state.deleted) return [];
      return [{ type: 'contacts.AddressBookRestored', data: { bookId: state.bookId, owner: state.owner, slug: state.slug, displayName: state.displayName, description: state.description, props: state.props } }];
  }
}

export const bookDecider: Decider<BookState, BookCommand, ContactsEvent> = {
  initialState: initialBook,
  evolve: evolveBook,
  decide: (c, s) => decideBook(c, s),
};
