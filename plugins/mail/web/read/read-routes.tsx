// The reading side of webmail, mounted at /mail (issue 4). Every route is behind
// requireUser and touches only the signed-in user's own mailboxes: each mailbox id in a
// URL or form goes through ownMailbox(), so someone else's id is a 404 like an unknown one.
//
// GET  /mail                         → the INBOX
// GET  /mail/m/:mb                   list (sort, filter, UID-window paging)
// GET  /mail/m/:mb/:uid              reading pane (marks \Seen; ?images=1 shows remote images)
// GET  /mail/m/:mb/:uid/raw          source as text/plain
// GET  /mail/m/:mb/:uid/att/:n       attachment download (?inline=1: preview for images/PDF)
// POST /mail/m/:mb/:uid/star         star toggle (htmx: the button; otherwise a redirect)
// POST /mail/m/:mb/bulk              read/unread/star/unstar/move/delete/spam/archive
// GET/POST /mail/m/:mb/restore       folder restore preview / apply
// POST /mail/m/:mb/rename, /delete-folder, /mail/folders (create), GET /mail/folders
// GET  /mail/search                  search (all folders leaves out Trash and Junk)
// GET  /mail/deleted, POST /mail/deleted/restore
// GET  /mail/events                  SSE: "mail" events when the user's mail changes
import { conversationOf, threadSizes } from '../../threads/thread-query.ts';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Kysely } from 'kysely';
import { isCairnError, NotFoundError, ValidationError } from '../../../../core/errors.ts';
import type { CairnEnv } from '../../../../core/http/env.ts';
import { requireUser } from '../../../../core/http/require-user.ts';
import { isHtmx } from '../../../../core/http/wants-json.ts';
import { restorePointFromForm } from '../../../../core/restore/restore-point.ts';
import type { MailboxInfo } from '../../store/types.ts';
import type { MailWebDeps, MailWebDepsFn } from '../mail-web-deps.ts';
import { ownMailbox, ownMailboxes, uiMeta } from '../shared/mail-access.ts';
import { MailShell, leafName } from '../shared/mail-shell.tsx';
import { mailStaticRoutes } from '../shared/mail-static.ts';
import { FILTERS, listMessages, SORTS, type ListFilter, type ListSort, listConversations } from './message-list-query.ts';
import { DeletedPane, FoldersPane, ListPane, ReadingPane, RestorePane, SearchPane, StarButton, type ListState, type SearchResult } from './read-views.tsx';
import { attachmentInfo, contentDisposition, parseMessage, renderMessage } from './render-message.ts';

/** Keep-alive comment interval of the event stream (proxies drop idle connections). */
const SSE_PING_MS = 25_000;
/**
 * Policies of their own for these responses (core's security headers keep a policy a
 * route sets): remote images allowed only for a message the user asked to show them
 * for, and attachment previews sandboxed more tightly than the app.
 */
const CSP_IMAGES_SHOWN = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https: http:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const CSP_PREVIEW_IMAGE = "default-src 'none'; img-src 'self'; sandbox";
const CSP_PREVIEW_PDF = "default-src 'none'; img-src 'self'; object-src 'self'; plugin-types application/pdf";
/** Most messages one bulk action takes (the store's COPY/MOVE limit). */
const MAX_BULK = 10_000;

function dbOf(deps: MailWebDeps): Kysely<any> {
  return deps.events.db.kysely;
}

function listState(c: Context<CairnEnv>): ListState {
  const sort = c.req.query('sort') as ListSort;
  const filter = c.req.query('filter') as ListFilter;
  const threads = c.req.query('threads') === '1';
  // Conversations are listed newest first, unfiltered: the other orders and filters are per message.
  if (threads) return { sort: 'date', filter: 'all', threads: true };
  return { sort: SORTS.includes(sort) ? sort : 'date', filter: FILTERS.includes(filter) ? filter : 'all' };
}

function intParam(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,15}$/.test(v)) return undefined;
  return Number(v);
}

function uidParam(c: Context<CairnEnv>): number {
  const uid = intParam(c.req.param('uid'));
  if (uid === undefined) throw new NotFoundError('no such message', 'message_not_found');
  return uid;
}

/** A local /mail path to go back to, never an outside URL. */
function back(v: unknown, fallback: string): string {
  const s = typeof v === 'string' ? v : '';
  return /^\/mail(\/|$|\?)/.test(s) && !s.startsWith('//') ? s : fallback;
}

