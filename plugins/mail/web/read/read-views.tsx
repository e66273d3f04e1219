// Views of the reading side: the message list, the reading pane, search results,
// recently deleted, folder management and folder restore. All render inside MailShell.
import type { ThreadMember } from '../../threads/thread-query.ts';
import { raw } from 'hono/html';
import { CsrfField } from '../../../../ui/components/csrf-field.tsx';
import { Flash } from '../../../../ui/components/flash.tsx';
import type { ExpungedMessage, MailboxInfo } from '../../store/types.ts';
import { Icon } from '../shared/icons.tsx';
import { leafName, sortMailboxes } from '../shared/mail-shell.tsx';
import type { ListFilter, ListPage, ListRow, ListSort } from './message-list-query.ts';
import { FILTERS, SORTS } from './message-list-query.ts';
import type { RenderedMessage } from './render-message.ts';

export const FILTER_LABELS: Record<ListFilter, string> = { all: 'All', read: 'Read', unread: 'Unread', starred: 'Starred', unstarred: 'Unstarred' };
const SORT_LABELS: Record<ListSort, string> = { date: 'Date', from: 'From', subject: 'Subject', size: 'Size' };

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export interface ListState { sort: ListSort; filter: ListFilter; /** One row per conversation (newest message), date order only. */ threads?: boolean }

export function listHref(mailboxId: string, s: ListState, extra: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  if (s.sort !== 'date') p.set('sort', s.sort);
  if (s.filter !== 'all') p.set('filter', s.filter);
  if (s.threads) p.set('threads', '1');
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) p.set(k, String(v));
  const qs = p.toString();
  return `/mail/m/${mailboxId}${qs ? `?${qs}` : ''}`;
}

const starred = (flags: readonly string[]) => flags.includes('\\Flagged');
const seen = (flags: readonly string[]) => flags.includes('\\Seen');

export function StarButton({ mailboxId, uid, on }: { mailboxId: string; uid: number; on: boolean }) {
  return (
    <button type="button" class={`mail-star${on ? ' on' : ''}`} hx-post={`/mail/m/${mailboxId}/${uid}/star`} hx-vals={JSON.stringify({ on: on ? '0' : '1' })}
      hx-swap="outerHTML" aria-pressed={on ? 'true' : 'false'} aria-label={on ? 'Unstar' : 'Star'} title={on ? 'Unstar' : 'Star'} data-star={uid}>
      {on ? '★' : '☆'}
    </button>
  );
}

function Row({ m, mailboxId, selected, state, threadSize }: { m: ListRow; mailboxId: string; selected: boolean; state: ListState; threadSize: number | undefined }) {
  const d = new Date(m.internalDate);
  return (
    <li class={`mail-row${seen(m.flags) ? '' : ' unread'}${selected ? ' selected' : ''}`} data-uid={m.uid} draggable="true">
      <input type="checkbox" name="uid" value={String(m.uid)} form="mail-bulk" aria-label={`Select “${m.subject || '(no subject)'}”`} />
      <StarButton mailboxId={mailboxId} uid={m.uid} on={starred(m.flags)} />
      <a class="mail-row-link" href={`${listHref(mailboxId, state).replace(/^\/mail\/m\/[^?]+/, `/mail/m/${mailboxId}/${m.uid}`)}`} aria-current={selected ? 'true' : undefined}>
        <span class="from">{m.from || '(unknown sender)'}</span>
        <span class="subject">{threadSize ? <span class="mail-thread-count" title={`${threadSize} messages in this conversation`}>{threadSize}</span> : null}{m.subject || '(no subject)'}{m.hasAttachments ? <span class="clip"> <Icon name="clip" label="has attachments" /></span> : null}</span>
        <time datetime={d.toISOString()} data-local>{d.toISOString().slice(0, 16).replace('T', ' ')}</time>
        <span class="size">{formatSize(m.size)}</span>
      </a>
    </li>
  );
}

export interface ListPaneProps {
  mailbox: MailboxInfo;
  mailboxes: readonly MailboxInfo[];
  page: ListPage;
  state: ListState;
  selectedUid?: number | undefined;
  csrfToken: string;
  /** Conversation sizes (2+) of the rows on this page, by UID. */
  threadSizes?: ReadonlyMap<number, number>;
}

