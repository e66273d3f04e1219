// Implementation notes — the mail store.
// - Mailbox-set changes are decided against the account stream (small) with its
//   expected version; message changes are decided against the read models and
//   appended with expected version 'any': a UID is the stream position of its
//   MessageAppended, so concurrent deliveries into one INBOX never conflict.
// - STORE with UNCHANGEDSINCE is the exception: it is appended at the mailbox stream's
//   current version so that no change can slip between the modseq check and the
//   write (RFC 7162 §3.1.3); a conflict is retried.
// - Bytes are stored once as a blob before the event that refers to it; the MIME index
//   travels in the event so FETCH never re-parses and a rebuild never reads blobs.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { BlobStore } from '../../../core/blobs/index.ts';
import { ConcurrencyError, LimitExceededError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { EventLog } from '../../../core/events/event-log.ts';
import { handleCommand } from '../../../core/events/handle-command.ts';
import type { EventMetadata, NewEvent } from '../../../core/events/types.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import { newId } from '../../../core/ids.ts';
import { planRestore, restoreCollection } from '../../../core/restore/point-in-time.ts';
import { accountDecider, normalizeMailboxName, type AccountCommand } from '../account/account.ts';
import { domainDecider } from '../domain/catch-all.ts';
import { accountStream, domainStream, mailboxStream, type MailEventData } from '../events.ts';
import { indexMessage } from '../mime/index-message.ts';
import type { MessageIndex } from '../mime/types.ts';
import { applyFlagOp } from '../projections/mail-store-projection.ts';
import { mailboxRestoreSpec } from './mailbox-restore.ts';
import {
  DEFAULT_MAILBOXES, MAILBOX_DELIMITER, type CopyResult, type ExpungedMessage, type FlagOperation, type MailboxInfo, type MailStore,
  type MessageMeta, type MessageRecord, type Quota, type SpecialUse, type StoreFlagsResult,
} from './types.ts';

/** Largest message accepted (IMAP APPENDLIMIT, SMTP SIZE): big attachments belong in the drive. */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
/** UIDs per FlagsChanged/MessagesExpunged event: keeps each event far below the log's size limit. */
export const UIDS_PER_EVENT = 20_000;
/** Messages one COPY/MOVE may take; more would make one enormous append. */
export const MAX_COPY = 10_000;
/** Keywords and flags per message (RFC 9051 allows many; clients use a handful). */
export const MAX_FLAGS = 100;
/** How often a STORE UNCHANGEDSINCE is re-decided after losing a race. */
const CONDSTORE_RETRIES = 5;

const SYSTEM_FLAGS = new Map(['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'].map((f) => [f.toLowerCase(), f]));
const KEYWORD = /^[^\s()\\{%*"\]\u0000-\u001f\u007f]+$/;

/** Canonical flags: system flags in their RFC case, keywords validated; \Recent is never stored. */
export function normalizeFlags(flags: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const raw of flags) {
    const f = raw.trim();
    if (f.toLowerCase() === '\\recent') continue;
    const sys = SYSTEM_FLAGS.get(f.toLowerCase());
    if (sys) { out.add(sys); continue; }
    if (f.startsWith('\\') || !KEYWORD.test(f) || f.length > 200) throw new ValidationError(`invalid flag ${JSON.stringify(f)}`);
    out.add(f);
  }
  if (out.size > MAX_FLAGS) throw new ValidationError(`at most ${MAX_FLAGS} flags per message`);
  return [...out].sort();
}

interface MailboxRow {
  id: string; account_id: string; name: string; special_use: string | null; uid_validity: number; uid_next: number;
  highest_modseq: number; messages: number; unseen: number; size: number; subscribed?: number;
}
interface MessageRow {
  mailbox_id: string; uid: number; account_id: string; message_id: string; sha256: string; size: number; internal_date: number;
  flags: string; modseq: number; envelope: string; structure: string; idx: string;
}

function toInfo(r: MailboxRow): MailboxInfo {
  return {
    id: r.id, accountId: r.account_id, name: r.name, specialUse: r.special_use as SpecialUse | null, uidValidity: r.uid_validity,
    uidNext: r.uid_next, highestModseq: r.highest_modseq, messages: r.messages, unseen: r.unseen, size: r.size, subscribed: Boolean(r.subscribed),
  };
}

function toMeta(r: MessageRow): MessageMeta {
  return { uid: r.uid, modseq: r.modseq, flags: JSON.parse(r.flags) as string[], size: r.size, internalDate: r.internal_date, sha256: r.sha256, messageId: r.message_id };
}

function toRecord(r: MessageRow): MessageRecord {
  return { ...toMeta(r), envelope: JSON.parse(r.envelope), structure: JSON.parse(r.structure), index: JSON.parse(r.idx) };
}

/** The MessageIndex an event carries, rebuilt from a stored row (COPY, MOVE, undelete). */
export function indexFromRow(r: Pick<MessageRow, 'envelope' | 'structure' | 'idx' | 'size'>): MessageIndex {
  return { ...(JSON.parse(r.idx) as Omit<MessageIndex, 'envelope' | 'structure' | 'size'>), size: r.size, envelope: JSON.parse(r.envelope), structure: JSON.parse(r.structure) };
}

function chunk<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export interface MailStoreDeps {
  events: EventLog;
  db: Kysely<any>;
  blobs: BlobStore;
  /** Local domains and users, for the catch-all (checked when it is set and when it resolves). */
  auth: Pick<AuthService, 'retentionDays' | 'domains' | 'userById'>;
}

export function createMailStore(deps: MailStoreDeps): MailStore & {
  /**
   * Which account an address delivers to: an alias, else a user's primary address, else
   * (unless `catchAll: false`) the catch-all of the address's domain.
   */
  accountForAddress(address: string, primary: (address: string) => Promise<string | undefined>, opts?: { catchAll?: boolean }): Promise<string | undefined>;
  aliases(userId: string): Promise<string[]>;
  /** Catch-all accounts by domain (only domains that have one). */
  catchAlls(): Promise<Map<string, string>>;
  /** Turns a local domain's catch-all on (an account id) or off (null); unchanged is a no-op. */
  setCatchAll(domain: string, accountId: string | null, meta: EventMetadata): Promise<void>;
  addAlias(userId: string, address: string, meta: EventMetadata): Promise<void>;
  removeAlias(userId: string, address: string, meta: EventMetadata): Promise<void>;
} {
  const { events, db, blobs } = deps;
  const ensured = new Set<string>();

  const account = (userId: string, command: AccountCommand, meta: EventMetadata) =>
    handleCommand(events, accountStream(userId), accountDecider, command, { metadata: meta });

  /**
   * The catch-all for an address nobody has: looked up by the address's exact domain, and
   * only while that domain is still local and the account still exists (a domain removed
   * from the organization, or a removed user, leaves a row behind that must not deliver).
   */
  const catchAllAccount = async (address: string): Promise<string | undefined> => {
    const at = address.lastIndexOf('@');
    if (at <= 0 || at === address.length - 1) return undefined;
    const domain = address.slice(at + 1);
    const row = await db.selectFrom('mail_catch_all').select('account_id').where('domain', '=', domain).executeTakeFirst();
    if (!row) return undefined;
    const [domains, user] = await Promise.all([deps.auth.domains(), deps.auth.userById(row.account_id as string)]);
    return domains.some((d) => d.toLowerCase() === domain) && user ? user.id : undefined;
  };

  const mailboxRow = async (mailboxId: string): Promise<MailboxRow | undefined> =>
    (await db.selectFrom('mail_mailboxes').selectAll().where('id', '=', mailboxId).executeTakeFirst()) as MailboxRow | undefined;

  const requireMailbox = async (mailboxId: string): Promise<MailboxRow> => {
    const m = await mailboxRow(mailboxId);
    if (!m) throw new NotFoundError('no such mailbox', 'mailbox_not_found');
    return m;
  };

  const checkQuota = async (accountId: string, adding: number) => {
    const q = await db.selectFrom('mail_quota').select(['limit_bytes', 'used_bytes']).where('account_id', '=', accountId).executeTakeFirst();
    if (q && q.limit_bytes !== null && Number(q.used_bytes) + adding > Number(q.limit_bytes)) {
      throw new LimitExceededError('the mailbox is over its quota', 'over_quota', 507);
    }
  };

  const rowsFor = async (mailboxId: string, uids: readonly number[]): Promise<MessageRow[]> => {
    const out: MessageRow[] = [];
    for (const part of chunk([...new Set(uids)].sort((a, b) => a - b), 500)) {
      out.push(...((await db.selectFrom('mail_messages').selectAll().where('mailbox_id', '=', mailboxId).where('uid', 'in', part).orderBy('uid').execute()) as MessageRow[]));
    }
    return out;
  };

  const appendedEvent = (mailbox: MailboxRow, r: { sha256: string; size: number; internalDate: number; flags: string[]; index: MessageIndex }, extra: Partial<MailEventData<'mail.MessageAppended'>> = {}): NewEvent => ({
    type: 'mail.MessageAppended',
    data: {
      accountId: mailbox.account_id, mailboxId: mailbox.id, messageId: newId(), sha256: r.sha256, size: r.size,
      internalDate: r.internalDate, flags: r.flags, index: r.index as unknown as Record<string, unknown>, ...extra,
    },
    blobs: [r.sha256],
  });

  const copyEvents = async (from: MailboxRow, uids: readonly number[], to: MailboxRow) => {
    if (uids.length > MAX_COPY) throw new LimitExceededError(`at most ${MAX_COPY} messages per copy or move`, 'too_many', 400);
    const rows = await rowsFor(from.id, uids);
    await checkQuota(to.account_id, rows.reduce((n, r) => n + r.size, 0));
    return {
      rows,
      events: rows.map((r) => appendedEvent(to, { sha256: r.sha256, size: r.size, internalDate: r.internal_date, flags: JSON.parse(r.flags), index: indexFromRow(r) })),
    };
  };

  const store = {
    mailboxStream,
    accountStream,

    async ensureAccount(userId: string, meta: EventMetadata) {
      if (ensured.has(userId)) return;
      const n = await db.selectFrom('mail_mailboxes').select(sql<number>`count(*)`.as('n')).where('account_id', '=', userId).executeTakeFirst();
      if (Number(n?.n ?? 0) === 0) await account(userId, { type: 'createDefaults', ids: DEFAULT_MAILBOXES.map(() => newId()) }, meta);
      ensured.add(userId);
    },

    async mailboxes(userId: string) {
      const rows = (await sql<MailboxRow>`select m.*, (s.name is not null) as subscribed from mail_mailboxes m
        left join mail_subscriptions s on s.account_id = m.account_id and s.name = m.name
        where m.account_id = ${userId} order by case when m.name = 'INBOX' then 0 else 1 end, m.name`.execute(db)).rows;
      return rows.map(toInfo);
    },

    async mailboxByName(userId: string, name: string) {
      const r = (await sql<MailboxRow>`select m.*, (s.name is not null) as subscribed from mail_mailboxes m
        left join mail_subscriptions s on s.account_id = m.account_id and s.name = m.name
        where m.account_id = ${userId} and m.name = ${normalizeMailboxName(name)}`.execute(db)).rows[0];
      return r ? toInfo(r) : undefined;
    },

    async mailbox(mailboxId: string) {
      const r = await mailboxRow(mailboxId);
      return r ? toInfo(r) : undefined;
    },

    async mailboxBySpecialUse(userId: string, use: SpecialUse | 'INBOX') {
      const q = db.selectFrom('mail_mailboxes').selectAll().where('account_id', '=', userId);
      const r = (await (use === 'INBOX' ? q.where('name', '=', 'INBOX') : q.where('special_use', '=', use)).executeTakeFirst()) as MailboxRow | undefined;
      return r ? toInfo(r) : undefined;
    },

    async createMailbox(userId: string, name: string, opts: { specialUse?: SpecialUse | null }, meta: EventMetadata) {
      await store.ensureAccount(userId, meta);
      const levels = normalizeMailboxName(name).split(MAILBOX_DELIMITER).length;
      await account(userId, { type: 'create', name, specialUse: opts.specialUse ?? null, ids: Array.from({ length: levels }, () => newId()) }, meta);
      return (await store.mailboxByName(userId, name))!;
    },

    async renameMailbox(userId: string, from: string, to: string, meta: EventMetadata) {
      if (normalizeMailboxName(from) === 'INBOX') {
        // RFC 3501 §6.3.5: INBOX's messages move to the new name; INBOX stays, empty.
        const inbox = await store.mailboxBySpecialUse(userId, 'INBOX');
        if (!inbox) throw new NotFoundError('no INBOX', 'mailbox_not_found');
        const target = await store.createMailbox(userId, to, {}, meta);
        const uids = (await store.messages(inbox.id)).map((m) => m.uid);
        for (const part of chunk(uids, MAX_COPY)) await store.move(inbox.id, part, target.id, meta);
        return;
      }
      await account(userId, { type: 'rename', from, to }, meta);
    },

    async deleteMailbox(userId: string, name: string, meta: EventMetadata) {
      await account(userId, { type: 'delete', name }, meta);
    },
    async subscribe(userId: string, name: string, meta: EventMetadata) { await account(userId, { type: 'subscribe', name }, meta); },
    async unsubscribe(userId: string, name: string, meta: EventMetadata) { await account(userId, { type: 'unsubscribe', name }, meta); },
    async subscriptions(userId: string) {
      return (await db.selectFrom('mail_subscriptions').select('name').where('account_id', '=', userId).orderBy('name').execute()).map((r) => r.name as string);
    },

    async appendMessage(mailboxId: string, input: { raw: Buffer; flags?: string[]; internalDate?: number }, meta: EventMetadata, opts: { idempotencyKey?: string } = {}) {
      if (input.raw.length > MAX_MESSAGE_BYTES) throw new LimitExceededError(`messages are at most ${MAX_MESSAGE_BYTES} bytes`, 'message_too_large', 413);
      const flags = normalizeFlags(input.flags);
      const mailbox = await requireMailbox(mailboxId);
      await checkQuota(mailbox.account_id, input.raw.length);
      const blob = await blobs.stage(input.raw);
      const index = indexMessage(input.raw);
      const internalDate = input.internalDate ?? Date.parse(meta.time);
      const result = await events.append(mailboxStream(mailboxId), 'any', [appendedEvent(mailbox, { sha256: blob.sha256, size: blob.size, internalDate, flags, index })], {
        metadata: meta, ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      });
      const e = result.events[0]!;
      return { uid: e.streamPosition, uidValidity: mailbox.uid_validity, messageId: (e.data as { messageId: string }).messageId };
    },

    async messages(mailboxId: string, opts: { fromUid?: number; toUid?: number; changedSince?: number } = {}) {
      let q = db.selectFrom('mail_messages').select(['uid', 'modseq', 'flags', 'size', 'internal_date', 'sha256', 'message_id']).where('mailbox_id', '=', mailboxId);
      if (opts.fromUid !== undefined) q = q.where('uid', '>=', opts.fromUid);
      if (opts.toUid !== undefined) q = q.where('uid', '<=', opts.toUid);
      if (opts.changedSince !== undefined) q = q.where('modseq', '>', opts.changedSince);
      return ((await q.orderBy('uid').execute()) as MessageRow[]).map(toMeta);
    },

    async messageRecords(mailboxId: string, uids: readonly number[]) {
      return (await rowsFor(mailboxId, uids)).map(toRecord);
    },

    async setFlags(mailboxId: string, uids: readonly number[], op: FlagOperation, rawFlags: readonly string[], opts: { unchangedSince?: number }, meta: EventMetadata): Promise<StoreFlagsResult> {
      const flags = normalizeFlags(rawFlags);
      for (let attempt = 0; ; attempt++) {
        // The mailbox (its version) first, then the rows: a change landing in between moves
        // the version, so the conditional append below fails and is decided again.
        const mailbox = await mailboxRow(mailboxId);
        if (!mailbox) throw new NotFoundError('no such mailbox', 'mailbox_not_found');
        const rows = await rowsFor(mailboxId, uids);
        const failed: number[] = [];
        const changing: { uid: number; flags: string[] }[] = [];
        for (const r of rows) {
          if (opts.unchangedSince !== undefined && r.modseq > opts.unchangedSince) { failed.push(r.uid); continue; }
          const before = JSON.parse(r.flags) as string[];
          const after = applyFlagOp(before, op, flags);
          if (after.join(' ') !== before.join(' ')) changing.push({ uid: r.uid, flags: after });
        }
        if (changing.length === 0) return { changed: [], failed };
        const evs: NewEvent[] = chunk(changing.map((c) => c.uid), UIDS_PER_EVENT).map((part) => ({
          type: 'mail.FlagsChanged', data: { accountId: mailbox.account_id, mailboxId, uids: part, op, flags },
        }));
        // The version a mailbox stream is at equals the stream position of its last event: uid_next - 1.
        const expected = opts.unchangedSince !== undefined ? mailbox.uid_next - 1 : 'any';
        try {
          const result = await events.append(mailboxStream(mailboxId), expected, evs, { metadata: meta });
          const modseqOf = new Map<number, number>();
          result.events.forEach((e) => { for (const uid of (e.data as { uids: number[] }).uids) modseqOf.set(uid, e.position); });
          return { changed: changing.map((c) => ({ uid: c.uid, flags: c.flags, modseq: modseqOf.get(c.uid)! })), failed };
        } catch (e) {
          if (e instanceof ConcurrencyError && attempt < CONDSTORE_RETRIES) continue;
          throw e;
        }
      }
    },

    async expunge(mailboxId: string, uids: readonly number[], meta: EventMetadata) {
      const mailbox = await requireMailbox(mailboxId);
      const present = (await rowsFor(mailboxId, uids)).map((r) => r.uid);
      if (present.length === 0) return [];
      await events.append(mailboxStream(mailboxId), 'any', chunk(present, UIDS_PER_EVENT).map((part) => ({
        type: 'mail.MessagesExpunged', data: { accountId: mailbox.account_id, mailboxId, uids: part },
      })), { metadata: meta });
      return present;
    },

    async copy(fromMailboxId: string, uids: readonly number[], toMailboxId: string, meta: EventMetadata): Promise<CopyResult> {
      const [from, to] = [await requireMailbox(fromMailboxId), await requireMailbox(toMailboxId)];
      const { rows, events: evs } = await copyEvents(from, uids, to);
      if (rows.length === 0) return { uidValidity: to.uid_validity, pairs: [] };
      const result = await events.append(mailboxStream(to.id), 'any', evs, { metadata: meta });
      return { uidValidity: to.uid_validity, pairs: rows.map((r, i) => [r.uid, result.events[i]!.streamPosition]) };
    },

    async move(fromMailboxId: string, uids: readonly number[], toMailboxId: string, meta: EventMetadata): Promise<CopyResult> {
      const [from, to] = [await requireMailbox(fromMailboxId), await requireMailbox(toMailboxId)];
      if (from.id === to.id) throw new ValidationError('source and destination are the same mailbox');
      const { rows, events: evs } = await copyEvents(from, uids, to);
      if (rows.length === 0) return { uidValidity: to.uid_validity, pairs: [] };
      const [copied] = await events.appendMulti([
        { stream: mailboxStream(to.id), expected: 'any', events: evs },
        { stream: mailboxStream(from.id), expected: 'any', events: [{ type: 'mail.MessagesExpunged', data: { accountId: from.account_id, mailboxId: from.id, uids: rows.map((r) => r.uid), moved: true } }] },
      ], { metadata: meta });
      return { uidValidity: to.uid_validity, pairs: rows.map((r, i) => [r.uid, copied!.events[i]!.streamPosition]) };
    },

    async vanished(mailboxId: string, sinceModseq: number) {
      return (await db.selectFrom('mail_expunged').select('uid').where('mailbox_id', '=', mailboxId).where('modseq', '>', sinceModseq).orderBy('uid').execute()).map((r) => r.uid as number);
    },

    async quota(userId: string): Promise<Quota> {
      const q = await db.selectFrom('mail_quota').selectAll().where('account_id', '=', userId).executeTakeFirst();
      return { usedBytes: Number(q?.used_bytes ?? 0), limitBytes: q?.limit_bytes === null || q?.limit_bytes === undefined ? null : Number(q.limit_bytes), messages: Number(q?.messages ?? 0) };
    },
    async setQuota(userId: string, limitBytes: number | null, meta: EventMetadata) { await account(userId, { type: 'setQuota', limitBytes }, meta); },

    async recentlyDeleted(userId: string, opts: { limit?: number } = {}): Promise<ExpungedMessage[]> {
      const days = await deps.auth.retentionDays();
      if (days <= 0) return [];
      const since = new Date(Date.now() - days * 86400_000).toISOString();
      const rows = await db.selectFrom('mail_expunged').selectAll().where('account_id', '=', userId).where('moved', '=', 0).where('expunged_at', '>=', since)
        .orderBy('expunged_at', 'desc').limit(Math.min(opts.limit ?? 200, 1000)).execute();
      return rows.map((r) => {
        const idx = JSON.parse(r.idx as string) as { subject?: string; from?: string };
        return {
          mailboxId: r.mailbox_id as string, mailboxName: r.mailbox_name as string | null, uid: r.uid as number, modseq: r.modseq as number,
          expungedAt: r.expunged_at as string, sha256: r.sha256 as string, size: r.size as number, internalDate: r.internal_date as number,
          flags: JSON.parse(r.flags as string) as string[], subject: idx.subject ?? '', from: idx.from ?? '',
        };
      });
    },

    async undelete(userId: string, items: readonly { mailboxId: string; uid: number }[], meta: EventMetadata) {
      await store.ensureAccount(userId, meta);
      const inbox = (await store.mailboxBySpecialUse(userId, 'INBOX'))!;
      const byMailbox = new Map<string, NewEvent[]>();
      for (const item of items) {
        const r = (await db.selectFrom('mail_expunged').selectAll().where('account_id', '=', userId).where('mailbox_id', '=', item.mailboxId).where('uid', '=', item.uid).where('moved', '=', 0).executeTakeFirst()) as (MessageRow & { uid: number }) | undefined;
        if (!r) continue;
        const target = (await mailboxRow(item.mailboxId)) ?? (await mailboxRow(inbox.id))!;
        const list = byMailbox.get(target.id) ?? [];
        list.push(appendedEvent(target, { sha256: r.sha256, size: r.size, internalDate: r.internal_date, flags: JSON.parse(r.flags), index: indexFromRow(r) }, { restoredFrom: { mailboxId: item.mailboxId, uid: item.uid } }));
        byMailbox.set(target.id, list);
      }
      if (byMailbox.size === 0) return 0;
      const results = await events.appendMulti([...byMailbox].map(([id, evs]) => ({ stream: mailboxStream(id), expected: 'any' as const, events: evs })), { metadata: meta });
      return results.reduce((n, r) => n + r.events.length, 0);
    },

    async previewMailboxRestore(mailboxId: string, at: { position: number } | { time: Date }, meta: EventMetadata) {
      const mailbox = await requireMailbox(mailboxId);
      const plan = await planRestore(events, mailboxRestoreSpec(mailbox), at, meta, await deps.auth.retentionDays());
      return summarize(plan.appends.flatMap((a) => a.events));
    },

    async restoreMailbox(mailboxId: string, at: { position: number } | { time: Date }, meta: EventMetadata) {
      const mailbox = await requireMailbox(mailboxId);
      const { plan } = await restoreCollection(events, mailboxRestoreSpec(mailbox), at, meta, await deps.auth.retentionDays());
      return summarize(plan.appends.flatMap((a) => a.events));
    },

    async readMessage(sha256: string, range?: { start: number; end: number }) {
      if (!range) return blobs.readAll(sha256);
      if (range.end <= range.start) return Buffer.alloc(0);
      const stream = await blobs.read(sha256, { start: range.start, end: range.end - 1 });
      const parts: Buffer[] = [];
      for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
      return Buffer.concat(parts);
    },

    async openMessageStream(sha256: string) { return blobs.read(sha256); },

    async deliver(userId: string, raw: Buffer, opts: { mailbox?: SpecialUse | 'INBOX'; flags?: string[]; internalDate?: number; idempotencyKey?: string }, meta: EventMetadata) {
      await store.ensureAccount(userId, meta);
      const mailbox = (await store.mailboxBySpecialUse(userId, opts.mailbox ?? 'INBOX')) ?? (await store.mailboxBySpecialUse(userId, 'INBOX'))!;
      const r = await store.appendMessage(mailbox.id, { raw, ...(opts.flags ? { flags: opts.flags } : {}), ...(opts.internalDate ? { internalDate: opts.internalDate } : {}) }, meta,
        opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {});
      return { mailboxId: mailbox.id, uid: r.uid };
    },

    async accountForAddress(address: string, primary: (address: string) => Promise<string | undefined>, opts: { catchAll?: boolean } = {}) {
      const a = address.trim().toLowerCase();
      const alias = await db.selectFrom('mail_aliases').select('account_id').where('address', '=', a).executeTakeFirst();
      if (alias) return alias.account_id as string;
      const user = await primary(a);
      if (user !== undefined || opts.catchAll === false) return user;
      return catchAllAccount(a);
    },
    async catchAlls() {
      const rows = await db.selectFrom('mail_catch_all').select(['domain', 'account_id']).orderBy('domain').execute();
      return new Map(rows.map((r) => [r.domain as string, r.account_id as string]));
    },
    async setCatchAll(domain: string, accountId: string | null, meta: EventMetadata) {
      const d = domain.trim().toLowerCase();
      const [domains, user] = await Promise.all([deps.auth.domains(), accountId === null ? undefined : deps.auth.userById(accountId)]);
      await handleCommand(events, domainStream(d), domainDecider, {
        type: 'setCatchAll', domain: d, accountId, domainIsLocal: domains.some((x) => x.toLowerCase() === d), accountExists: user !== undefined,
      }, { metadata: meta });
    },
    async aliases(userId: string) {
      return (await db.selectFrom('mail_aliases').select('address').where('account_id', '=', userId).orderBy('address').execute()).map((r) => r.address as string);
    },
    async addAlias(userId: string, address: string, meta: EventMetadata) {
      const a = address.trim().toLowerCase();
      const taken = await db.selectFrom('mail_aliases').select('account_id').where('address', '=', a).executeTakeFirst();
      if (taken && taken.account_id !== userId) throw new ValidationError(`${a} is already an alias of another account`);
      await account(userId, { type: 'addAlias', address: a }, meta);
    },
    async removeAlias(userId: string, address: string, meta: EventMetadata) { await account(userId, { type: 'removeAlias', address }, meta); },
  };
  return store;
}

function summarize(evs: readonly NewEvent[]) {
  let restored = 0; let removed = 0; let reflagged = 0;
  for (const e of evs) {
    if (e.type === 'mail.MessageAppended') restored++;
    else if (e.type === 'mail.MessagesExpunged') removed += (e.data as { uids: number[] }).uids.length;
    else if (e.type === 'mail.FlagsChanged') reflagged += (e.data as { uids: number[] }).uids.length;
  }
  return { restored, removed, reflagged };
}