const DONE: Record<string, string> = {
  restored: 'Message restored to its folder',
  created: 'Folder created',
  renamed: 'Folder renamed',
  deleted: 'Folder deleted — its messages are under “Recently deleted”',
};

export function readRoutes(depsFn: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.route('/', mailStaticRoutes());
  app.use('*', requireUser);

  const render = (c: Context<CairnEnv>, title: string, mailboxes: readonly MailboxInfo[], body: unknown, opts: { currentId?: string; mode?: string; q?: string } = {}) =>
    c.render(<MailShell mailboxes={mailboxes} currentId={opts.currentId} mode={opts.mode} q={opts.q} path={c.req.path}>{body as never}</MailShell>, { title });

  app.get('/', async (c) => {
    const d = depsFn();
    const boxes = await ownMailboxes(d, c);
    const inbox = boxes.find((m) => m.name === 'INBOX') ?? boxes[0];
    if (!inbox) throw new NotFoundError('no mailbox', 'mailbox_not_found');
    return c.redirect(`/mail/m/${inbox.id}`, 302);
  });

  // ---- list ----
  const listPage = async (c: Context<CairnEnv>, selected?: { uid: number; pane: unknown }) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const state = listState(c);
    const before = intParam(c.req.query('before'));
    const after = intParam(c.req.query('after'));
    const offset = intParam(c.req.query('offset'));
    const [mailboxes, page] = await Promise.all([
      ownMailboxes(d, c),
      state.threads
        ? listConversations(dbOf(d), mailbox.id, before !== undefined ? { before } : {})
        : listMessages(dbOf(d), mailbox.id, { ...state, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), ...(offset !== undefined ? { offset } : {}) }),
    ]);
    const sizes = await threadSizes(dbOf(d), mailbox.id, page.rows.map((m) => m.uid));
    const body = (
      <div class="mail-panes">
        <ListPane mailbox={mailbox} mailboxes={mailboxes} page={page} state={state} selectedUid={selected?.uid} csrfToken={c.var.csrfToken} threadSizes={sizes} />
        <div class="mail-reading-pane" id="mail-reading-pane">{selected ? selected.pane as never : <p class="mail-empty mail-pick">Choose a message to read it.</p>}</div>
      </div>
    );
    return render(c, leafName(mailbox.name), mailboxes, body, { currentId: mailbox.id, ...(selected ? { mode: 'reading' } : {}) });
  };
  app.get('/m/:mb', (c) => listPage(c));

  // ---- reading ----
  const loadMessage = async (c: Context<CairnEnv>) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const uid = uidParam(c);
    const [record] = await d.store.messageRecords(mailbox.id, [uid]);
    if (!record) throw new NotFoundError('no such message', 'message_not_found');
    return { d, mailbox, uid, record };
  };

  app.get('/m/:mb/:uid{[0-9]+}', async (c) => {
    const { d, mailbox, uid, record } = await loadMessage(c);
    let flags = record.flags;
    if (!flags.includes('\\Seen')) {
      const r = await d.store.setFlags(mailbox.id, [uid], 'add', ['\\Seen'], {}, uiMeta(c));
      flags = r.changed[0]?.flags ?? [...flags, '\\Seen'];
    }
    const parsed = await parseMessage(await d.store.readMessage(record.sha256));
    const imagesShown = c.req.query('images') === '1';
    const msg = renderMessage(parsed, { allowRemoteImages: imagesShown, partUrl: (i) => `/mail/m/${mailbox.id}/${uid}/att/${i}` });
    if (imagesShown && msg.isHtml) c.header('Content-Security-Policy', CSP_IMAGES_SHOWN);
    const conversation = await conversationOf(dbOf(d), c.var.user!.id, mailbox.id, uid);
    // A sender who is a person here gets their presence beside their name (when chat provides it).
    const fromAddress = parsed.from?.value[0]?.address;
    const sender = d.presence && fromAddress ? await d.auth.userByEmail(fromAddress) : undefined;
    const senderPresence = sender ? (await d.presence!.statusOf([sender.id]).catch(() => undefined))?.get(sender.id)?.presence : undefined;
    const pane = <ReadingPane mailbox={mailbox} uid={uid} msg={msg} flags={flags} csrfToken={c.var.csrfToken} imagesShown={imagesShown} conversation={conversation} senderPresence={senderPresence} />;
    return listPage(c, { uid, pane });
  });

  app.get('/m/:mb/:uid{[0-9]+}/raw', async (c) => {
    const { d, record } = await loadMessage(c);
    const bytes = await d.store.readMessage(record.sha256);
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline', 'Cache-Control': 'private, no-store',
    });
  });

  app.get('/m/:mb/:uid{[0-9]+}/att/:n{[0-9]+}', async (c) => {
    const { d, record } = await loadMessage(c);
    const parsed = await parseMessage(await d.store.readMessage(record.sha256));
    const n = Number(c.req.param('n'));
    const att = parsed.attachments[n];
    if (!att) throw new NotFoundError('no such attachment', 'attachment_not_found');
    const info = attachmentInfo(att, n);
    const inline = c.req.query('inline') === '1' && info.previewable;
    if (inline) c.header('Content-Security-Policy', info.contentType === 'application/pdf' ? CSP_PREVIEW_PDF : CSP_PREVIEW_IMAGE);
    return c.body(new Uint8Array(att.content), 200, {
      // Never text/html (or anything a browser would run) inline: only the allow-listed
      // image and PDF types are served inline, everything else is a download.
      'Content-Type': inline ? info.contentType : info.contentType.startsWith('text/') || /html|xml|javascript|svg/.test(info.contentType) ? 'application/octet-stream' : info.contentType,
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', info.filename),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
  });

  // ---- flags and moves ----
  app.post('/m/:mb/:uid{[0-9]+}/star', async (c) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const uid = uidParam(c);
    const f = await c.req.parseBody();
    const on = String(f.on ?? '1') !== '0';
    const r = await d.store.setFlags(mailbox.id, [uid], on ? 'add' : 'remove', ['\\Flagged'], {}, uiMeta(c));
    if (r.changed.length === 0 && (await d.store.messageRecords(mailbox.id, [uid])).length === 0) throw new NotFoundError('no such message', 'message_not_found');
    if (isHtmx(c)) return c.html(<StarButton mailboxId={mailbox.id} uid={uid} on={on} />);
    return c.redirect(back(f.back, `/mail/m/${mailbox.id}`), 303);
  });

  app.post('/m/:mb/bulk', async (c) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const f = await c.req.parseBody({ all: true });
    const uidsRaw = f.uid === undefined ? [] : Array.isArray(f.uid) ? f.uid : [f.uid];
    const uids = [...new Set(uidsRaw.map((u) => intParam(String(u))).filter((u): u is number => u !== undefined))];
    const action = String(f.action ?? '');
    const to = back(f.back, `/mail/m/${mailbox.id}`);
    if (uids.length > MAX_BULK) throw new ValidationError(`at most ${MAX_BULK} messages at a time`);
    if (uids.length > 0) {
      const meta = uiMeta(c);
      const special = async (use: 'Trash' | 'Junk' | 'Archive') => {
        const m = await d.store.mailboxBySpecialUse(c.var.user!.id, `\\${use}`);
        if (!m) throw new ValidationError(`there is no ${use} folder`);
        return m;
      };
      switch (action) {
        case 'read': await d.store.setFlags(mailbox.id, uids, 'add', ['\\Seen'], {}, meta); break;
        case 'unread': await d.store.setFlags(mailbox.id, uids, 'remove', ['\\Seen'], {}, meta); break;
        case 'star': await d.store.setFlags(mailbox.id, uids, 'add', ['\\Flagged'], {}, meta); break;
        case 'unstar': await d.store.setFlags(mailbox.id, uids, 'remove', ['\\Flagged'], {}, meta); break;
        case 'move': {
          if (!f.target) throw new ValidationError('choose a folder to move to');
          const target = await ownMailbox(d, c, String(f.target ?? ''));
          if (target.id !== mailbox.id) await d.store.move(mailbox.id, uids, target.id, meta);
          break;
        }
        case 'delete': {
          const trash = await special('Trash');
          if (mailbox.id === trash.id) await d.store.expunge(mailbox.id, uids, meta);
          else await d.store.move(mailbox.id, uids, trash.id, meta);
          break;
        }
        case 'spam': {
          const junk = await special('Junk');
          if (mailbox.id !== junk.id) await d.store.move(mailbox.id, uids, junk.id, meta);
          break;
        }
        case 'archive': {
          const archive = await special('Archive');
          if (mailbox.id !== archive.id) await d.store.move(mailbox.id, uids, archive.id, meta);
          break;
        }
        default: throw new ValidationError('unknown action');
      }
    }
    if (isHtmx(c)) { c.header('HX-Refresh', 'true'); return c.body(null, 204); }
    // Leaving a message that was moved away: back to the list.
    return c.redirect(/\/m\/[^/]+\/\d+/.test(to) && action !== 'read' && action !== 'unread' && !action.includes('star') ? `/mail/m/${mailbox.id}` : to, 303);
  });

  // ---- folders ----
  const foldersPage = async (c: Context<CairnEnv>, extra: { error?: string; done?: string } = {}, status: 200 | 400 | 409 = 200) => {
    const d = depsFn();
    const mailboxes = await ownMailboxes(d, c);
    c.status(status);
    return render(c, 'Folders', mailboxes, <FoldersPane mailboxes={mailboxes} csrfToken={c.var.csrfToken} error={extra.error} done={extra.done} />);
  };
  const folderAct = async (c: Context<CairnEnv>, fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      return c.redirect(`/mail/folders?done=${done}`, 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server' || e.status === 404) throw e;
      return foldersPage(c, { error: e.message }, e.status === 409 ? 409 : 400);
    }
  };
  app.get('/folders', (c) => foldersPage(c, { ...(DONE[c.req.query('done') ?? ''] && ['created', 'renamed', 'deleted'].includes(c.req.query('done')!) ? { done: DONE[c.req.query('done')!]! } : {}) }));
  app.post('/folders', async (c) => {
    const f = await c.req.parseBody();
    const d = depsFn();
    return folderAct(c, () => d.store.createMailbox(c.var.user!.id, String(f.name ?? '').trim(), {}, uiMeta(c)), 'created');
  });
  app.post('/m/:mb/rename', async (c) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const f = await c.req.parseBody();
    return folderAct(c, () => d.store.renameMailbox(c.var.user!.id, mailbox.name, String(f.name ?? '').trim(), uiMeta(c)), 'renamed');
  });
  app.post('/m/:mb/delete-folder', async (c) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    if (mailbox.name === 'INBOX' || mailbox.specialUse) return foldersPage(c, { error: 'This folder cannot be deleted.' }, 400);
    return folderAct(c, () => d.store.deleteMailbox(c.var.user!.id, mailbox.name, uiMeta(c)), 'deleted');
  });

  // ---- restore a folder ----
  const restoreAt = (preset: string | undefined, at: string | undefined): Date => new Date(restorePointFromForm(preset, at).iso);
  app.get('/m/:mb/restore', async (c) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const when = restoreAt(c.req.query('preset'), c.req.query('at') || undefined);
    const summary = await d.store.previewMailboxRestore(mailbox.id, { time: when }, uiMeta(c));
    const mailboxes = await ownMailboxes(d, c);
    const label = `${when.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
    return render(c, `Restore ${leafName(mailbox.name)}`, mailboxes, <RestorePane mailbox={mailbox} label={label} at={when.toISOString()} summary={summary} csrfToken={c.var.csrfToken} />, { currentId: mailbox.id });
  });
  app.post('/m/:mb/restore', async (c) => {
    const d = depsFn();
    const mailbox = await ownMailbox(d, c, c.req.param('mb')!);
    const f = await c.req.parseBody();
    const when = restoreAt(undefined, String(f.at ?? ''));
    await d.store.restoreMailbox(mailbox.id, { time: when }, uiMeta(c));
    return c.redirect(`/mail/m/${mailbox.id}`, 303);
  });

  // ---- recently deleted ----
  app.get('/deleted', async (c) => {
    const d = depsFn();
    const [mailboxes, items] = await Promise.all([ownMailboxes(d, c), d.store.recentlyDeleted(c.var.user!.id, { limit: 200 })]);
    const flash = c.req.query('done') === 'restored' ? DONE.restored : undefined;
    return render(c, 'Recently deleted', mailboxes, <DeletedPane items={items} csrfToken={c.var.csrfToken} flash={flash} />);
  });
  app.post('/deleted/restore', async (c) => {
    const d = depsFn();
    const f = await c.req.parseBody({ all: true });
    const raw = f.item === undefined ? [] : Array.isArray(f.item) ? f.item : [f.item];
    const items: { mailboxId: string; uid: number }[] = [];
    for (const it of raw) {
      const m = /^([^:]+):(\d+)$/.exec(String(it));
      if (m) items.push({ mailboxId: m[1]!, uid: Number(m[2]) });
    }
    // recentlyDeleted is per user: only items found there may be brought back.
    const mine = new Set((await d.store.recentlyDeleted(c.var.user!.id, { limit: 10_000 })).map((x) => `${x.mailboxId}:${x.uid}`));
    const allowed = items.filter((x) => mine.has(`${x.mailboxId}:${x.uid}`));
    if (allowed.length !== items.length) throw new NotFoundError('no such deleted message', 'message_not_found');
    if (allowed.length > 0) await d.store.undelete(c.var.user!.id, allowed, uiMeta(c));
    return c.redirect('/mail/deleted?done=restored', 303);
  });

  // ---- search ----
  app.get('/search', async (c) => {
    const d = depsFn();
    const mailboxes = await ownMailboxes(d, c);
    const q = (c.req.query('q') ?? '').slice(0, 500);
    const scope = c.req.query('in') ?? 'all';
    const includeAll = scope === 'everything';
    let ids: string[];
    let scopeLabel: string;
    if (scope === 'all' || includeAll) {
      ids = mailboxes.filter((m) => includeAll || (m.specialUse !== '\\Trash' && m.specialUse !== '\\Junk')).map((m) => m.id);
      scopeLabel = includeAll ? 'in all folders, Trash and Junk included' : 'in all folders';
    } else {
      const mb = await ownMailbox(d, c, scope);
      ids = [mb.id];
      scopeLabel = `in ${mb.name}`;
    }
    const field = (k: string) => (c.req.query(k) ?? '').slice(0, 200);
    const hits = await d.search.search(c.var.user!.id, {
      text: q, from: field('from'), to: field('to'), subject: field('subject'),
      mailboxIds: ids, limit: 500,
    });
    const byMailbox = new Map<string, number[]>();
    for (const h of hits) byMailbox.set(h.mailboxId, [...(byMailbox.get(h.mailboxId) ?? []), h.uid]);
    const after = Date.parse(field('after'));
    const before = Date.parse(field('before'));
    const larger = Number(field('larger')) || 0;
    const results: SearchResult[] = [];
    for (const [mbId, uids] of byMailbox) {
      const mb = mailboxes.find((m) => m.id === mbId);
      if (!mb) continue; // the search service already limits to the account; belt and braces
      for (const r of await d.store.messageRecords(mbId, uids)) {
        if (c.req.query('has') === 'attachment' && !r.index.hasAttachments) continue;
        if (!Number.isNaN(after) && r.internalDate < after) continue;
        if (!Number.isNaN(before) && r.internalDate >= before) continue;
        if (larger && r.size <= larger) continue;
        results.push({ mailbox: mb, uid: r.uid, subject: r.index.subject, from: r.index.from, date: r.internalDate, size: r.size, flags: r.flags });
      }
    }
    results.sort((a, b) => b.date - a.date);
    const p = new URL(c.req.url).searchParams;
    p.set('in', 'everything');
    const includeHref = `/mail/search?${p.toString()}`;
    return render(c, 'Search', mailboxes, <SearchPane q={q} results={results.slice(0, 200)} scope={scopeLabel} excluded={scope === 'all'} includeHref={includeHref} />, { q });
  });

  // ---- live updates ----
  app.get('/events', async (c) => {
    const d = depsFn();
    const userId = c.var.user!.id;
    const mailboxes = await ownMailboxes(d, c);
    return streamSSE(c, async (stream) => {
      let unsubscribe: (() => void) | undefined;
      let closed = false;
      const subscribe = (ids: string[]) => {
        unsubscribe?.();
        unsubscribe = d.feed.subscribe({ streams: [d.store.accountStream(userId), ...ids.map((id) => d.store.mailboxStream(id))] }, (events) => {
          if (closed) return;
          const mailboxIds = [...new Set(events.map((e) => String((e.data as { mailboxId?: unknown }).mailboxId ?? '')).filter(Boolean))];
          void stream.writeSSE({ event: 'mail', data: JSON.stringify({ mailboxIds, position: events.at(-1)?.position }) }).catch(() => undefined);
          // A folder created or deleted changes which streams to follow.
          if (events.some((e) => e.stream === d.store.accountStream(userId))) {
            void d.store.mailboxes(userId).then((boxes) => { if (!closed) subscribe(boxes.map((b) => b.id)); });
          }
        });
      };
      subscribe(mailboxes.map((m) => m.id));
      const done = new Promise<void>((resolve) => stream.onAbort(() => { closed = true; unsubscribe?.(); resolve(); }));
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!closed) {
        await Promise.race([done, stream.sleep(SSE_PING_MS)]);
        if (!closed) await stream.write(': ping\n\n').catch(() => { closed = true; });
      }
      unsubscribe?.();
    });
  });

  return app;
}