export function ListPane({ mailbox, mailboxes, page, state, selectedUid, csrfToken, threadSizes }: ListPaneProps) {
  const targets = sortMailboxes(mailboxes).filter((m) => m.id !== mailbox.id);
  const inTrash = mailbox.specialUse === '\\Trash';
  return (
    <section class="mail-list" id="mail-list" aria-label={`Messages in ${leafName(mailbox.name)}`} data-mailbox={mailbox.id}>
      <header class="mail-list-head">
        <h1>{leafName(mailbox.name)} <span class="muted">{plural(mailbox.messages, 'message')}{mailbox.unseen ? `, ${mailbox.unseen} unread` : ''}</span></h1>
        <nav class="mail-filters" aria-label="Filter">
          {FILTERS.map((f) => <a href={listHref(mailbox.id, { ...state, filter: f })} aria-current={state.filter === f ? 'true' : undefined}>{FILTER_LABELS[f]}</a>)}
        </nav>
        <nav class="mail-sorts" aria-label="Sort by">
          <span class="muted">Sort:</span>
          {SORTS.map((s) => <a href={listHref(mailbox.id, { ...state, sort: s, threads: false })} aria-current={state.sort === s && !state.threads ? 'true' : undefined}>{SORT_LABELS[s]}</a>)}
          <a href={listHref(mailbox.id, { sort: 'date', filter: 'all', threads: !state.threads })} aria-current={state.threads ? 'true' : undefined} id="mail-threads-toggle">Conversations</a>
        </nav>
      </header>
      <form id="mail-bulk" class="mail-bulk" method="post" action={`/mail/m/${mailbox.id}/bulk`}>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="back" value={listHref(mailbox.id, state)} />
        <label class="mail-select-all"><input type="checkbox" data-select-all aria-label="Select all on this page" /></label>
        <button class="btn btn-small btn-secondary" name="action" value="read">Mark read</button>
        <button class="btn btn-small btn-secondary" name="action" value="unread">Mark unread</button>
        <button class="btn btn-small btn-secondary" name="action" value="star">Star</button>
        <button class="btn btn-small btn-secondary" name="action" value="unstar">Unstar</button>
        <button class="btn btn-small btn-secondary" name="action" value="delete" data-bulk-delete>{inTrash ? 'Delete forever' : 'Delete'}</button>
        {mailbox.specialUse === '\\Junk' ? null : <button class="btn btn-small btn-secondary" name="action" value="spam">Spam</button>}
        <span class="mail-move">
          <label class="visually-hidden" for="mail-move-target">Move to</label>
          <select id="mail-move-target" name="target">
            <option value="">Move to…</option>
            {targets.map((t) => <option value={t.id}>{t.name}</option>)}
          </select>
          <button class="btn btn-small btn-secondary" name="action" value="move">Move</button>
        </span>
      </form>
      {page.rows.length === 0
        ? <p class="mail-empty">{state.filter === 'all' ? 'No messages in this folder.' : `No ${FILTER_LABELS[state.filter].toLowerCase()} messages.`}</p>
        : <ul class="mail-rows">{page.rows.map((m) => <Row m={m} mailboxId={mailbox.id} selected={m.uid === selectedUid} state={state} threadSize={threadSizes?.get(m.uid)} />)}</ul>}
      <nav class="mail-paging" aria-label="Pages">
        {state.sort === 'date'
          ? <>
            {page.newerThan !== undefined ? <a rel="prev" href={listHref(mailbox.id, state, { after: page.newerThan })}>← Newer</a> : null}
            {page.olderThan !== undefined ? <a rel="next" href={listHref(mailbox.id, state, { before: page.olderThan })}>Older →</a> : null}
          </>
          : <>
            {page.offset > 0 ? <a rel="prev" href={listHref(mailbox.id, state, { offset: Math.max(0, page.offset - page.rows.length - (page.hasMore ? 0 : 0)) })}>← Previous</a> : null}
            {page.hasMore ? <a rel="next" href={listHref(mailbox.id, state, { offset: page.offset + page.rows.length })}>Next →</a> : null}
          </>}
      </nav>
      <details class="mail-folder-tools">
        <summary>Folder tools</summary>
        <form method="get" action={`/mail/m/${mailbox.id}/restore`} class="mail-inline-form">
          <label for="restore-preset">Restore this folder as it was</label>
          <select id="restore-preset" name="preset">
            <option value="24h">24 hours ago</option><option value="48h">48 hours ago</option>
            <option value="7d">7 days ago</option><option value="30d">30 days ago</option>
          </select>
          <label for="restore-at">or at</label>
          <input id="restore-at" type="datetime-local" name="at" />
          <button class="btn btn-small btn-secondary" type="submit">Preview</button>
        </form>
      </details>
    </section>
  );
}

