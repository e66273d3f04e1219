import { CsrfField } from '../../../ui/components/index.ts';
import type { BookView, CardSummary, GroupSummary } from '../contacts-service.ts';
import { bookUrl } from './contacts-shell.tsx';

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1]![0] : '')).toUpperCase();
}

export function Avatar({ c, large }: { c: { bookId: string; cardId: string; fn: string; hasPhoto: boolean }; large?: boolean }) {
  const cls = large ? 'avatar avatar-large' : 'avatar';
  return c.hasPhoto
    ? <img class={cls} src={bookUrl(c.bookId, `/c/${encodeURIComponent(c.cardId)}/photo`)} alt="" width={large ? 96 : 40} height={large ? 96 : 40} loading="lazy" />
    : <span class={cls} aria-hidden="true">{initials(c.fn)}</span>;
}

export interface ListProps {
  book: BookView;
  cards: CardSummary[];
  groups: GroupSummary[];
  group?: string;
  q: string;
  csrfToken: string;
}

export function ContactListView({ book, cards, groups, group, q, csrfToken }: ListProps) {
  const writable = book.right !== 'read';
  const isDirectory = book.kind === 'directory';
  const groupName = group === 'none' ? 'Without group' : groups.find((g) => g.cardId === group)?.fn;
  return (
    <>
      <div class="contacts-head">
        <h1>{book.displayName}{groupName ? <span class="muted"> · {groupName}</span> : null}</h1>
        <div class="contacts-actions">
          <a class="btn btn-small btn-ghost show-narrow" href="#contacts-side">Books &amp; groups</a>
          {writable && !isDirectory ? <a class="btn btn-small" href={bookUrl(book.id, '/new')}>New contact</a> : null}
          {writable && !isDirectory ? <a class="btn btn-small btn-secondary" href={bookUrl(book.id, '/import')}>Import</a> : null}
          {!isDirectory ? <a class="btn btn-small btn-secondary" href={bookUrl(book.id, '/export')} download>Export</a> : null}
          {!isDirectory ? <a class="btn btn-small btn-secondary" href={bookUrl(book.id, '/manage')}>{book.kind === 'shared' ? 'Sharing' : 'Manage'}</a> : null}
          {writable && !isDirectory ? <a class="btn btn-small btn-secondary" href={bookUrl(book.id, '/restore')}>Restore</a> : null}
        </div>
      </div>
      {book.description ? <p class="muted">{book.description}</p> : null}
      <form method="get" action={bookUrl(book.id)} class="contacts-search" role="search">
        {group ? <input type="hidden" name="group" value={group} /> : null}
        <label class="visually-hidden" for="q">Search contacts</label>
        <input id="q" type="search" name="q" value={q} placeholder="Search name, email, phone, company" autocomplete="off"
          hx-get={bookUrl(book.id)} hx-trigger="input changed delay:300ms, search" hx-target="#contact-list" hx-select="#contact-list" hx-swap="outerHTML" hx-include="closest form" hx-push-url="true" />
        <button class="btn btn-secondary" type="submit">Search</button>
      </form>
      <div id="contact-list">
        {q ? <p class="small"><a href={`/contacts/search?q=${encodeURIComponent(q)}`}>Search all my address books for “{q}”</a></p> : null}
        {cards.length === 0 ? <p class="empty">{q ? 'No contact matches.' : 'No contacts here yet.'}</p> : (
          <form method="post" action={bookUrl(book.id, '/selection')}>
            <CsrfField token={csrfToken} />
            {!isDirectory ? (
              <div class="selection-bar">
                <span class="small muted">Selected:</span>
                <button class="btn btn-small btn-secondary" type="submit" name="action" value="export">Export</button>
                {writable && groups.length > 0 ? (
                  <>
                    <label class="visually-hidden" for="sel-group">Group</label>
                    <select id="sel-group" name="group">{groups.map((g) => <option value={g.cardId} selected={g.cardId === group}>{g.fn}</option>)}</select>
                    <button class="btn btn-small btn-secondary" type="submit" name="action" value="add-to-group">Add to group</button>
                    <button class="btn btn-small btn-secondary" type="submit" name="action" value="remove-from-group">Remove from group</button>
                  </>
                ) : null}
                {writable ? <button class="btn btn-small btn-danger" type="submit" name="action" value="delete">Delete</button> : null}
              </div>
            ) : null}
            <ul class="contact-list">
              {cards.map((c) => (
                <li data-card-id={c.cardId}>
                  {!isDirectory ? <input type="checkbox" name="card" value={c.cardId} aria-label={`Select ${c.fn}`} /> : null}
                  <Avatar c={c} />
                  <a class="who" href={bookUrl(c.bookId, `/c/${encodeURIComponent(c.cardId)}`)}>
                    <strong>{c.fn || '(no name)'}</strong>
                    <span class="sub">{[c.emails[0], c.phones[0], c.org].filter(Boolean).join(' · ')}</span>
                  </a>
                </li>
              ))}
            </ul>
          </form>
        )}
      </div>
    </>
  );
}

export function SearchResultsView({ q, results }: { q: string; results: (CardSummary & { bookName: string })[] }) {
  return (
    <>
      <div class="contacts-head"><h1>Search</h1></div>
      <form method="get" action="/contacts/search" class="contacts-search" role="search">
        <label class="visually-hidden" for="q">Search all address books</label>
        <input id="q" type="search" name="q" value={q} placeholder="Search all address books" />
        <button class="btn btn-secondary" type="submit">Search</button>
      </form>
      <div id="contact-list">
        {results.length === 0 ? <p class="empty">{q ? 'No contact matches.' : 'Type a name, email, phone or company.'}</p> : (
          <ul class="contact-list">
            {results.map((c) => (
              <li data-card-id={c.cardId}>
                <Avatar c={c} />
                <a class="who" href={bookUrl(c.bookId, `/c/${encodeURIComponent(c.cardId)}`)}>
                  <strong>{c.fn || '(no name)'}</strong>
                  <span class="sub">{[c.emails[0], c.phones[0], c.org, c.bookName].filter(Boolean).join(' · ')}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}
