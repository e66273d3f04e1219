// Import jobs: copy a whole mailbox from another IMAP server into a Cairn account.
//
// Implementation notes (invariants):
// - Job state and progress are operational state in plain tables (mail_import_jobs,
//   mail_import_folders), created on first use; the imported messages themselves go
//   through the mail store and are events like any other append.
// - The source password lives only in memory (`#passwords`) for the job's life. It is
//   never written to a table or an event. A job found "running" by a fresh process (the
//   previous one stopped) is marked paused and asks for the password again.
// - One worker per job (concurrency 1); at most `maxPerSecond` messages a second.
// - Resumable: each folder records its source UIDVALIDITY and the last UID copied; a
//   restart fetches UIDs above it. Each source message appends with an idempotency key
//   (account, target mailbox, Message-ID, sha256), so a message copied twice — resume
//   overlap, or the same message twice in a folder — lands once.
// - Gmail: `[Gmail]/All Mail`, Starred and Important are views of other folders and are
//   skipped; special-use folders (\Sent, \Drafts, \Junk, \Trash, \Archive) map onto the
//   account's own; other `[Gmail]/X` become `X`.
import { createHash, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { ListResponse } from 'imapflow';
import { sql, type Kysely } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import type { MailStoreService } from '../index.ts';
import { isLocalAddress } from '../smtp/dns-resolver.ts';
import type { SpecialUse } from '../store/types.ts';

/** Default rate: fast enough for a large mailbox in minutes, slow enough not to look like abuse to the source. */
export const IMPORT_MAX_MESSAGES_PER_SECOND = 500;
/** UIDs fetched per FETCH: bounds memory (a batch of bodies is held at once). */
export const IMPORT_FETCH_BATCH = 50;
/** Jobs one user may have running at once: each holds an IMAP connection to the source. */
export const IMPORT_MAX_RUNNING_PER_USER = 2;
/** Connection and greeting timeout towards the source server. */
export const IMPORT_CONNECT_TIMEOUT_MS = 30_000;

export type ImportState = 'running' | 'paused' | 'done' | 'failed';
export type ImportTls = 'implicit' | 'starttls';

export interface ImapSource { host: string; port: number; tls: ImportTls; username: string; password: string; allowUntrusted?: boolean }

export interface ImportJob {
  id: string;
  userId: string;
  state: ImportState;
  host: string;
  port: number;
  tls: ImportTls;
  username: string;
  allowUntrusted: boolean;
  foldersTotal: number;
  foldersDone: number;
  messagesTotal: number;
  messagesDone: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  folders: { source: string; target: string | null; lastUid: number; done: boolean }[];
}

const ENSURE = [
  sql`create table if not exists mail_import_jobs (id text primary key, user_id text not null, state text not null, host text not null, port integer not null, tls text not null,
    username text not null, allow_untrusted integer not null default 0, folders_total integer not null default 0, folders_done integer not null default 0,
    messages_total integer not null default 0, messages_done integer not null default 0, error text, created_at text not null, updated_at text not null)`,
  sql`create index if not exists mail_import_jobs_user on mail_import_jobs (user_id, created_at)`,
  sql`create table if not exists mail_import_folders (job_id text not null, source text not null, target text, uid_validity integer, last_uid integer not null default 0,
    done integer not null default 0, primary key (job_id, source))`,
];

/** The local name for a source folder, or null to skip it. */
export function mapFolder(box: Pick<ListResponse, 'path' | 'delimiter' | 'flags' | 'specialUse'>, special: Partial<Record<SpecialUse, string>>): string | null {
  const flags = new Set([...(box.flags ?? [])].map((f) => f.toLowerCase()));
  if (flags.has('\\noselect') || flags.has('\\nonexistent')) return null;
  const use = box.specialUse as SpecialUse | '\\Important' | undefined;
  const segments = box.delimiter ? box.path.split(box.delimiter) : [box.path];
  const gmail = segments.length > 1 && /^\[(Gmail|Google Mail)\]$/i.test(segments[0]!);
  if (use === '\\All' || use === '\\Flagged' || use === '\\Important' || flags.has('\\all') || flags.has('\\flagged') || flags.has('\\important')) return null;
  if (segments.length === 1 && /^\[(Gmail|Google Mail)\]$/i.test(segments[0]!)) return null;
  if (gmail && /^(All Mail|Starred|Important|Alle Nachrichten)$/i.test(segments[1]!) && segments.length === 2) return null;
  if (box.path.toUpperCase() === 'INBOX') return 'INBOX';
  if (use && use in special) return special[use as SpecialUse]!;
  const rest = (gmail ? segments.slice(1) : segments).map((s) => s.replace(/\//g, '-').trim()).filter(Boolean);
  return rest.length ? rest.join('/') : null;
}

/** The Message-ID header of a raw message (first header block only). */
export function messageIdHeader(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 65536) : Math.min(end, 65536)).toString('latin1');
  return /^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1]?.replace(/\s+/g, '') ?? '';
}