export function ReadingPane({ mailbox, uid, msg, flags, csrfToken, imagesShown, conversation = [], senderPresence }: { mailbox: MailboxInfo; uid: number; msg: RenderedMessage; flags: readonly string[]; csrfToken: string; imagesShown: boolean; conversation?: readonly ThreadMember[]; senderPresence?: string | undefined }) {
  const base = `/mail/m/${mailbox.id}/${uid}`;
  const ref = `${mailbox.id}:${uid}`;
  return (
    <article class="mail-reader" id="mail-reader" aria-label="Message" data-uid={uid}>
      <p class="mail-back"><a href={`/mail/m/${mailbox.id}`}>← Back to {leafName(mailbox.name)}</a></p>
      <header>
        <h2 class="mail-subject">{msg.subject || '(no subject)'}</h2>
        <div class="mail-actions">
          <a class="btn btn-small" href={`/mail/compose?reply=${encodeURIComponent(ref)}`} data-key="r">Reply</a>
          <a class="btn btn-small btn-secondary" href={`/mail/compose?replyAll=${encodeURIComponent(ref)}`}>Reply all</a>
          <a class="btn btn-small btn-secondary" href={`/mail/compose?forward=${encodeURIComponent(ref)}`}>Forward</a>
          <StarButton mailboxId={mailbox.id} uid={uid} on={flags.includes('\\Flagged')} />
          <form method="post" action={`/mail/m/${mailbox.id}/bulk`} class="mail-inline-form">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="uid" value={String(uid)} />
            <input type="hidden" name="back" value={`/mail/m/${mailbox.id}`} />
            <button class="btn btn-small btn-secondary" name="action" value="archive" data-key="e">Archive</button>
            <button class="btn btn-small btn-secondary" name="action" value="delete" data-key="#">Delete</button>
            <button class="btn btn-small btn-secondary" name="action" value="unread">Mark unread</button>
          </form>
          <a class="btn btn-small btn-ghost" href={`${base}/raw`} target="_blank" rel="noopener">View source</a>
        </div>
        <dl class="mail-headers">
          <dt>From</dt>
          <dd>
            {senderPresence ? <><span class={`presence presence-${senderPresence}`} role="img" aria-label={senderPresence} data-sender-presence></span>{' '}</> : null}
            {msg.from}{' '}
            {msg.sender === 'verified'
              ? <span class="mail-sender verified" title={msg.senderDetail}>✔ verified sender</span>
              : msg.sender === 'not-verified'
                ? <span class="mail-sender not-verified" title={msg.senderDetail}>⚠ sender not verified</span>
                : <span class="mail-sender unknown" title={msg.senderDetail}>sender not verified</span>}
          </dd>
          {msg.to ? <><dt>To</dt><dd>{msg.to}</dd></> : null}
          {msg.cc ? <><dt>Cc</dt><dd>{msg.cc}</dd></> : null}
          {msg.date ? <><dt>Date</dt><dd><time datetime={msg.date.toISOString()} data-local>{msg.date.toISOString()}</time></dd></> : null}
        </dl>
      </header>
      {msg.blockedImages > 0 && !imagesShown
        ? <div class="flash flash-info mail-images-blocked" role="status">
          {msg.blockedImages} remote image{msg.blockedImages === 1 ? ' was' : 's were'} blocked to protect your privacy.{' '}
          <a class="btn btn-small btn-secondary" href={`${base}?images=1`}>Show images</a>
        </div>
        : null}
      {conversation.length > 1 ? <Conversation members={conversation} mailboxId={mailbox.id} uid={uid} /> : null}
      <div class={`mail-body ${msg.isHtml ? 'html' : 'text'}`}>{raw(msg.bodyHtml)}</div>
      {msg.attachments.length > 0
        ? <section class="mail-attachments" aria-label="Attachments">
          <h3>Attachments</h3>
          <ul>
            {msg.attachments.map((a) => (
              <li>
                <a href={`${base}/att/${a.index}`} download={a.filename}><Icon name="clip" /> {a.filename}</a> <span class="muted">{a.contentType}, {formatSize(a.size)}</span>
                {a.previewable ? <> · <a href={`${base}/att/${a.index}?inline=1`} target="_blank" rel="noopener">Preview</a></> : null}
                {a.previewable && a.contentType.startsWith('image/') ? <img class="mail-att-thumb" src={`${base}/att/${a.index}?inline=1`} alt={a.filename} loading="lazy" /> : null}
              </li>
            ))}
          </ul>
        </section>
        : null}
    </article>
  );
}

