// The contacts plugin's one write and read path, used by the browser routes, the CardDAV
// backend and (through `contacts.service`) other plugins. Every change is a command on
// a book stream or a card stream; reads come from the contacts_* read models.
import type { Kysely } from 'kysely';
import { DavPreconditionError } from '../../core/dav/errors.ts';
import type { EventLog } from '../../core/events/event-log.ts';
import { handleCommand } from '../../core/events/handle-command.ts';
import type { EventMetadata, NewEvent } from '../../core/events/types.ts';
import { ConflictError, ForbiddenError, LimitExceededError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { AuthService, Principal, Right, SessionUser } from '../../core/identity/auth-service.ts';
import type { IdentityApi } from '../../core/identity/identity-api.ts';
import { newId } from '../../core/ids.ts';
import type { RestorePoint } from '../../core/restore/restore-point.ts';
import { createBookRestore, type RestoreTarget } from './addressbook/restore-book.ts';
import { appendInBatches } from './append-in-batches.ts';
import { bookDecider, RESERVED_SLUGS, SLUG_PATTERN } from './addressbook/decide.ts';
import { cardIdFor } from './card/card-id.ts';
import { cardDecider, type WriteConditions } from './card/decide.ts';
import { etagOf } from './card/state.ts';
import { createAccess, DIRECTORY_ID, type BookView } from './contacts-access.ts';
import { directoryCard } from './directory-card.ts';
import { bookResource, bookStream, cardStream, memberStream } from './events.ts';
import { planImport, type ImportMode, type ImportSummary } from './import/plan-import.ts';
import { LIST_PAGE, MAX_BOOKS_PER_USER, MAX_IMPORT_BYTES, RECENTLY_DELETED_PAGE } from './limits.ts';
import { shareeDecider } from './sharee/decide.ts';
import { buildContactVCard, buildGroupVCard, type ContactInput } from './vcard/build-vcard.ts';
import { cardFields, normalizeUid, type CardFields } from './vcard/card-fields.ts';
import { convertVCard } from './vcard/convert-vcard.ts';
import { parseVCard } from './vcard/parse-vcard.ts';
import { CARDDAV, prepareCard, type PreparedCard } from './vcard/prepare-card.ts';
import { serializeVCard } from './vcard/serialize-vcard.ts';

export { DIRECTORY_ID, type BookView } from './contacts-access.ts';
export type { ContactInput } from './vcard/build-vcard.ts';
export type { ImportMode, ImportSummary } from './import/plan-import.ts';
export type { RestoreSummary, RestoreTarget } from './addressbook/restore-book.ts';

export interface CardRow {
  book_id: string; card_id: string; name: string; uid: string; uid_norm: string; kind: 'individual' | 'group'; fn: string; sort_key: string;
  emails: string; phones: string; org: string; title: string; has_photo: number; vcard: string; size: number;
  position: number; version: number; last_modified: string; deleted_at: string | null;
}

/** A line of the contact list. */
export interface CardSummary {
  bookId: string; cardId: string; name: string; fn: string; kind: 'individual' | 'group';
  emails: string[]; phones: string[]; org: string; title: string; hasPhoto: boolean; lastModified: string; deletedAt: string | null;
}

export interface CardDetail extends CardSummary { uid: string; etag: string; vcard: string; fields: CardFields; groups: { cardId: string; fn: string }[] }

export interface GroupSummary { cardId: string; fn: string; members: number }

export interface ShareInfo { principal: Principal; right: Right; label: string }

export interface ContactsDeps { db: Kysely<any>; events: EventLog; auth: AuthService; identity: IdentityApi }

const summary = (r: CardRow): CardSummary => ({
  bookId: r.book_id, cardId: r.card_id, name: r.name, fn: r.fn, kind: r.kind,
  emails: r.emails ? r.emails.split('\n') : [], phones: r.phones ? r.phones.split('\n') : [],
  org: r.org, title: r.title, hasPhoto: r.has_photo === 1, lastModified: r.last_modified, deletedAt: r.deleted_at,
});

/** Characters of a search term; `%` and `_` are matched literally. */
const likeTerm = (q: string) => `%${q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A URL segment from a name: "Family & Friends" → "family-friends". */
export function slugify(name: string): string {
  const s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return s && !RESERVED_SLUGS.test(s) ? s : `book-${newId().slice(-8)}`;
}

/** Resource name for a card made here: its UID when that is a safe segment, else a fresh id. */
export function nameForUid(uid: string): string {
  const u = uid.replace(/^urn:uuid:/i, '');
  return /^[A-Za-z0-9._-]{1,80}$/.test(u) ? `${u}.vcf` : `${newId()}.vcf`;
}

export function createContactsService(deps: ContactsDeps) {
  const { db, events, auth, identity } = deps;
  const acc = createAccess({ db, auth });
  /** Users whose first book is known to exist (saves a stream read per request). */
  const ensured = new Set<string>();

  const defaultBookId = (userId: string) => `${userId}-contacts`;

  async function ensureDefaultBook(user: SessionUser, metadata: EventMetadata): Promise<void> {
    if (ensured.has(user.id)) return;
    await handleCommand(events, bookStream(defaultBookId(user.id)), bookDecider,
      { type: 'ensure', bookId: defaultBookId(user.id), owner: user.id, slug: 'contacts', displayName: 'Contacts', description: '' }, { metadata });
    ensured.add(user.id);
  }

  async function cardRow(bookId: string, cardId: string): Promise<CardRow | undefined> {
    return (await db.selectFrom('contacts_cards').selectAll().where('book_id', '=', bookId).where('card_id', '=', cardId).executeTakeFirst()) as CardRow | undefined;
  }

  async function liveCard(bookId: string, cardId: string): Promise<CardRow> {
    const row = await cardRow(bookId, cardId);
    if (!row || row.deleted_at) throw new NotFoundError('no such contact');
    return row;
  }

  /** Refuses a UID another live card of the book already has (RFC 6352 §6.3.2.1 no-uid-conflict). */
  async function checkUid(book: BookView, name: string, uid: string, homeLogin?: string): Promise<void> {
    const other = await db.selectFrom('contacts_cards').select(['name']).where('book_id', '=', book.id).where('uid_norm', '=', normalizeUid(uid))
      .where('deleted_at', 'is', null).where('name', '!=', name).executeTakeFirst();
    if (other) {
      const href = homeLogin ? `<d:href>/dav/addressbooks/${encodeURIComponent(homeLogin)}/${encodeURIComponent(book.kind === 'shared' ? `shared-${book.id}` : book.slug)}/${encodeURIComponent(other.name as string)}</d:href>` : '';
      throw new DavPreconditionError(`{${CARDDAV}}no-uid-conflict`, 'another contact in this address book has the same UID', 409, href);
    }
  }

  async function writeCard(book: BookView, name: string, card: PreparedCard, metadata: EventMetadata, cond?: WriteConditions, homeLogin?: string) {
    await checkUid(book, name, card.fields.uid, homeLogin);
    const cardId = cardIdFor(name);
    const before = await cardRow(book.id, cardId);
    const { state, result } = await handleCommand(events, cardStream(book.id, cardId), cardDecider, { type: 'put', bookId: book.id, cardId, name, card, ...(cond ? { cond } : {}) }, { metadata });
    return { cardId, etag: etagOf(result ? result.lastPosition : state!.position), created: !before || before.deleted_at !== null };
  }

  async function listRows(bookId: string, opts: { q?: string; group?: string; kind?: 'individual' | 'group' | 'all'; limit?: number } = {}): Promise<CardRow[]> {
    let q = db.selectFrom('contacts_cards').selectAll().where('book_id', '=', bookId).where('deleted_at', 'is', null);
    const kind = opts.kind ?? 'individual';
    if (kind !== 'all') q = q.where('kind', '=', kind);
    if (opts.q?.trim()) {
      const t = likeTerm(opts.q);
      q = q.where((eb) => eb.or([
        eb(eb.fn('lower', ['fn']), 'like', eb.val(t)), eb('emails', 'like', eb.val(t)), eb('phones', 'like', eb.val(t)), eb(eb.fn('lower', ['org']), 'like', eb.val(t)),
      ]));
    }
    if (opts.group === 'none') {
      q = q.where((eb) => eb.not(eb.exists(eb.selectFrom('contacts_members as m').select('m.member_uid').whereRef('m.book_id', '=', 'contacts_cards.book_id').whereRef('m.member_uid', '=', 'contacts_cards.uid_norm'))));
    } else if (opts.group) {
      q = q.where('uid_norm', 'in', db.selectFrom('contacts_members').select('member_uid').where('book_id', '=', bookId).where('group_id', '=', opts.group));
    }
    return (await q.orderBy('sort_key').limit(opts.limit ?? LIST_PAGE).execute()) as CardRow[];
  }

  async function directoryRows(q?: string): Promise<{ user_id: string; email: string; display_name: string; position: number; last_modified: string }[]> {
    let s = db.selectFrom('contacts_directory').select(['user_id', 'email', 'display_name', 'position', 'last_modified']).where('deleted_at', 'is', null);
    if (q?.trim()) {
      const t = likeTerm(q);
      s = s.where((eb) => eb.or([eb(eb.fn('lower', ['display_name']), 'like', eb.val(t)), eb(eb.fn('lower', ['email']), 'like', eb.val(t))]));
    }
    return (await s.orderBy('display_name').limit(LIST_PAGE).execute()) as never;
  }

  const directorySummary = (r: { user_id: string; email: string; display_name: string; last_modified: string }): CardSummary => ({
    bookId: DIRECTORY_ID, cardId: r.user_id, name: `${r.user_id}.vcf`, fn: r.display_name || r.email, kind: 'individual',
    emails: [r.email], phones: [], org: '', title: '', hasPhoto: false, lastModified: r.last_modified, deletedAt: null,
  });

  const appendBatches = (appends: { stream: string; expected: number; events: NewEvent[] }[], metadata: EventMetadata) => appendInBatches(events, appends, metadata);

  const service = {
    defaultBookId,
    ensureDefaultBook,
    access: acc.access,
    requireAccess: acc.requireAccess,

    // ---- books ---------------------------------------------------------------------
    /** Own books (the first one made on first use), books shared with the user, and the directory. */
    async books(user: SessionUser, metadata: EventMetadata): Promise<{ own: BookView[]; shared: BookView[]; directory: BookView }> {
      await ensureDefaultBook(user, metadata);
      const { own, shared } = await acc.visibleBooks(user);
      return { own, shared, directory: await acc.directoryView() };
    },
    /** A user's own live book by its slug (DAV URLs), without making the first book. */
    async ownBookBySlug(ownerId: string, slug: string): Promise<string | undefined> {
      const r = await db.selectFrom('contacts_books').select('book_id').where('owner', '=', ownerId).where('slug', '=', slug).where('deleted_at', 'is', null).executeTakeFirst();
      return r?.book_id as string | undefined;
    },
    async createBook(user: SessionUser, input: { displayName: string; description?: string; slug?: string; props?: Record<string, string> }, metadata: EventMetadata): Promise<string> {
      const slug = input.slug ?? slugify(input.displayName);
      if (!SLUG_PATTERN.test(slug) || RESERVED_SLUGS.test(slug)) throw new ValidationError(`"${slug}" cannot name an address book`);
      const own = await db.selectFrom('contacts_books').select(['slug']).where('owner', '=', user.id).where('deleted_at', 'is', null).execute();
      if (own.length >= MAX_BOOKS_PER_USER) throw new LimitExceededError(`at most ${MAX_BOOKS_PER_USER} address books per user`);
      if (own.some((b) => b.slug === slug)) throw new ConflictError('an address book with that name already exists', 'book_exists');
      const bookId = newId();
      await handleCommand(events, bookStream(bookId), bookDecider, {
        type: 'create', bookId, owner: user.id, slug, displayName: input.displayName, description: input.description ?? '', ...(input.props ? { props: input.props } : {}),
      }, { metadata });
      return bookId;
    },
    async updateBook(user: SessionUser, bookId: string, input: { displayName?: string; description?: string; props?: Record<string, string> }, metadata: EventMetadata): Promise<void> {
      await acc.requireAccess(user, bookId, 'share');
      await handleCommand(events, bookStream(bookId), bookDecider, { type: 'update', ...input }, { metadata });
    },
    /** Owner: deletes the book (restorable). A sharee "deleting" it leaves it instead. */
    async deleteBook(user: SessionUser, bookId: string, metadata: EventMetadata): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'read');
      if (book.kind === 'directory') throw new ForbiddenError('the organization directory cannot be deleted');
      if (book.kind === 'shared') return service.leaveBook(user, bookId, metadata);
      await handleCommand(events, bookStream(bookId), bookDecider, { type: 'delete' }, { metadata });
    },
    async undeleteBook(user: SessionUser, bookId: string, metadata: EventMetadata): Promise<void> {
      const row = await acc.bookRow(bookId);
      if (!row || row.owner !== user.id) throw new NotFoundError('no such address book');
      await handleCommand(events, bookStream(bookId), bookDecider, { type: 'undelete' }, { metadata });
    },
    async deletedBooks(user: SessionUser): Promise<{ id: string; displayName: string; deletedAt: string }[]> {
      const rows = await db.selectFrom('contacts_books').select(['book_id', 'display_name', 'deleted_at']).where('owner', '=', user.id).where('deleted_at', 'is not', null).orderBy('deleted_at', 'desc').execute();
      return rows.map((r) => ({ id: r.book_id as string, displayName: r.display_name as string, deletedAt: r.deleted_at as string }));
    },

    // ---- sharing -------------------------------------------------------------------
    async shares(user: SessionUser, bookId: string): Promise<ShareInfo[]> {
      await acc.requireAccess(user, bookId, 'share');
      const grants = await auth.grantsOn(bookResource(bookId));
      const groups = new Map((await identity.listGroups()).map((g) => [g.id, g.name]));
      const out: ShareInfo[] = [];
      for (const g of grants) {
        const label = g.principal.kind === 'org' ? 'Everyone in the organization'
          : g.principal.kind === 'group' ? `Group ${groups.get(g.principal.id) ?? g.principal.id}`
            : (await auth.userById(g.principal.id))?.email ?? g.principal.id;
        out.push({ principal: g.principal, right: g.right, label });
      }
      return out;
    },
    /** Grants (or changes) a right on the book; needs the 'share' right. */
    async share(user: SessionUser, bookId: string, principal: Principal, right: Right, metadata: EventMetadata): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'share');
      if (book.kind === 'directory') throw new ForbiddenError('the organization directory is shared with everyone already');
      if (principal.kind === 'user' && principal.id === book.owner) throw new ValidationError('the owner already has every right');
      if (principal.kind === 'user' && !(await auth.userById(principal.id))) throw new NotFoundError('no such user');
      await identity.grant(bookResource(bookId), principal, right, metadata);
    },
    async unshare(user: SessionUser, bookId: string, principal: Principal, metadata: EventMetadata): Promise<void> {
      await acc.requireAccess(user, bookId, 'share');
      await identity.revokeGrant(bookResource(bookId), principal, metadata);
    },
    /** A sharee hides a shared book (from their home and the sidebar); join shows it again. */
    async leaveBook(user: SessionUser, bookId: string, metadata: EventMetadata): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'read');
      if (book.kind !== 'shared') throw new ValidationError('only a book shared with you can be left');
      await handleCommand(events, memberStream(user.id), shareeDecider, { type: 'leave', userId: user.id, bookId }, { metadata });
    },
    async joinBook(user: SessionUser, bookId: string, metadata: EventMetadata): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'read');
      if (book.kind !== 'shared') throw new ValidationError('only a book shared with you can be joined');
      await handleCommand(events, memberStream(user.id), shareeDecider, { type: 'join', userId: user.id, bookId }, { metadata });
    },

    /** Who a book can be shared with (the sharing dialog). */
    async shareCandidates(): Promise<{ users: SessionUser[]; groups: { id: string; name: string; members: string[] }[] }> {
      const [users, groups] = await Promise.all([auth.listUsers(), identity.listGroups()]);
      return { users: users.filter((u) => u.role !== 'guest'), groups };
    },

    // ---- cards ---------------------------------------------------------------------
    async listCards(user: SessionUser, bookId: string, opts: { q?: string; group?: string; kind?: 'individual' | 'group' | 'all' } = {}): Promise<CardSummary[]> {
      await acc.requireAccess(user, bookId, 'read');
      if (bookId === DIRECTORY_ID) return opts.group || opts.kind === 'group' ? [] : (await directoryRows(opts.q)).map(directorySummary);
      return (await listRows(bookId, opts)).map(summary);
    },
    /** Search across every book the user sees (own, shared and not left, directory). */
    async search(user: SessionUser, q: string, metadata: EventMetadata): Promise<(CardSummary & { bookName: string })[]> {
      if (!q.trim()) return [];
      const { own, shared, directory } = await service.books(user, metadata);
      const books = [...own, ...shared.filter((b) => !b.left)];
      const out: (CardSummary & { bookName: string })[] = [];
      for (const b of books) for (const r of await listRows(b.id, { q, kind: 'all', limit: LIST_PAGE })) out.push({ ...summary(r), bookName: b.displayName });
      for (const r of await directoryRows(q)) out.push({ ...directorySummary(r), bookName: directory.displayName });
      return out.slice(0, LIST_PAGE);
    },
    async getCard(user: SessionUser, bookId: string, cardId: string): Promise<CardDetail> {
      await acc.requireAccess(user, bookId, 'read');
      if (bookId === DIRECTORY_ID) {
        const r = await db.selectFrom('contacts_directory').selectAll().where('user_id', '=', cardId).where('deleted_at', 'is', null).executeTakeFirst();
        if (!r) throw new NotFoundError('no such contact');
        const vcard = directoryCard(r as never);
        return { ...directorySummary(r as never), uid: cardId, etag: etagOf(Number(r.position)), vcard, fields: cardFields(parseVCard(vcard)), groups: [] };
      }
      const row = await liveCard(bookId, cardId);
      const groups = await db.selectFrom('contacts_members as m').innerJoin('contacts_cards as g', (j) => j.onRef('g.book_id', '=', 'm.book_id').onRef('g.card_id', '=', 'm.group_id'))
        .select(['g.card_id', 'g.fn']).where('m.book_id', '=', bookId).where('m.member_uid', '=', row.uid_norm).where('g.deleted_at', 'is', null).orderBy('g.fn').execute();
      return { ...summary(row), uid: row.uid, etag: etagOf(Number(row.position)), vcard: row.vcard, fields: cardFields(parseVCard(row.vcard)), groups: groups.map((g) => ({ cardId: g.card_id as string, fn: g.fn as string })) };
    },
    async createContact(user: SessionUser, bookId: string, input: ContactInput, metadata: EventMetadata): Promise<string> {
      const book = await acc.requireAccess(user, bookId, 'write');
      const uid = `urn:uuid:${crypto.randomUUID()}`;
      const name = nameForUid(uid);
      const text = buildContactVCard(input, uid);
      return (await writeCard(book, name, prepareCard(text, uid), metadata)).cardId;
    },
    async updateContact(user: SessionUser, bookId: string, cardId: string, input: ContactInput, metadata: EventMetadata, ifEtag?: string): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'write');
      const row = await liveCard(bookId, cardId);
      const base = parseVCard(row.vcard);
      const text = buildContactVCard(input, row.uid, base);
      await writeCard(book, row.name, prepareCard(text, row.uid), metadata, ifEtag ? { ifMatch: ifEtag } : undefined);
    },
    /** Stores a vCard as sent (3.0 or 4.0) under a resource name: the DAV PUT. */
    async putCard(user: SessionUser, bookId: string, name: string, text: string, metadata: EventMetadata, cond?: WriteConditions, homeLogin?: string): Promise<{ cardId: string; etag: string; created: boolean }> {
      const book = await acc.requireAccess(user, bookId, 'write');
      if (!/^[^/\s][^/]{0,199}$/.test(name)) throw new ValidationError('that resource name is not accepted');
      return writeCard(book, name, prepareCard(text, name.replace(/\.vcf$/i, '')), metadata, cond, homeLogin);
    },
    async deleteCard(user: SessionUser, bookId: string, cardId: string, metadata: EventMetadata, cond?: WriteConditions): Promise<void> {
      await acc.requireAccess(user, bookId, 'write');
      await handleCommand(events, cardStream(bookId, cardId), cardDecider, { type: 'delete', ...(cond ? { cond } : {}) }, { metadata });
    },
    async undeleteCard(user: SessionUser, bookId: string, cardId: string, metadata: EventMetadata): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'write');
      const row = await cardRow(bookId, cardId);
      if (!row) throw new NotFoundError('no such contact');
      if (row.deleted_at) await checkUid(book, row.name, row.uid);
      await handleCommand(events, cardStream(bookId, cardId), cardDecider, { type: 'undelete' }, { metadata });
    },
    async recentlyDeleted(user: SessionUser, bookId: string): Promise<CardSummary[]> {
      await acc.requireAccess(user, bookId, 'read');
      if (bookId === DIRECTORY_ID) return [];
      const rows = await db.selectFrom('contacts_cards').selectAll().where('book_id', '=', bookId).where('deleted_at', 'is not', null).orderBy('deleted_at', 'desc').limit(RECENTLY_DELETED_PAGE).execute();
      return (rows as CardRow[]).map(summary);
    },

    // ---- groups (KIND:group cards with MEMBER:urn:uuid:<uid>) ------------------------
    async groups(user: SessionUser, bookId: string): Promise<GroupSummary[]> {
      await acc.requireAccess(user, bookId, 'read');
      if (bookId === DIRECTORY_ID) return [];
      const rows = await db.selectFrom('contacts_cards as g').select(['g.card_id', 'g.fn'])
        .select((eb) => eb.selectFrom('contacts_members as m').innerJoin('contacts_cards as c', (j) => j.onRef('c.book_id', '=', 'm.book_id').onRef('c.uid_norm', '=', 'm.member_uid'))
          .whereRef('m.book_id', '=', 'g.book_id').whereRef('m.group_id', '=', 'g.card_id').where('c.deleted_at', 'is', null).select((e2) => e2.fn.countAll<number>().as('n')).as('members'))
        .where('g.book_id', '=', bookId).where('g.kind', '=', 'group').where('g.deleted_at', 'is', null).orderBy('g.sort_key').execute();
      return rows.map((r) => ({ cardId: r.card_id as string, fn: r.fn as string, members: Number(r.members ?? 0) }));
    },
    async createGroup(user: SessionUser, bookId: string, name: string, metadata: EventMetadata, memberCardIds: readonly string[] = []): Promise<string> {
      const book = await acc.requireAccess(user, bookId, 'write');
      if (!name.trim()) throw new ValidationError('a group needs a name');
      const uid = `urn:uuid:${crypto.randomUUID()}`;
      const members = await Promise.all(memberCardIds.map(async (id) => (await liveCard(bookId, id)).uid));
      const text = buildGroupVCard(name, uid, members);
      return (await writeCard(book, nameForUid(uid), prepareCard(text, uid), metadata)).cardId;
    },
    async renameGroup(user: SessionUser, bookId: string, groupId: string, name: string, metadata: EventMetadata): Promise<void> {
      if (!name.trim()) throw new ValidationError('a group needs a name');
      await service.setGroupMembers(user, bookId, groupId, (m) => m, metadata, name);
    },
    /** Rewrites a group's member list (kept in the group card, as Apple and RFC 6350 KIND:group do). */
    async setGroupMembers(user: SessionUser, bookId: string, groupId: string, change: (members: string[]) => string[], metadata: EventMetadata, rename?: string): Promise<void> {
      const book = await acc.requireAccess(user, bookId, 'write');
      const g = await liveCard(bookId, groupId);
      if (g.kind !== 'group') throw new ValidationError('that contact is not a group');
      const card = parseVCard(g.vcard);
      const f = cardFields(card);
      const text = buildGroupVCard(rename ?? f.fn, g.uid, change(f.members), card);
      await writeCard(book, g.name, prepareCard(text, g.uid), metadata);
    },
    async addToGroup(user: SessionUser, bookId: string, groupId: string, cardIds: readonly string[], metadata: EventMetadata): Promise<void> {
      const uids = await Promise.all(cardIds.map(async (id) => normalizeUid((await liveCard(bookId, id)).uid)));
      await service.setGroupMembers(user, bookId, groupId, (m) => [...new Set([...m, ...uids])], metadata);
    },
    async removeFromGroup(user: SessionUser, bookId: string, groupId: string, cardIds: readonly string[], metadata: EventMetadata): Promise<void> {
      const uids = new Set(await Promise.all(cardIds.map(async (id) => normalizeUid((await liveCard(bookId, id)).uid))));
      await service.setGroupMembers(user, bookId, groupId, (m) => m.filter((u) => !uids.has(u)), metadata);
    },
    /** Deletes a group; with `withContacts`, also its members that belong to no other group. */
    async deleteGroup(user: SessionUser, bookId: string, groupId: string, opts: { withContacts: boolean }, metadata: EventMetadata): Promise<{ deletedContacts: number }> {
      await acc.requireAccess(user, bookId, 'write');
      const g = await liveCard(bookId, groupId);
      if (g.kind !== 'group') throw new ValidationError('that contact is not a group');
      let members = opts.withContacts ? await listRows(bookId, { group: groupId }) : [];
      if (members.length > 0) {
        // A contact that is also in another (live) group stays: deleting one group must not empty another.
        const elsewhere = await db.selectFrom('contacts_members as m').innerJoin('contacts_cards as g', (j) => j.onRef('g.book_id', '=', 'm.book_id').onRef('g.card_id', '=', 'm.group_id'))
          .select('m.member_uid').where('m.book_id', '=', bookId).where('m.group_id', '!=', groupId).where('g.deleted_at', 'is', null).execute();
        const kept = new Set(elsewhere.map((r) => r.member_uid as string));
        members = members.filter((m) => !kept.has(m.uid_norm));
      }
      const appends: { stream: string; expected: number; events: NewEvent[] }[] = [
        { stream: cardStream(bookId, groupId), expected: Number(g.version), events: [{ type: 'contacts.CardDeleted', data: { bookId, cardId: groupId, name: g.name } }] },
      ];
      let deletedContacts = 0;
      for (const m of members) {
        appends.push({ stream: cardStream(bookId, m.card_id), expected: Number(m.version), events: [{ type: 'contacts.CardDeleted', data: { bookId, cardId: m.card_id, name: m.name } }] });
        deletedContacts++;
      }
      await appendBatches(appends, metadata);
      return { deletedContacts };
    },

    // ---- import / export -----------------------------------------------------------
    /** Imports a .vcf file (3.0, 4.0, also 2.1); duplicates (same UID or same email) merged or skipped. */
    async importVcf(user: SessionUser, bookId: string, text: string, mode: ImportMode, metadata: EventMetadata): Promise<ImportSummary> {
      const book = await acc.requireAccess(user, bookId, 'write');
      if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) throw new LimitExceededError(`an import file is limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
      const existing = (await db.selectFrom('contacts_cards').select(['card_id', 'name', 'uid_norm', 'emails', 'vcard', 'version', 'deleted_at']).where('book_id', '=', book.id).execute()) as CardRow[];
      const plan = planImport(text, book.id, existing, mode, () => `urn:uuid:${crypto.randomUUID()}`);
      await appendBatches(plan.appends, metadata);
      return plan.summary;
    },
    /** The book (or the chosen cards) as one .vcf file, each card as stored. */
    async exportVcf(user: SessionUser, bookId: string, cardIds: readonly string[] | undefined, version?: '3.0' | '4.0'): Promise<{ filename: string; body: string }> {
      const book = await acc.requireAccess(user, bookId, 'read');
      if (book.kind === 'directory') throw new ForbiddenError('the organization directory cannot be exported');
      let q = db.selectFrom('contacts_cards').select(['vcard']).where('book_id', '=', bookId).where('deleted_at', 'is', null);
      if (cardIds) q = q.where('card_id', 'in', cardIds.length > 0 ? [...cardIds] : ['']);
      const rows = await q.orderBy('sort_key').execute();
      const texts = rows.map((r) => {
        const t = r.vcard as string;
        if (!version) return t.endsWith('\n') ? t : `${t}\r\n`;
        return serializeVCard(convertVCard(parseVCard(t), version));
      });
      return { filename: `${book.slug || 'contacts'}.vcf`, body: texts.join('') };
    },

    // ---- restore -------------------------------------------------------------------
    /** What restoring the book to `at` would do (into itself, another book, or a new one). */
    previewRestore: (user: SessionUser, bookId: string, at: RestorePoint, target: RestoreTarget, metadata: EventMetadata) => restorer.preview(user, bookId, at, target, metadata),
    /** Restores the book as it was at `at`; history is kept, so this can itself be undone. */
    restore: (user: SessionUser, bookId: string, at: RestorePoint, target: RestoreTarget, metadata: EventMetadata) => restorer.apply(user, bookId, at, target, metadata),

    // ---- for the CardDAV backend ---------------------------------------------------
    /** Live cards (or all, with tombstones) of a book changed after a position, in position order. */
    async changedRows(bookId: string, after: number): Promise<CardRow[]> {
      return (await db.selectFrom('contacts_cards').select(['card_id', 'name', 'position', 'size', 'last_modified', 'deleted_at', 'book_id'])
        .where('book_id', '=', bookId).where('position', '>', after).orderBy('position').execute()) as CardRow[];
    },
    async rowsByName(bookId: string, names: readonly string[]): Promise<CardRow[]> {
      const out: CardRow[] = [];
      for (let i = 0; i < names.length; i += 500) {
        out.push(...((await db.selectFrom('contacts_cards').selectAll().where('book_id', '=', bookId).where('name', 'in', names.slice(i, i + 500)).where('deleted_at', 'is', null).execute()) as CardRow[]));
      }
      return out;
    },
    async rowsOfBook(bookId: string, opts: { withVcard?: boolean } = {}): Promise<CardRow[]> {
      const cols = ['card_id', 'name', 'position', 'size', 'last_modified', 'deleted_at', 'book_id', ...(opts.withVcard ? ['vcard'] : [])] as const;
      return (await db.selectFrom('contacts_cards').select(cols as never).where('book_id', '=', bookId).where('deleted_at', 'is', null).execute()) as CardRow[];
    },
    directoryRows: async (after = 0, includeDeleted = false) => {
      let q = db.selectFrom('contacts_directory').selectAll().where('position', '>', after);
      if (!includeDeleted) q = q.where('deleted_at', 'is', null);
      return (await q.orderBy('position').execute()) as { user_id: string; email: string; display_name: string; position: number; last_modified: string; deleted_at: string | null }[];
    },
    /** Deletes a card by resource name (DAV DELETE). */
    async deleteByName(user: SessionUser, bookId: string, name: string, metadata: EventMetadata, cond?: WriteConditions): Promise<void> {
      await service.deleteCard(user, bookId, cardIdFor(name), metadata, cond);
    },
  };
  const restorer = createBookRestore({ events, auth, requireAccess: acc.requireAccess, createBook: service.createBook });
  return service;
}

export type ContactsService = ReturnType<typeof createContactsService>;
