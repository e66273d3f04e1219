// Evaluates a SEARCH key (RFC 9051 §6.4.4) over the session's view of a mailbox.
//
// Everything that needs I/O is done first, once per key: TEXT/BODY/SUBJECT/FROM/TO through
// the search index when there is one, otherwise header/envelope substring matching and a
// bounded scan of raw bytes; HEADER by reading each message's header block. The match over
// messages is then synchronous, and loads per-message metadata only if a key needs it.
import type { MailStore, MessageMeta, MessageRecord } from '../../store/types.ts';
import { refused } from '../imap-error.ts';
import { dayOf } from '../parser/dates.ts';
import { needsRecord, type SearchKey } from '../parser/search-query.ts';
import type { ImapSearchIndex } from '../session/server-context.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';
import { headerValues } from './header-fields.ts';

export interface SearchDeps {
  store: MailStore;
  search: ImapSearchIndex | undefined;
  scanBytes: number;
  scanMessages: number;
  batch: number;
}

type Msg = MessageMeta & Partial<MessageRecord>;

interface Prepared {
  /** Per text/header key, the UIDs that match (computed up front). */
  sets: Map<SearchKey, Set<number>>;
  msgs: Map<number, Msg> | null;
}

export interface SearchOutcome {
  /** Matching UIDs in the view, ascending. */
  uids: number[];
  /** Highest modseq among the matches, when a MODSEQ key was used (RFC 7162 §3.1.5). */
  highestModseq: number | null;
}

export async function evaluateSearch(key: SearchKey, sel: SelectedMailbox, saved: readonly number[] | null, deps: SearchDeps): Promise<SearchOutcome> {
  const view = sel.uidList().filter((u) => !sel.isPendingExpunge(u));
  const prepared: Prepared = { sets: new Map(), msgs: null };
  const records = needsRecord(key) && some(key, (k) => k.k === 'header' || (k.k === 'date' && k.which === 'sent') || (k.k === 'text' && !(deps.search && INDEXED.has(k.field))));
  if (needsMeta(key) || records) prepared.msgs = await loadMessages(deps, sel.id, view, records);
  await prepare(key, sel, view, prepared, deps);
  const seqOf = new Map<number, number>();
  if (usesSeq(key)) view.forEach((u) => seqOf.set(u, sel.seqOf(u)));
  const ctx = { sel, saved: saved ? new Set(saved) : new Set<number>(), prepared, seqOf, seqSets: new Map<SearchKey, Set<number>>() };
  const uids = view.filter((u) => match(key, u, ctx));
  let highestModseq: number | null = null;
  if (usesModseq(key)) {
    highestModseq = 0;
    for (const u of uids) highestModseq = Math.max(highestModseq, prepared.msgs?.get(u)?.modseq ?? 0);
  }
  return { uids, highestModseq };
}

async function loadMessages(deps: SearchDeps, mailboxId: string, view: number[], records: boolean): Promise<Map<number, Msg>> {
  const out = new Map<number, Msg>();
  if (view.length === 0) return out;
  if (!records) {
    for (const m of await deps.store.messages(mailboxId)) out.set(m.uid, m);
    return out;
  }
  for (let i = 0; i < view.length; i += deps.batch) {
    for (const r of await deps.store.messageRecords(mailboxId, view.slice(i, i + deps.batch))) out.set(r.uid, r);
  }
  return out;
}

function walk(key: SearchKey, fn: (k: SearchKey) => void): void {
  fn(key);
  if (key.k === 'and') key.keys.forEach((k) => walk(k, fn));
  else if (key.k === 'or') {
    walk(key.a, fn);
    walk(key.b, fn);
  } else if (key.k === 'not') walk(key.key, fn);
}

function some(key: SearchKey, pred: (k: SearchKey) => boolean): boolean {
  let found = false;
  walk(key, (k) => {
    if (pred(k)) found = true;
  });
  return found;
}

const needsMeta = (key: SearchKey) => some(key, (k) => k.k === 'flag' || k.k === 'size' || k.k === 'date' || k.k === 'modseq');
const usesModseq = (key: SearchKey) => some(key, (k) => k.k === 'modseq');
const usesSeq = (key: SearchKey) => some(key, (k) => k.k === 'seq');

const INDEXED = new Set(['text', 'body', 'subject', 'from', 'to']);

async function prepare(key: SearchKey, sel: SelectedMailbox, view: number[], p: Prepared, deps: SearchDeps): Promise<void> {
  const keys: SearchKey[] = [];
  walk(key, (k) => {
    if (k.k === 'text' || k.k === 'header') keys.push(k);
  });
  for (const k of keys) {
    if (k.k === 'text' && deps.search && INDEXED.has(k.field)) {
      p.sets.set(k, await deps.search.matchUids(sel.id, k.field as 'text', k.value));
    } else if (k.k === 'text' && (k.field === 'text' || k.field === 'body')) {
      p.sets.set(k, await scanBytes(deps, p.msgs!, view, k.value, k.field === 'body'));
    } else if (k.k === 'header') {
      p.sets.set(k, await scanHeaders(deps, p.msgs!, view, k.name, k.value));
    }
  }
}