/** The other messages of the conversation, oldest first, the open one marked. */
function Conversation({ members, mailboxId, uid }: { members: readonly ThreadMember[]; mailboxId: string; uid: number }) {
  return (
    <details class="mail-conversation" open>
      <summary>Conversation · {plural(members.length, 'message')}</summary>
      <ol>
        {members.map((t) => {
          const current = t.mailboxId === mailboxId && t.uid === uid;
          const d = new Date(t.internalDate);
          return (
            <li class={`${current ? 'current' : ''}${t.seen ? '' : ' unread'}`}>
              {current
                ? <strong aria-current="true">{t.from || '(unknown sender)'}</strong>
                : <a href={`/mail/m/${t.mailboxId}/${t.uid}`}>{t.from || '(unknown sender)'}</a>}
              {' '}<span class="muted">{t.subject || '(no subject)'}</span>
              {' '}<time datetime={d.toISOString()} data-local>{d.toISOString().slice(0, 16).replace('T', ' ')}</time>
              {t.mailboxId === mailboxId ? null : <span class="mail-conv-folder">{leafName(t.mailboxName)}</span>}
            </li>
          );
        })}
      </ol>
    </details>
  );
}

export interface SearchResult { mailbox: MailboxInfo; uid: number; subject: string; from: string; date: number; size: number; flags: string[] }

