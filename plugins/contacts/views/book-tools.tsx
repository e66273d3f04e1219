// The per-book tool pages: import, restore (with recently deleted), and manage
// (name, sharing, leave, delete).
import { CsrfField } from '../../../ui/components/index.ts';
import type { GroupInfo } from '../../../core/identity/identity-api.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import type { BookView, CardSummary, ImportSummary, RestoreSummary, ShareInfo } from '../contacts-service.ts';
import { bookUrl } from './contacts-shell.tsx';

const Head = ({ book, title }: { book: BookView; title: string }) => (
  <div class="contacts-head">
    <h1>{title}</h1>
    <div class="contacts-actions"><a class="btn btn-small btn-ghost" href={bookUrl(book.id)}>← {book.displayName}</a></div>
  </div>
);

/** A list of names, the first few shown and the rest counted. */
function Names({ verb, names }: { verb: string; names: string[] }) {
  if (names.length === 0) return null;
  const shown = names.slice(0, 20);
  return <li>{verb} {names.length} contact{names.length === 1 ? '' : 's'}: {shown.map((n, i) => <>{i > 0 ? ', ' : ''}<strong>{n}</strong></>)}{names.length > shown.length ? ` and ${names.length - shown.length} more` : ''}</li>;
}

export function ImportView({ book, csrfToken, result }: { book: BookView; csrfToken: string; result?: ImportSummary }) {
  return (
    <>
      <Head book={book} title={`Import into ${book.displayName}`} />
      {result ? (
        <section class="card" id="import-result">
          <header><h2>Import finished</h2></header>
          <ul class="summary-list">
            <li>{result.total} contact{result.total === 1 ? '' : 's'} in the file</li>
            <li><strong>{result.added}</strong> added</li>
            <li><strong>{result.merged}</strong> merged into existing contacts</li>
            <li><strong>{result.skipped}</strong> skipped as duplicates</li>
            {result.invalid.length > 0 ? <li><strong>{result.invalid.length}</strong> not readable: {result.invalid.slice(0, 10).map((x) => `#${x.index} (${x.message})`).join('; ')}</li> : null}
          </ul>
          <a class="btn btn-secondary" href={bookUrl(book.id)}>Show the contacts</a>
        </section>
      ) : null}
      <form method="post" action={bookUrl(book.id, '/import')} enctype="multipart/form-data" class="card">
        <CsrfField token={csrfToken} />
        <p class="muted">A .vcf file from Google Contacts, Apple Contacts, Outlook, Thunderbird or any phone (vCard 2.1, 3.0 or 4.0, many contacts in one file).</p>
        <div class="field"><label for="file">File</label><input id="file" name="file" type="file" accept=".vcf,text/vcard,text/x-vcard" required /></div>
        <fieldset>
          <legend>Contacts already here (same UID or same email)</legend>
          <label class="check"><input type="radio" name="mode" value="merge" checked /> Merge: add the new emails, phones and addresses to them</label>
          <label class="check"><input type="radio" name="mode" value="skip" /> Skip: leave them as they are</label>
        </fieldset>
        <button class="btn" type="submit">Import</button>
      </form>
    </>
  );
}

const PRESETS: [string, string][] = [['24h', '24 hours ago'], ['48h', '48 hours ago'], ['7d', '7 days ago'], ['30d', '30 days ago']];

export interface RestoreViewProps {
  book: BookView;
  targets: BookView[];
  deleted: CardSummary[];
  csrfToken: string;
  preview?: { at: string; label: string; target: string; newName: string; summary: RestoreSummary };
}

