// Who sees which address book, and with which right. The owner holds 'owner'; others
// hold the core grant on `addressbook:<bookId>` (read = read-only, write = read-write,
// share = administration: may share further and rename). The directory is read-only
// for every member of the organization.
import type { Kysely } from 'kysely';
import type { DavRight } from '../../core/dav/types.ts';
import { ForbiddenError, NotFoundError } from '../../core/errors.ts';
import type { AuthService, SessionUser } from '../../core/identity/auth-service.ts';
import { BOOK_RESOURCE_PREFIX, bookResource } from './events.ts';

export const DIRECTORY_ID = 'directory';

export interface BookRow {
  book_id: string; owner: string; slug: string; display_name: string; description: string; props: string;
  position: number; created_at: string; updated_at: string; deleted_at: string | null;
}

export interface BookView {
  id: string;
  owner: string;
  slug: string;
  displayName: string;
  description: string;
  props: Record<string, string>;
  position: number;
  right: DavRight;
  kind: 'own' | 'shared' | 'directory';
  /** Shared books only: the sharee chose to hide it. */
  left?: boolean;
}

export const RIGHT_ORDER: Record<DavRight, number> = { read: 1, write: 2, share: 3, owner: 4 };
export const hasRight = (held: DavRight, need: DavRight) => RIGHT_ORDER[held] >= RIGHT_ORDER[need];

export function bookView(row: BookRow, right: DavRight, kind: 'own' | 'shared', left = false): BookView {
  return {
    id: row.book_id, owner: row.owner, slug: row.slug, displayName: row.display_name, description: row.description,
    props: JSON.parse(row.props) as Record<string, string>, position: Number(row.position), right, kind, ...(kind === 'shared' ? { left } : {}),
  };
}

export function createAccess(deps: { db: Kysely<any>; auth: AuthService }) {
  const { db, auth } = deps;

  async function directoryView(): Promise<BookView> {
    const r = await db.selectFrom('contacts_directory').select((eb) => eb.fn.max<number>('position').as('p')).executeTakeFirst();
    return { id: DIRECTORY_ID, owner: '', slug: 'directory', displayName: 'Organization directory', description: 'Everyone in the organization (read-only).', props: {}, position: Number(r?.p ?? 0), right: 'read', kind: 'directory' };
  }

  async function bookRow(bookId: string): Promise<BookRow | undefined> {
    return (await db.selectFrom('contacts_books').selectAll().where('book_id', '=', bookId).executeTakeFirst()) as BookRow | undefined;
  }

  /** The book as the user sees it, or undefined when it does not exist or they hold no right on it. */
  async function access(user: SessionUser, bookId: string): Promise<BookView | undefined> {
    if (bookId === DIRECTORY_ID) return directoryView();
    const row = await bookRow(bookId);
    if (!row || row.deleted_at) return undefined;
    if (row.owner === user.id) return bookView(row, 'owner', 'own');
    const right = await auth.rightOn(user, bookResource(bookId));
    if (!right) return undefined;
    const left = await db.selectFrom('contacts_left').select('book_id').where('user_id', '=', user.id).where('book_id', '=', bookId).executeTakeFirst();
    return bookView(row, right, 'shared', left !== undefined);
  }

  /** Not found for books the user cannot see (no hint that they exist), forbidden for too small a right. */
  async function requireAccess(user: SessionUser, bookId: string, need: DavRight): Promise<BookView> {
    const b = await access(user, bookId);
    if (!b) throw new NotFoundError('no such address book');
    if (!hasRight(b.right, need)) {
      throw new ForbiddenError(b.kind === 'directory' ? 'the organization directory is read-only' : need === 'write' ? 'this address book is shared with you read-only' : 'you cannot manage this address book');
    }
    return b;
  }

  /** The user's own live books, then the books shared with them (left ones flagged). */
  async function visibleBooks(user: SessionUser): Promise<{ own: BookView[]; shared: BookView[] }> {
    const own = (await db.selectFrom('contacts_books').selectAll().where('owner', '=', user.id).where('deleted_at', 'is', null).orderBy('created_at').execute()) as BookRow[];
    const grants = (await auth.resourcesFor(user, BOOK_RESOURCE_PREFIX)).filter((g) => g.resource.startsWith(BOOK_RESOURCE_PREFIX));
    const ids = grants.map((g) => g.resource.slice(BOOK_RESOURCE_PREFIX.length));
    let shared: BookView[] = [];
    if (ids.length > 0) {
      const rows = (await db.selectFrom('contacts_books').selectAll().where('book_id', 'in', ids).where('deleted_at', 'is', null).where('owner', '!=', user.id).orderBy('display_name').execute()) as BookRow[];
      const left = new Set((await db.selectFrom('contacts_left').select('book_id').where('user_id', '=', user.id).execute()).map((r) => r.book_id as string));
      const rights = new Map(grants.map((g) => [g.resource.slice(BOOK_RESOURCE_PREFIX.length), g.right]));
      shared = rows.map((r) => bookView(r, rights.get(r.book_id)!, 'shared', left.has(r.book_id)));
    }
    return { own: own.map((r) => bookView(r, 'owner', 'own')), shared };
  }

  return { access, requireAccess, visibleBooks, directoryView, bookRow };
}

export type ContactsAccess = ReturnType<typeof createAccess>;