export function SearchPane({ q, results, scope, excluded, includeHref }: { q: string; results: SearchResult[]; scope: string; excluded: boolean; includeHref: string }) {
  return (
    <section class="mail-list mail-search-results" id="mail-list" aria-label="Search results">
      <header class="mail-list-head"><h1>Search {q ? <>for “{q}”</> : null} <span class="muted">{results.length} found {scope}</span></h1></header>
      {excluded ? <p class="hint mail-hint">Trash and Junk were not searched. <a href={includeHref}>Include Trash and Junk</a></p> : null}
      {results.length === 0 ? <p class="mail-empty">Nothing found.</p> : (
        <ul class="mail-rows">
          {results.map((r) => (
            <li class={`mail-row${seen(r.flags) ? '' : ' unread'}`}>
              <a class="mail-row-link" href={`/mail/m/${r.mailbox.id}/${r.uid}`}>
                <span class="from">{r.from || '(unknown sender)'}</span>
                <span class="subject">{r.subject || '(no subject)'} <span class="muted">in {r.mailbox.name}</span></span>
                <time datetime={new Date(r.date).toISOString()} data-local>{new Date(r.date).toISOString().slice(0, 16)}</time>
                <span class="size">{formatSize(r.size)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function DeletedPane({ items, csrfToken, flash }: { items: ExpungedMessage[]; csrfToken: string; flash?: string | undefined }) {
  return (
    <section class="mail-list" id="mail-list" aria-label="Recently deleted">
      <header class="mail-list-head"><h1>Recently deleted <span class="muted">{plural(items.length, 'message')}</span></h1></header>
      {flash ? <Flash kind="success">{flash}</Flash> : null}
      {items.length === 0 ? <p class="mail-empty">Nothing was deleted recently.</p> : (
        <ul class="mail-rows">
          {items.map((m) => (
            <li class="mail-row" data-deleted={`${m.mailboxId}:${m.uid}`}>
              <span class="mail-row-link">
                <span class="from">{m.from || '(unknown sender)'}</span>
                <span class="subject">{m.subject || '(no subject)'} <span class="muted">from {m.mailboxName ?? 'a deleted folder'}</span></span>
                <time datetime={m.expungedAt} data-local>{m.expungedAt.slice(0, 16)}</time>
              </span>
              <form method="post" action="/mail/deleted/restore" class="mail-inline-form">
                <CsrfField token={csrfToken} />
                <input type="hidden" name="item" value={`${m.mailboxId}:${m.uid}`} />
                <button class="btn btn-small btn-secondary" type="submit">Restore</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function RestorePane({ mailbox, label, at, summary, csrfToken }: { mailbox: MailboxInfo; label: string; at: string; summary: { restored: number; removed: number; reflagged: number }; csrfToken: string }) {
  const nothing = summary.restored + summary.removed + summary.reflagged === 0;
  return (
    <section class="mail-list card" id="mail-list" aria-label="Restore preview">
      <h1>Restore {leafName(mailbox.name)} as it was at {label}</h1>
      {nothing ? <p>The folder looked the same then: nothing to restore.</p> : (
        <ul class="mail-restore-summary">
          <li>{summary.restored} message{summary.restored === 1 ? '' : 's'} come back</li>
          <li>{summary.removed} message{summary.removed === 1 ? '' : 's'} added since then are removed (they stay in “Recently deleted”)</li>
          <li>{summary.reflagged} message{summary.reflagged === 1 ? '' : 's'} get their flags back</li>
        </ul>
      )}
      <form method="post" action={`/mail/m/${mailbox.id}/restore`} class="mail-inline-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="at" value={at} />
        <button class="btn" type="submit" disabled={nothing}>Restore</button>
        <a class="btn btn-ghost" href={`/mail/m/${mailbox.id}`}>Cancel</a>
      </form>
      <p class="hint">The folder's history is kept: a restore can itself be undone.</p>
    </section>
  );
}

export function FoldersPane({ mailboxes, csrfToken, error, done }: { mailboxes: readonly MailboxInfo[]; csrfToken: string; error?: string | undefined; done?: string | undefined }) {
  return (
    <section class="mail-list card" id="mail-list" aria-label="Folders">
      <h1>Folders</h1>
      {error ? <Flash kind="error">{error}</Flash> : null}
      {done ? <Flash kind="success">{done}</Flash> : null}
      <form method="post" action="/mail/folders" class="mail-inline-form">
        <CsrfField token={csrfToken} />
        <label for="new-folder">New folder</label>
        <input id="new-folder" name="name" required maxlength={200} placeholder="Projects/2026" />
        <button class="btn btn-small" type="submit">Create</button>
      </form>
      <ul class="mail-folder-admin">
        {sortMailboxes(mailboxes).map((m) => (
          <li>
            <span class="name">{m.name}</span> <span class="muted">{plural(m.messages, 'message')}</span>
            {m.name === 'INBOX' || m.specialUse ? null : (
              <>
                <form method="post" action={`/mail/m/${m.id}/rename`} class="mail-inline-form">
                  <CsrfField token={csrfToken} />
                  <label class="visually-hidden" for={`rename-${m.id}`}>New name for {m.name}</label>
                  <input id={`rename-${m.id}`} name="name" value={m.name} required />
                  <button class="btn btn-small btn-secondary" type="submit">Rename</button>
                </form>
                <form method="post" action={`/mail/m/${m.id}/delete-folder`} class="mail-inline-form">
                  <CsrfField token={csrfToken} />
                  <button class="btn btn-small btn-danger" type="submit">Delete</button>
                </form>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