export function RestoreView({ book, targets, deleted, csrfToken, preview }: RestoreViewProps) {
  const s = preview?.summary;
  const nothing = s && s.restored.length + s.edited.length + s.deleted.length + s.added.length + s.updated.length === 0;
  return (
    <>
      <Head book={book} title={`Restore ${book.displayName}`} />
      <section class="card">
        <header><h2>As it was at an earlier moment</h2><p>Nothing is lost: a restore can itself be undone by another restore.</p></header>
        <form method="get" action={bookUrl(book.id, '/restore')} class="stack">
          <div class="row">
            <div class="field"><label for="preset">As it was</label><select id="preset" name="preset">{PRESETS.map(([v, l]) => <option value={v}>{l}</option>)}</select></div>
            <div class="field"><label for="at">or at (UTC)</label><input id="at" name="at" type="datetime-local" step="1" /></div>
          </div>
          <div class="row">
            <div class="field">
              <label for="target">Into</label>
              <select id="target" name="target">
                <option value="same" selected={!preview || preview.target === 'same'}>this address book</option>
                <option value="new" selected={preview?.target === 'new'}>a new address book</option>
                {targets.filter((t) => t.id !== book.id).map((t) => <option value={t.id} selected={preview?.target === t.id}>{t.displayName}</option>)}
              </select>
            </div>
            <div class="field"><label for="newName">Name of the new book</label><input id="newName" name="newName" value={preview?.newName ?? ''} placeholder={`${book.displayName} (restored)`} maxlength={200} /></div>
          </div>
          <button class="btn btn-secondary" type="submit">Preview</button>
        </form>
        {preview && s ? (
          <div class="stack" id="restore-preview">
            <p>Restoring to <strong>{preview.label}</strong> will:</p>
            {nothing ? <p class="muted">change nothing — it already looks like that.</p> : (
              <ul class="summary-list">
                <Names verb="bring back" names={s.restored} />
                <Names verb="put back the earlier version of" names={s.edited} />
                <Names verb="remove (made later)" names={s.deleted} />
                <Names verb="add" names={s.added} />
                <Names verb="replace (same contact there)" names={s.updated} />
              </ul>
            )}
            {!nothing ? (
              <form method="post" action={bookUrl(book.id, '/restore')}>
                <CsrfField token={csrfToken} />
                <input type="hidden" name="at" value={preview.at} />
                <input type="hidden" name="target" value={preview.target} />
                <input type="hidden" name="newName" value={preview.newName} />
                <button class="btn" type="submit">Restore</button>
              </form>
            ) : null}
          </div>
        ) : null}
      </section>
      <section class="card" id="recently-deleted">
        <header><h2>Recently deleted</h2></header>
        {deleted.length === 0 ? <p class="empty">Nothing deleted recently.</p> : (
          <ul class="list">
            {deleted.map((c) => (
              <li class="row" data-card-id={c.cardId}>
                <span class="grow"><strong>{c.fn}</strong> <span class="muted small">deleted <time datetime={c.deletedAt!} data-local>{c.deletedAt!.replace('T', ' ').slice(0, 16)} UTC</time></span></span>
                <form method="post" action={bookUrl(book.id, `/c/${encodeURIComponent(c.cardId)}/undelete`)}>
                  <CsrfField token={csrfToken} />
                  <button class="btn btn-small btn-secondary" type="submit">Undelete</button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

const RIGHT_LABEL = { read: 'Read-only', write: 'Read-write', share: 'Administration' } as const;

export interface ManageViewProps {
  book: BookView;
  csrfToken: string;
  shares: ShareInfo[] | undefined;
  users: SessionUser[];
  groups: GroupInfo[];
}

const principalValue = (s: ShareInfo) => (s.principal.kind === 'org' ? 'org' : `${s.principal.kind}:${s.principal.id}`);

export function ManageView({ book, csrfToken, shares, users, groups }: ManageViewProps) {
  const canAdmin = book.right === 'owner' || book.right === 'share';
  return (
    <>
      <Head book={book} title={`${book.displayName}: ${book.kind === 'shared' ? 'sharing' : 'settings'}`} />
      {book.kind === 'shared' ? (
        <section class="card">
          <header><h2>Shared with you</h2><p>Your right: {book.right === 'read' ? 'read-only' : book.right === 'write' ? 'read-write' : 'administration'}.</p></header>
          <form method="post" action={bookUrl(book.id, '/leave')}>
            <CsrfField token={csrfToken} />
            <button class="btn btn-danger" type="submit">Leave this address book</button>
          </form>
          <p class="small muted">It disappears from your list and your devices; you can accept it again later.</p>
        </section>
      ) : null}
      {canAdmin ? (
        <section class="card">
          <header><h2>Name</h2></header>
          <form method="post" action={bookUrl(book.id, '/settings')} class="stack">
            <CsrfField token={csrfToken} />
            <div class="field"><label for="displayName">Name</label><input id="displayName" name="displayName" value={book.displayName} required maxlength={200} /></div>
            <div class="field"><label for="description">Description</label><textarea id="description" name="description" rows={2} maxlength={2000}>{book.description}</textarea></div>
            <button class="btn btn-secondary" type="submit">Save</button>
          </form>
        </section>
      ) : null}
      {canAdmin && shares ? (
        <section class="card" id="sharing">
          <header><h2>Sharing</h2><p>Read-only: see the contacts. Read-write: also add, edit and delete. Administration: also share and rename.</p></header>
          {shares.length === 0 ? <p class="empty">Not shared with anyone.</p> : (
            <div class="table-wrap">
              <table>
                <thead><tr><th>With</th><th>Right</th><th></th></tr></thead>
                <tbody>
                  {shares.map((s) => (
                    <tr data-share={principalValue(s)}>
                      <td>{s.label}</td>
                      <td>
                        <form method="post" action={bookUrl(book.id, '/share')} class="row">
                          <CsrfField token={csrfToken} />
                          <input type="hidden" name="principal" value={principalValue(s)} />
                          <label class="visually-hidden" for={`right-${principalValue(s)}`}>Right</label>
                          <select id={`right-${principalValue(s)}`} name="right">{(['read', 'write', 'share'] as const).map((r) => <option value={r} selected={s.right === r}>{RIGHT_LABEL[r]}</option>)}</select>
                          <button class="btn btn-small btn-secondary" type="submit">Change</button>
                        </form>
                      </td>
                      <td class="actions">
                        <form method="post" action={bookUrl(book.id, '/share/revoke')}>
                          <CsrfField token={csrfToken} />
                          <input type="hidden" name="principal" value={principalValue(s)} />
                          <button class="btn btn-small btn-danger" type="submit">Revoke</button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <form method="post" action={bookUrl(book.id, '/share')} class="row">
            <CsrfField token={csrfToken} />
            <div class="field">
              <label for="share-with">Share with</label>
              <select id="share-with" name="principal" required>
                <optgroup label="People">{users.filter((u) => u.id !== book.owner).map((u) => <option value={`user:${u.id}`}>{u.displayName ? `${u.displayName} <${u.email}>` : u.email}</option>)}</optgroup>
                {groups.length > 0 ? <optgroup label="Groups">{groups.map((g) => <option value={`group:${g.id}`}>{g.name}</option>)}</optgroup> : null}
                <option value="org">Everyone in the organization</option>
              </select>
            </div>
            <div class="field">
              <label for="share-right">Right</label>
              <select id="share-right" name="right">{(['read', 'write', 'share'] as const).map((r) => <option value={r}>{RIGHT_LABEL[r]}</option>)}</select>
            </div>
            <button class="btn" type="submit">Share</button>
          </form>
        </section>
      ) : null}
      {book.kind === 'own' ? (
        <section class="card">
          <header><h2>Delete</h2><p>The address book and its contacts go away on every device. It can be brought back by a restore within the retention window.</p></header>
          <form method="post" action={bookUrl(book.id, '/delete')}>
            <CsrfField token={csrfToken} />
            <button class="btn btn-danger" type="submit">Delete this address book</button>
          </form>
        </section>
      ) : null}
    </>
  );
}