function contains(haystack: string | null | undefined, needle: string): boolean {
  if (!haystack) return false;
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function guard(deps: SearchDeps, view: number[]): void {
  // Without an index, reading every message is bounded (SEARCH_SCAN_MESSAGES).
  if (view.length > deps.scanMessages) throw refused('LIMIT', 'Mailbox too large to search message text without the search index');
}

async function scanBytes(deps: SearchDeps, msgs: Map<number, Msg>, view: number[], needle: string, bodyOnly: boolean): Promise<Set<number>> {
  guard(deps, view);
  const out = new Set<number>();
  const lower = needle.toLowerCase();
  for (const uid of view) {
    const m = msgs.get(uid);
    if (!m) continue;
    const start = bodyOnly ? m.structure?.bodyStart ?? 0 : 0;
    const end = Math.min(m.size, start + deps.scanBytes);
    if (end <= start) continue;
    const bytes = await deps.store.readMessage(m.sha256, { start, end });
    if (bytes.toString('utf8').toLowerCase().includes(lower)) out.add(uid);
    // TEXT also matches decoded header values (subject and addresses as the indexer decoded them).
    else if (!bodyOnly && (contains(m.index?.subject, needle) || contains(m.index?.from, needle))) out.add(uid);
  }
  return out;
}

async function scanHeaders(deps: SearchDeps, msgs: Map<number, Msg>, view: number[], name: string, needle: string): Promise<Set<number>> {
  guard(deps, view);
  const out = new Set<number>();
  for (const uid of view) {
    const m = msgs.get(uid);
    if (!m?.structure) continue;
    const header = await deps.store.readMessage(m.sha256, { start: 0, end: Math.min(m.structure.bodyStart, deps.scanBytes) });
    // RFC 9051 §6.4.4: HEADER with an empty string matches every message that has the field.
    if (headerValues(header, name).some((v) => needle === '' || contains(v, needle))) out.add(uid);
  }
  return out;
}

interface Ctx {
  sel: SelectedMailbox;
  saved: Set<number>;
  prepared: Prepared;
  seqOf: Map<number, number>;
  seqSets: Map<SearchKey, Set<number>>;
}

function addresses(m: Msg, field: 'from' | 'to' | 'cc' | 'bcc'): string {
  const env = m.envelope;
  const list = field === 'from' ? env?.from : field === 'to' ? env?.to : field === 'cc' ? env?.cc : env?.bcc;
  const parts = (list ?? []).map((a) => `${a.name ?? ''} <${a.mailbox ?? ''}@${a.host ?? ''}>`);
  if (field === 'from' && m.index?.from) parts.push(m.index.from);
  if (field === 'to' && m.index?.to) parts.push(...m.index.to);
  if (field === 'cc' && m.index?.cc) parts.push(...m.index.cc);
  return parts.join(', ');
}

function match(key: SearchKey, uid: number, c: Ctx): boolean {
  switch (key.k) {
    case 'all': return true;
    case 'none': return false;
    case 'and': return key.keys.every((k) => match(k, uid, c));
    case 'or': return match(key.a, uid, c) || match(key.b, uid, c);
    case 'not': return !match(key.key, uid, c);
    case 'seq': {
      if (key.set.saved) return c.saved.has(uid);
      let set = c.seqSets.get(key);
      if (!set) {
        set = new Set(c.sel.resolve(key.set, false, null));
        c.seqSets.set(key, set);
      }
      return set.has(uid);
    }
    case 'uid': {
      if (key.set.saved) return c.saved.has(uid);
      let set = c.seqSets.get(key);
      if (!set) {
        set = new Set(c.sel.resolve(key.set, true, null));
        c.seqSets.set(key, set);
      }
      return set.has(uid);
    }
    case 'text': case 'header': {
      const pre = c.prepared.sets.get(key);
      if (pre) return pre.has(uid);
      // Envelope/index-based fields without the search index: subject, from, to, cc, bcc.
      const m = c.prepared.msgs?.get(uid);
      if (!m || key.k !== 'text') return false;
      if (key.field === 'subject') return contains(m.index?.subject, key.value) || contains(m.envelope?.subject, key.value);
      return contains(addresses(m, key.field as 'from'), key.value);
    }
    default: {
      const m = c.prepared.msgs?.get(uid);
      if (!m) return false;
      switch (key.k) {
        case 'flag': {
          const f = key.flag.toLowerCase();
          return m.flags.some((x) => x.toLowerCase() === f) === key.set;
        }
        case 'size': return key.op === 'larger' ? m.size > key.n : m.size < key.n;
        case 'modseq': return m.modseq >= key.n;
        case 'date': {
          const ms = key.which === 'sent' ? m.index?.date ?? m.internalDate : m.internalDate;
          const d = dayOf(ms);
          return key.op === 'before' ? d < key.day : key.op === 'on' ? d === key.day : d >= key.day;
        }
      }
    }
  }
}
