// The frame of every contacts page: the sidebar (own books, shared books, the
// directory, the current book's groups) beside the page's own content.
import type { Child } from 'hono/jsx';
import { CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { BookView, GroupSummary } from '../contacts-service.ts';

export interface ShellProps {
  books: { own: BookView[]; shared: BookView[]; directory: BookView };
  current?: BookView;
  groups?: GroupSummary[];
  /** The active list filter: a group id, 'none' (without group), or undefined (all). */
  group?: string;
  /** The user's own deleted books, offered back. */
  deleted?: { id: string; displayName: string; deletedAt: string }[];
  csrfToken: string;
  flash?: FlashMessage | undefined;
  children?: Child;
}

export const bookUrl = (id: string, rest = '') => `/contacts/b/${encodeURIComponent(id)}${rest}`;

function BookLink({ b, current, label }: { b: BookView; current: string | undefined; label?: string }) {
  return (
    <li>
      <a href={bookUrl(b.id)} aria-current={current === b.id ? 'page' : undefined}>
        <span>{label ?? b.displayName}</span>
        {b.kind === 'shared' ? <span class="badge">{b.right === 'read' ? 'read-only' : b.right === 'write' ? 'can edit' : 'admin'}</span> : null}
      </a>
    </li>
  );
}

export function ContactsShell({ books, current, groups, group, deleted, csrfToken, flash, children }: ShellProps) {
  const visibleShared = books.shared.filter((b) => !b.left);
  const leftShared = books.shared.filter((b) => b.left);
  const isGroupView = current && current.kind !== 'directory';
  return (
    <div class="contacts-app">
      <link rel="stylesheet" href="/contacts/contacts.css" />
      <nav class="contacts-side" id="contacts-side" aria-label="Address books and groups">
        <h2>My address books</h2>
        <ul>{books.own.map((b) => <BookLink b={b} current={current?.id} />)}</ul>
        <details>
          <summary class="small muted">New address book</summary>
          <form method="post" action="/contacts/books" class="stack">
            <CsrfField token={csrfToken} />
            <div class="field"><label for="new-book-name">Name</label><input id="new-book-name" name="displayName" required maxlength={200} /></div>
            <button class="btn btn-small btn-secondary" type="submit">Create</button>
          </form>
        </details>
        {deleted && deleted.length > 0 ? (
          <details>
            <summary class="small muted">Deleted address books ({deleted.length})</summary>
            <ul>
              {deleted.map((b) => (
                <li class="row">
                  <span class="grow">{b.displayName}</span>
                  <form method="post" action={bookUrl(b.id, '/undelete')}><CsrfField token={csrfToken} /><button class="btn btn-small btn-secondary" type="submit">Bring back</button></form>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {visibleShared.length > 0 ? (<><h2>Shared with me</h2><ul>{visibleShared.map((b) => <BookLink b={b} current={current?.id} />)}</ul></>) : null}
        {leftShared.length > 0 ? (
          <details>
            <summary class="small muted">Left shared books ({leftShared.length})</summary>
            <ul>
              {leftShared.map((b) => (
                <li class="row">
                  <span>{b.displayName}</span>
                  <form method="post" action={bookUrl(b.id, '/join')}><CsrfField token={csrfToken} /><button class="btn btn-small btn-secondary" type="submit">Accept again</button></form>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        <ul><li><a href="/contacts/suggested"><span>People you write to</span></a></li></ul>
        <h2>Organization</h2>
        <ul><BookLink b={books.directory} current={current?.id} label="Directory" /></ul>
        {isGroupView ? (
          <>
            <h2>Groups in {current.displayName}</h2>
            <ul>
              <li><a href={bookUrl(current.id)} aria-current={!group ? 'page' : undefined}><span>All contacts</span></a></li>
              {(groups ?? []).map((g) => (
                <li><a href={bookUrl(current.id, `?group=${encodeURIComponent(g.cardId)}`)} aria-current={group === g.cardId ? 'page' : undefined}><span>{g.fn}</span><span class="count">{g.members}</span></a></li>
              ))}
              <li><a href={bookUrl(current.id, '?group=none')} aria-current={group === 'none' ? 'page' : undefined}><span>Without group</span></a></li>
            </ul>
            {current.right !== 'read' ? (
              <details>
                <summary class="small muted">New group</summary>
                <form method="post" action={bookUrl(current.id, '/groups')} class="stack">
                  <CsrfField token={csrfToken} />
                  <div class="field"><label for="new-group-name">Group name</label><input id="new-group-name" name="name" required maxlength={200} /></div>
                  <button class="btn btn-small btn-secondary" type="submit">Create group</button>
                </form>
              </details>
            ) : null}
          </>
        ) : null}
      </nav>
      <div class="contacts-main">
        <MaybeFlash message={flash} />
        {children}
      </div>
    </div>
  );
}