/** One idempotency key per (account, target mailbox, source message content). */
export function importKey(userId: string, mailboxId: string, raw: Buffer): string {
  const sha = createHash('sha256').update(raw).digest('hex');
  return `mail-import:${createHash('sha256').update(`${userId}\0${mailboxId}\0${messageIdHeader(raw)}\0${sha}`).digest('hex')}`;
}

interface JobRow {
  id: string; user_id: string; state: ImportState; host: string; port: number; tls: ImportTls; username: string; allow_untrusted: number;
  folders_total: number; folders_done: number; messages_total: number; messages_done: number; error: string | null; created_at: string; updated_at: string;
}

export interface ImportService {
  start(userId: string, source: ImapSource): Promise<ImportJob>;
  resume(userId: string, jobId: string, password: string): Promise<ImportJob>;
  /** Stops the worker after the message in hand; the job becomes paused. */
  stop(userId: string, jobId: string): Promise<void>;
  job(userId: string, jobId: string): Promise<ImportJob | undefined>;
  jobs(userId: string): Promise<ImportJob[]>;
  /** Resolves when the job's worker ends (tests, benchmark). */
  settled(jobId: string): Promise<void>;
  /** Stops every worker (shutdown). */
  close(): Promise<void>;
}

export function createImportService(deps: { store: MailStoreService; db: Kysely<any>; logger: Logger; maxPerSecond?: number; allowPrivateHosts?: boolean }): ImportService {
  const { store, db } = deps;
  const log = deps.logger.child({ component: 'mail-import' });
  const maxPerSecond = deps.maxPerSecond ?? IMPORT_MAX_MESSAGES_PER_SECOND;
  const workers = new Map<string, { stop: boolean; done: Promise<void> }>();
  let ready: Promise<void> | undefined;
  const ensure = () => (ready ??= (async () => {
    for (const q of ENSURE) await q.execute(db);
    // A fresh process holds no passwords: whatever was running stopped with the old one.
    await sql`update mail_import_jobs set state = 'paused', error = ${'The server restarted. Enter the password to continue.'}, updated_at = ${new Date().toISOString()} where state = 'running'`.execute(db);
  })());

  const now = () => new Date().toISOString();
  const meta = (userId: string): EventMetadata => ({ actor: userId, source: 'system', time: now(), via: 'import' });
  const update = (id: string, set: Partial<Record<keyof JobRow, string | number | null>>) =>
    db.updateTable('mail_import_jobs').set({ ...set, updated_at: now() }).where('id', '=', id).execute();

  async function load(userId: string, jobId: string): Promise<ImportJob | undefined> {
    await ensure();
    const row = await db.selectFrom('mail_import_jobs').selectAll().where('id', '=', jobId).where('user_id', '=', userId).executeTakeFirst() as JobRow | undefined;
    if (!row) return undefined;
    const folders = await db.selectFrom('mail_import_folders').selectAll().where('job_id', '=', jobId).orderBy('source').execute();
    return {
      id: row.id, userId: row.user_id, state: row.state, host: row.host, port: row.port, tls: row.tls, username: row.username, allowUntrusted: row.allow_untrusted === 1,
      foldersTotal: row.folders_total, foldersDone: row.folders_done, messagesTotal: row.messages_total, messagesDone: row.messages_done,
      error: row.error, createdAt: row.created_at, updatedAt: row.updated_at,
      folders: folders.map((f) => ({ source: f.source as string, target: f.target as string | null, lastUid: Number(f.last_uid), done: f.done === 1 })),
    };
  }

  async function launch(job: ImportJob, password: string): Promise<void> {
    const running = (await db.selectFrom('mail_import_jobs').select('id').where('user_id', '=', job.userId).where('state', '=', 'running').execute()).filter((r) => r.id !== job.id);
    if (running.length >= IMPORT_MAX_RUNNING_PER_USER) throw new ConflictError(`At most ${IMPORT_MAX_RUNNING_PER_USER} imports run at once; wait for one to finish.`, 'too_many_imports');
    await update(job.id, { state: 'running', error: null });
    const w = { stop: false, done: Promise.resolve() };
    w.done = run(job, password, w).catch(async (e: unknown) => {
      log.warn({ job: job.id, error: e instanceof Error ? e.message : String(e) }, 'import failed');
      await update(job.id, { state: 'failed', error: describeError(e) });
    }).finally(() => { workers.delete(job.id); });
    workers.set(job.id, w);
  }

  async function run(job: ImportJob, password: string, w: { stop: boolean }): Promise<void> {
    if (!deps.allowPrivateHosts) await assertPublicHost(job.host);
    // imapflow (~24 MB loaded) is needed only while an import runs.
    const { ImapFlow } = await import('imapflow');
    const client = new ImapFlow({
      host: job.host, port: job.port, secure: job.tls === 'implicit',
      ...({ doSTARTTLS: job.tls === 'starttls' } as object),
      tls: { rejectUnauthorized: !job.allowUntrusted },
      auth: { user: job.username, pass: password },
      logger: false, disableAutoIdle: true, connectionTimeout: IMPORT_CONNECT_TIMEOUT_MS, greetingTimeout: IMPORT_CONNECT_TIMEOUT_MS,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      await store.ensureAccount(job.userId, meta(job.userId));
      const special: Partial<Record<SpecialUse, string>> = {};
      for (const use of ['\\Sent', '\\Drafts', '\\Junk', '\\Trash', '\\Archive'] as const) {
        const mb = await store.mailboxBySpecialUse(job.userId, use);
        if (mb) special[use] = mb.name;
      }
      // Plan: every selectable folder with its target; totals from STATUS.
      const boxes = await client.list({ statusQuery: { messages: true } });
      let total = 0;
      for (const box of boxes) {
        const target = mapFolder(box, special);
        await sql`insert into mail_import_folders (job_id, source, target) values (${job.id}, ${box.path}, ${target})
          on conflict(job_id, source) do update set target = excluded.target`.execute(db);
        if (target !== null) total += box.status?.messages ?? 0;
      }
      const folders = (await load(job.userId, job.id))!.folders.filter((f) => f.target !== null);
      await update(job.id, { folders_total: folders.length, folders_done: folders.filter((f) => f.done).length, messages_total: total });

      let sent = 0;
      const started = Date.now();
      for (const folder of folders) {
        if (folder.done) continue;
        if (w.stop) return;
        const opened = await client.mailboxOpen(folder.source, { readOnly: true });
        const uidValidity = Number(opened.uidValidity);
        const row = await db.selectFrom('mail_import_folders').select(['uid_validity', 'last_uid']).where('job_id', '=', job.id).where('source', '=', folder.source).executeTakeFirstOrThrow();
        // A changed UIDVALIDITY means the saved UIDs name other messages: start the folder over (keys prevent duplicates).
        let lastUid = row.uid_validity !== null && Number(row.uid_validity) !== uidValidity ? 0 : Number(row.last_uid);
        await db.updateTable('mail_import_folders').set({ uid_validity: uidValidity, last_uid: lastUid }).where('job_id', '=', job.id).where('source', '=', folder.source).execute();
        const target = await localMailbox(job.userId, folder.target!);
        const uids = opened.exists > 0 ? ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []).filter((u) => u > lastUid).sort((a, b) => a - b) : [];
        // Progress is saved once per batch (and when stopping): one write instead of two per
        // message. A crash loses at most a batch of progress, which the keys make harmless.
        let unsaved = 0;
        const save = async () => {
          if (unsaved === 0) return;
          const n = unsaved;
          unsaved = 0;
          await db.updateTable('mail_import_folders').set({ last_uid: lastUid }).where('job_id', '=', job.id).where('source', '=', folder.source).execute();
          await sql`update mail_import_jobs set messages_done = messages_done + ${n}, updated_at = ${now()} where id = ${job.id}`.execute(db);
        };
        try {
          for (let i = 0; i < uids.length; i += IMPORT_FETCH_BATCH) {
            const batch = uids.slice(i, i + IMPORT_FETCH_BATCH);
            const msgs = await client.fetchAll(batch.join(','), { uid: true, flags: true, internalDate: true, source: true }, { uid: true });
            msgs.sort((a, b) => a.uid - b.uid);
            for (const m of msgs) {
              if (w.stop) return;
              // Rate bound: never ahead of maxPerSecond since the run started.
              const ahead = (sent * 1000) / maxPerSecond - (Date.now() - started);
              if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
              if (m.source) {
                const flags = [...(m.flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent');
                const internalDate = m.internalDate ? new Date(m.internalDate).getTime() : undefined;
                await store.appendMessage(target, { raw: m.source, flags, ...(internalDate && Number.isFinite(internalDate) ? { internalDate } : {}) }, meta(job.userId), { idempotencyKey: importKey(job.userId, target, m.source) });
              }
              sent++;
              unsaved++;
              lastUid = m.uid;
            }
            await save();
          }
        } finally {
          await save();
        }
        await db.updateTable('mail_import_folders').set({ done: 1 }).where('job_id', '=', job.id).where('source', '=', folder.source).execute();
        await sql`update mail_import_jobs set folders_done = folders_done + 1, updated_at = ${now()} where id = ${job.id}`.execute(db);
      }
      await update(job.id, { state: 'done', error: null });
    } finally {
      if (w.stop) await update(job.id, { state: 'paused', error: null });
      await client.logout().catch(() => client.close());
    }
  }

  async function localMailbox(userId: string, name: string): Promise<string> {
    const found = await store.mailboxByName(userId, name);
    if (found) return found.id;
    try {
      return (await store.createMailbox(userId, name, {}, meta(userId))).id;
    } catch (e) {
      const again = await store.mailboxByName(userId, name);
      if (again) return again.id;
      throw e;
    }
  }

  return {
    async start(userId, source) {
      await ensure();
      const host = source.host.trim();
      if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) throw new ValidationError('Enter the server’s host name.');
      if (!Number.isInteger(source.port) || source.port < 1 || source.port > 65535) throw new ValidationError('Enter a port between 1 and 65535.');
      if (source.tls !== 'implicit' && source.tls !== 'starttls') throw new ValidationError('Choose how to secure the connection.');
      if (!source.username || source.username.length > 320) throw new ValidationError('Enter the user name.');
      if (!source.password || source.password.length > 1024) throw new ValidationError('Enter the password.');
      const id = randomUUID();
      const t = now();
      await db.insertInto('mail_import_jobs').values({
        id, user_id: userId, state: 'paused', host, port: source.port, tls: source.tls, username: source.username, allow_untrusted: source.allowUntrusted ? 1 : 0,
        created_at: t, updated_at: t,
      }).execute();
      const job = (await load(userId, id))!;
      await launch(job, source.password);
      return (await load(userId, id))!;
    },
    async resume(userId, jobId, password) {
      const job = await load(userId, jobId);
      if (!job) throw new NotFoundError('No such import.');
      if (workers.has(jobId)) return job;
      if (job.state === 'done') throw new ConflictError('This import is finished.', 'import_done');
      if (!password) throw new ValidationError('Enter the password.');
      await launch(job, password);
      return (await load(userId, jobId))!;
    },
    async stop(userId, jobId) {
      const job = await load(userId, jobId);
      if (!job) throw new NotFoundError('No such import.');
      const w = workers.get(jobId);
      if (!w) return;
      w.stop = true;
      await w.done;
    },
    job: load,
    async jobs(userId) {
      await ensure();
      const ids = await db.selectFrom('mail_import_jobs').select('id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(20).execute();
      return (await Promise.all(ids.map((r) => load(userId, r.id as string)))).filter((j): j is ImportJob => j !== undefined);
    },
    async settled(jobId) {
      await workers.get(jobId)?.done;
    },
    async close() {
      for (const w of workers.values()) w.stop = true;
      await Promise.all([...workers.values()].map((w) => w.done));
    },
  };
}

/** What the user sees: the source server's words for authentication, generic otherwise. */
function describeError(e: unknown): string {
  const err = e as { authenticationFailed?: boolean; code?: string; responseText?: string; message?: string };
  if (err?.authenticationFailed) return 'The server refused the user name or password.';
  if (err?.code === 'ECONNREFUSED' || err?.code === 'ENOTFOUND' || err?.code === 'ETIMEDOUT') return `Could not reach the server (${err.code}).`;
  if (typeof err?.code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code)) return 'The server’s TLS certificate is not trusted.';
  if (err?.responseText) return `The server answered: ${err.responseText.slice(0, 200)}`;
  return err?.message ? `Import stopped: ${err.message.slice(0, 200)}` : 'Import stopped by an unexpected error.';
}

/**
 * A user-supplied host must not make the server reach into its own network (SSRF):
 * loopback, private and link-local addresses are refused unless the operator allows
 * them (`"mail": { "importAllowPrivateHosts": true }` in the config file).
 */
export async function assertPublicHost(host: string): Promise<void> {
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new ValidationError(`cannot find the server ${host}`);
  }
  if (addresses.some((a) => isLocalAddress(a.address) || a.address === '0.0.0.0' || a.address === '::')) {
    throw new ValidationError(`importing from ${host} is not allowed: it is an address inside this server's network`);
  }
}
