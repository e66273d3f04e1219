// /contacts in the browser: server-rendered pages with htmx for the live search.
// Every route acts as the signed-in user through ContactsService, which checks the
// right on the book (someone else's book is "not found" unless it is shared with them).
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Child } from 'hono/jsx';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { isCairnError, LimitExceededError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { Principal, Right, SessionUser } from '../../../core/identity/auth-service.ts';
import type { Suggestion } from '../suggested-contacts.ts';
import { SuggestedView } from '../views/suggested-view.tsx';
import { restorePointFromForm } from '../../../core/restore/restore-point.ts';
import type { FlashMessage } from '../../../ui/components/index.ts';
import type { BookView, ContactsService, RestoreTarget } from '../contacts-service.ts';
import { MAX_IMPORT_BYTES, MAX_PHOTO_BYTES } from '../limits.ts';
import { ContactsShell, bookUrl } from '../views/contacts-shell.tsx';
import { ContactListView, SearchResultsView } from '../views/contact-list.tsx';
import { ContactView } from '../views/contact-view.tsx';
import { ContactForm } from '../views/contact-form.tsx';
import { ImportView, ManageView, RestoreView } from '../views/book-tools.tsx';
import { contactInputOf, many, one, type FormBody } from './contact-form-input.ts';

const CSS = readFileSync(new URL('../static/contacts.css', import.meta.url), 'utf8');

/** Room for the form fields around a photo (base64 is not used on the wire: multipart carries bytes). */
const FORM_LIMIT = MAX_PHOTO_BYTES + 256 * 1024;

const DONE = {
  created: 'Contact created', saved: 'Contact saved', deleted: 'Contact deleted — find it under Restore › Recently deleted',
  undeleted: 'Contact restored', 'group-created': 'Group created', 'group-saved': 'Group saved', 'group-deleted': 'Group deleted',
  groups: 'Groups saved', 'book-created': 'Address book created', 'book-saved': 'Address book saved', 'book-deleted': 'Address book deleted',
  shared: 'Sharing updated', revoked: 'Access revoked', left: 'You left that address book', joined: 'Address book accepted',
  restored: 'Address book restored', 'book-restored': 'Address book brought back', 'selection-deleted': 'Selected contacts deleted', 'selection-grouped': 'Group updated',
} as const;
type Done = keyof typeof DONE;

function metadata(c: Context<CairnEnv>): EventMetadata {
  return { actor: c.var.user!.id, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() };
}

function restoreTarget(target: string, newName: string, book: BookView): RestoreTarget {
  if (!target || target === 'same') return { kind: 'same' };
  if (target === 'new') return { kind: 'new', displayName: newName.trim() || `${book.displayName} (restored)` };
  return { kind: 'book', bookId: target };
}

function principalOf(v: string): Principal {
  if (v === 'org') return { kind: 'org' };
  const m = /^(user|group):(.+)$/.exec(v);
  if (!m) throw new ValidationError('choose who to share with');
  return { kind: m[1] as 'user' | 'group', id: m[2]! };
}

function rightOf(v: string): Right {
  if (v === 'read' || v === 'write' || v === 'share') return v;
  throw new ValidationError('choose a right');
}

/** Presence of people here, by email (from chat's `chat.presence` when enabled). */
export type PresenceByEmail = (emails: readonly string[]) => Promise<Map<string, string>>;

export function contactsRoutes(service: () => ContactsService, suggestions: (user: SessionUser) => Promise<Suggestion[]> = async () => [], presenceOf: PresenceByEmail = async () => new Map()): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();

  // The stylesheet is public like any static asset (no user data in it).
  app.get('/contacts.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(CSS);
  });
  app.use('*', requireUser);

  const user = (c: Context<CairnEnv>) => c.var.user!;

  /** Renders a page inside the contacts frame (sidebar for `bookId`'s groups when given). */
  async function render(c: Context<CairnEnv>, opts: { book?: BookView; group?: string; title: string; flash?: FlashMessage; status?: 200 | 400 | 403 | 404 | 409 | 413 }, content: Child) {
    const [books, deleted] = await Promise.all([service().books(user(c), metadata(c)), service().deletedBooks(user(c))]);
    const groups = opts.book && opts.book.kind !== 'directory' ? await service().groups(user(c), opts.book.id) : [];
    const text = DONE[c.req.query('done') as Done];
    c.status(opts.status ?? 200);
    return c.render(
      <ContactsShell books={books} deleted={deleted} current={opts.book} groups={groups} group={opts.group} csrfToken={c.var.csrfToken} flash={opts.flash ?? (text ? { kind: 'success', text } : undefined)}>
        {content}
      </ContactsShell>,
      { title: opts.title },
    );
  }

  /** User errors become the page with a message; server errors go to the core handler. */
  async function guard(c: Context<CairnEnv>, fn: () => Promise<Response>, onError?: (flash: FlashMessage, status: 400 | 403 | 404 | 409 | 413) => Promise<Response>) {
    try {
      return await fn();
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      const status = ([400, 403, 404, 409, 413] as const).find((s) => s === e.status) ?? 400;
      const flash: FlashMessage = { kind: 'error', text: e.message };
      if (onError) return onError(flash, status);
      return render(c, { title: 'Contacts', flash, status }, <p class="muted"><a href="/contacts">Back to my contacts</a></p>);
    }
  }

  const book = (c: Context<CairnEnv>, need: 'read' | 'write' | 'share' = 'read') => service().requireAccess(user(c), c.req.param('book')!, need);
  const done = (c: Context<CairnEnv>, to: string, key: Done) => c.redirect(`${to}${to.includes('?') ? '&' : '?'}done=${key}`, 303);

  app.get('/', async (c) => {
    const { own, directory } = await service().books(user(c), metadata(c));
    return c.redirect(bookUrl((own[0] ?? directory).id), 302);
  });

  // ---- people the user writes to ------------------------------------------------------
  app.get('/suggested', (c) => guard(c, async () => {
    const list = await suggestions(user(c));
    return render(c, { title: 'People you write to' }, <SuggestedView suggestions={list} csrfToken={c.var.csrfToken} />);
  }));
  const addSuggested = async (c: Context<CairnEnv>, people: Suggestion[]) => {
    const { own } = await service().books(user(c), metadata(c));
    const target = own[0];
    if (!target) throw new NotFoundError('you have no address book to add to');
    for (const p of people) {
      const [given, ...rest] = p.name.trim().split(/\s+/);
      await service().createContact(user(c), target.id, {
        given: given ?? '', family: rest.join(' '), ...(p.name.trim() ? { fn: p.name.trim() } : {}),
        emails: [{ value: p.email }], phones: [], addresses: [],
      }, metadata(c));
    }
    return target.id;
  };
  app.post('/suggested/add', (c) => guard(c, async () => {
    const f = await c.req.parseBody();
    const email = String(f.email ?? '').trim().toLowerCase();
    const person = (await suggestions(user(c))).find((s) => s.email.toLowerCase() === email);
    if (!person) throw new NotFoundError('that address is not among the suggestions (anymore)');
    await addSuggested(c, [person]);
    return done(c, '/contacts/suggested', 'created');
  }));
  app.post('/suggested/add-all', (c) => guard(c, async () => {
    const id = await addSuggested(c, await suggestions(user(c)));
    return done(c, bookUrl(id), 'created');
  }));

  app.get('/search', (c) => guard(c, async () => {
    const q = c.req.query('q') ?? '';
    const results = await service().search(user(c), q, metadata(c));
    return render(c, { title: 'Search contacts' }, <SearchResultsView q={q} results={results} />);
  }));

  app.post('/books', (c) => guard(c, async () => {
    const f = await c.req.parseBody();
    const id = await service().createBook(user(c), { displayName: String(f.displayName ?? '') }, metadata(c));
    return done(c, bookUrl(id), 'book-created');
  }));

  app.get('/b/:book', (c) => guard(c, async () => {
    const b = await book(c);
    const q = c.req.query('q') ?? '';
    const group = c.req.query('group') || undefined;
    const [cards, groups] = await Promise.all([service().listCards(user(c), b.id, { q, ...(group ? { group } : {}) }), service().groups(user(c), b.id)]);
    return render(c, { book: b, title: b.displayName, ...(group ? { group } : {}) }, <ContactListView book={b} cards={cards} groups={groups} group={group} q={q} csrfToken={c.var.csrfToken} />);
  }));

  app.post('/b/:book/selection', (c) => guard(c, async () => {
    const b = await book(c);
    const f = (await c.req.parseBody({ all: true })) as FormBody;
    const ids = many(f, 'card').filter(Boolean);
    const action = one(f, 'action');
    if (ids.length === 0) throw new ValidationError('select at least one contact');
    if (action === 'export') return exportResponse(c, b.id, ids);
    if (action === 'delete') {
      for (const id of ids) await service().deleteCard(user(c), b.id, id, metadata(c));
      return done(c, bookUrl(b.id), 'selection-deleted');
    }
    const group = one(f, 'group');
    if (action === 'add-to-group') await service().addToGroup(user(c), b.id, group, ids, metadata(c));
    else if (action === 'remove-from-group') await service().removeFromGroup(user(c), b.id, group, ids, metadata(c));
    else throw new ValidationError('unknown action');
    return done(c, bookUrl(b.id, `?group=${encodeURIComponent(group)}`), 'selection-grouped');
  }));

  // ---- one contact -------------------------------------------------------------------
  app.get('/b/:book/new', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    return render(c, { book: b, title: 'New contact' }, <ContactForm book={b} csrfToken={c.var.csrfToken} />);
  }));
  app.post('/b/:book/new', bodyLimit({ maxSize: FORM_LIMIT, onError: () => { throw new LimitExceededError('that form is too large (is the photo too big?)'); } }), (c) => guard(c, async () => {
    const b = await book(c, 'write');
    return guard(c, async () => {
      const input = await contactInputOf((await c.req.parseBody({ all: true })) as FormBody);
      const id = await service().createContact(user(c), b.id, input, metadata(c));
      return done(c, bookUrl(b.id, `/c/${encodeURIComponent(id)}`), 'created');
    }, (flash, status) => render(c, { book: b, title: 'New contact', flash, status }, <ContactForm book={b} csrfToken={c.var.csrfToken} />));
  }));

  app.get('/b/:book/c/:card', (c) => guard(c, async () => {
    const b = await book(c);
    const card = await service().getCard(user(c), b.id, c.req.param('card'));
    const groups = b.kind === 'directory' ? [] : await service().groups(user(c), b.id);
    const presence = await presenceOf(card.fields.emails.map((e) => e.value.toLowerCase())).catch(() => new Map<string, string>());
    return render(c, { book: b, title: card.fn || 'Contact' }, <ContactView book={b} card={card} groups={groups} csrfToken={c.var.csrfToken} presence={presence} />);
  }));
  app.get('/b/:book/c/:card/photo', async (c) => {
    const card = await service().getCard(user(c), c.req.param('book'), c.req.param('card'));
    const m = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.+)$/s.exec(card.fields.photo);
    // Remote photo URLs (Google exports) are not fetched: that would tell a third party who looks at whom.
    if (!m) throw new NotFoundError('no photo');
    c.header('Content-Type', m[1]!);
    c.header('Cache-Control', 'private, max-age=300');
    c.header('ETag', card.etag);
    return c.body(new Uint8Array(Buffer.from(m[2]!, 'base64')));
  });
  app.get('/b/:book/c/:card/edit', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const card = await service().getCard(user(c), b.id, c.req.param('card'));
    return render(c, { book: b, title: `Edit ${card.fn}` }, <ContactForm book={b} card={card} csrfToken={c.var.csrfToken} />);
  }));
  app.post('/b/:book/c/:card', bodyLimit({ maxSize: FORM_LIMIT, onError: () => { throw new LimitExceededError('that form is too large (is the photo too big?)'); } }), (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const cardId = c.req.param('card');
    return guard(c, async () => {
      const f = (await c.req.parseBody({ all: true })) as FormBody;
      await service().updateContact(user(c), b.id, cardId, await contactInputOf(f), metadata(c), one(f, 'etag') || undefined);
      return done(c, bookUrl(b.id, `/c/${encodeURIComponent(cardId)}`), 'saved');
    }, async (flash, status) => {
      const card = await service().getCard(user(c), b.id, cardId);
      const text = flash.text.includes('ETag') ? 'Someone changed this contact meanwhile: here is their version. Make your changes again.' : flash.text;
      return render(c, { book: b, title: `Edit ${card.fn}`, flash: { kind: 'error', text }, status }, <ContactForm book={b} card={card} csrfToken={c.var.csrfToken} />);
    });
  }));
  app.post('/b/:book/c/:card/delete', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    await service().deleteCard(user(c), b.id, c.req.param('card'), metadata(c));
    return done(c, bookUrl(b.id), 'deleted');
  }));
  app.post('/b/:book/c/:card/undelete', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    await service().undeleteCard(user(c), b.id, c.req.param('card'), metadata(c));
    return done(c, bookUrl(b.id, `/c/${encodeURIComponent(c.req.param('card'))}`), 'undeleted');
  }));
  app.post('/b/:book/c/:card/groups', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const cardId = c.req.param('card');
    const wanted = new Set(many((await c.req.parseBody({ all: true })) as FormBody, 'group'));
    const current = new Set((await service().getCard(user(c), b.id, cardId)).groups.map((g) => g.cardId));
    for (const g of await service().groups(user(c), b.id)) {
      if (wanted.has(g.cardId) && !current.has(g.cardId)) await service().addToGroup(user(c), b.id, g.cardId, [cardId], metadata(c));
      if (!wanted.has(g.cardId) && current.has(g.cardId)) await service().removeFromGroup(user(c), b.id, g.cardId, [cardId], metadata(c));
    }
    return done(c, bookUrl(b.id, `/c/${encodeURIComponent(cardId)}`), 'groups');
  }));

  // ---- groups ------------------------------------------------------------------------
  app.post('/b/:book/groups', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const id = await service().createGroup(user(c), b.id, String((await c.req.parseBody()).name ?? ''), metadata(c));
    return done(c, bookUrl(b.id, `?group=${encodeURIComponent(id)}`), 'group-created');
  }));
  app.post('/b/:book/groups/:group/rename', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    await service().renameGroup(user(c), b.id, c.req.param('group'), String((await c.req.parseBody()).name ?? ''), metadata(c));
    return done(c, bookUrl(b.id, `/c/${encodeURIComponent(c.req.param('group'))}`), 'group-saved');
  }));
  app.post('/b/:book/groups/:group/delete', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const withContacts = String((await c.req.parseBody()).withContacts ?? '') === '1';
    await service().deleteGroup(user(c), b.id, c.req.param('group'), { withContacts }, metadata(c));
    return done(c, bookUrl(b.id), 'group-deleted');
  }));

  // ---- import / export ---------------------------------------------------------------
  app.get('/b/:book/import', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    return render(c, { book: b, title: 'Import contacts' }, <ImportView book={b} csrfToken={c.var.csrfToken} />);
  }));
  app.post('/b/:book/import', bodyLimit({ maxSize: MAX_IMPORT_BYTES + 64 * 1024, onError: () => { throw new LimitExceededError(`an import file is limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`); } }), (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const f = await c.req.parseBody();
    const file = f.file;
    if (!(file instanceof File) || file.size === 0) throw new ValidationError('choose a .vcf file');
    const mode = f.mode === 'skip' ? 'skip' : 'merge';
    const result = await service().importVcf(user(c), b.id, await file.text(), mode, metadata(c));
    return render(c, { book: b, title: 'Import contacts' }, <ImportView book={b} csrfToken={c.var.csrfToken} result={result} />);
  }));
  async function exportResponse(c: Context<CairnEnv>, bookId: string, ids: string[] | undefined) {
    const { filename, body } = await service().exportVcf(user(c), bookId, ids);
    c.header('Content-Type', 'text/vcard; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
    c.header('Cache-Control', 'private, no-store');
    return c.body(body);
  }
  app.get('/b/:book/export', (c) => guard(c, async () => {
    const b = await book(c);
    const ids = c.req.queries('card');
    return exportResponse(c, b.id, ids && ids.length > 0 ? ids : undefined);
  }));

  // ---- restore and recently deleted --------------------------------------------------
  const restorePage = async (c: Context<CairnEnv>, b: BookView, extra: { flash?: FlashMessage; status?: 400; preview?: Parameters<typeof RestoreView>[0]['preview'] } = {}) => {
    const [books, deleted] = await Promise.all([service().books(user(c), metadata(c)), service().recentlyDeleted(user(c), b.id)]);
    const targets = [...books.own, ...books.shared.filter((x) => !x.left && x.right !== 'read')];
    return render(c, { book: b, title: `Restore ${b.displayName}`, ...(extra.flash ? { flash: extra.flash } : {}), ...(extra.status ? { status: extra.status } : {}) },
      <RestoreView book={b} targets={targets} deleted={deleted} csrfToken={c.var.csrfToken} preview={extra.preview} />);
  };
  app.get('/b/:book/restore', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    if (!c.req.query('preset') && !c.req.query('at')) return restorePage(c, b);
    try {
      const { point, iso } = restorePointFromForm(c.req.query('preset'), c.req.query('at') || undefined);
      const target = c.req.query('target') ?? 'same';
      const newName = c.req.query('newName') ?? '';
      const summary = await service().previewRestore(user(c), b.id, point, restoreTarget(target, newName, b), metadata(c));
      return restorePage(c, b, { preview: { at: iso, label: `${iso.replace('T', ' ').slice(0, 19)} UTC`, target, newName, summary } });
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return restorePage(c, b, { flash: { kind: 'error', text: e.message }, status: 400 });
    }
  }));
  app.post('/b/:book/restore', (c) => guard(c, async () => {
    const b = await book(c, 'write');
    const f = await c.req.parseBody();
    const { point } = restorePointFromForm(undefined, String(f.at ?? ''));
    const r = await service().restore(user(c), b.id, point, restoreTarget(String(f.target ?? 'same'), String(f.newName ?? ''), b), metadata(c));
    return done(c, bookUrl(r.targetBookId || b.id), 'restored');
  }));

  // ---- manage: name, sharing, leave, delete -------------------------------------------
  app.get('/b/:book/manage', (c) => guard(c, async () => {
    const b = await book(c);
    const admin = b.right === 'owner' || b.right === 'share';
    const [shares, candidates] = admin ? await Promise.all([service().shares(user(c), b.id), service().shareCandidates()]) : [undefined, { users: [], groups: [] }];
    return render(c, { book: b, title: `${b.displayName} settings` }, <ManageView book={b} csrfToken={c.var.csrfToken} shares={shares} users={candidates.users} groups={candidates.groups} />);
  }));
  app.post('/b/:book/settings', (c) => guard(c, async () => {
    const b = await book(c, 'share');
    const f = await c.req.parseBody();
    await service().updateBook(user(c), b.id, { displayName: String(f.displayName ?? ''), description: String(f.description ?? '') }, metadata(c));
    return done(c, bookUrl(b.id, '/manage'), 'book-saved');
  }));
  app.post('/b/:book/share', (c) => guard(c, async () => {
    const b = await book(c, 'share');
    const f = await c.req.parseBody();
    await service().share(user(c), b.id, principalOf(String(f.principal ?? '')), rightOf(String(f.right ?? '')), metadata(c));
    return done(c, bookUrl(b.id, '/manage'), 'shared');
  }));
  app.post('/b/:book/share/revoke', (c) => guard(c, async () => {
    const b = await book(c, 'share');
    await service().unshare(user(c), b.id, principalOf(String((await c.req.parseBody()).principal ?? '')), metadata(c));
    return done(c, bookUrl(b.id, '/manage'), 'revoked');
  }));
  app.post('/b/:book/leave', (c) => guard(c, async () => {
    await service().leaveBook(user(c), c.req.param('book'), metadata(c));
    return done(c, '/contacts', 'left');
  }));
  app.post('/b/:book/join', (c) => guard(c, async () => {
    await service().joinBook(user(c), c.req.param('book'), metadata(c));
    return done(c, bookUrl(c.req.param('book')), 'joined');
  }));
  app.post('/b/:book/undelete', (c) => guard(c, async () => {
    await service().undeleteBook(user(c), c.req.param('book'), metadata(c));
    return done(c, bookUrl(c.req.param('book')), 'book-restored');
  }));
  app.post('/b/:book/delete', (c) => guard(c, async () => {
    const b = await book(c);
    await service().deleteBook(user(c), b.id, metadata(c));
    return done(c, '/contacts', b.kind === 'shared' ? 'left' : 'book-deleted');
  }));

  return app;
}
