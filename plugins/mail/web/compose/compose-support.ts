// What compose needs besides the message builder: the submitter (the one the plugin
// provides, or one built from the same pieces), staged attachments, drafts, originals.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { NotFoundError } from '../../../../core/errors.ts';
import type { EventMetadata } from '../../../../core/events/types.ts';
import type { CairnEnv } from '../../../../core/http/env.ts';
import { createSmtpServers } from '../../smtp/smtp-servers.ts';
import type { Submitter } from '../../smtp/submit-message.ts';
import type { MailWebDeps } from '../mail-web-deps.ts';
import { createSignatureSettings, type SignatureSettings } from '../settings/signature-events.ts';
import type { ComposeAttachment } from './compose-message.ts';

/** One uploaded file: what a user attaches in the browser; bigger files belong in the drive. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** All attachments of one message together, under the 50 MiB message limit after base64 (×4/3). */
export const MAX_TOTAL_ATTACHMENT_BYTES = 35 * 1024 * 1024;
/** Staged uploads are forgotten after this long unused (the blob's GC grace is one hour). */
export const STAGED_TTL_MS = 55 * 60 * 1000;

export function uiMeta(c: Context<CairnEnv>): EventMetadata {
  return { actor: c.var.user!.id, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() };
}

const fallbackSubmitters = new WeakMap<object, Submitter>();
/**
 * The submitter: `deps.submit` (the plugin's `mail.submit`, shared with the SMTP
 * submission ports) or, when the plugin does not pass it, one built from the same
 * pieces (its queue worker is never started: the plugin's worker polls the queue).
 */
export function submitterOf(deps: MailWebDeps): Submitter {
  if (deps.submit) return deps.submit;
  let s = fallbackSubmitters.get(deps.store);
  if (!s) {
    const store = deps.store;
    s = createSmtpServers({
      store, auth: deps.auth, events: deps.events, db: deps.events.db.kysely, blobs: deps.blobs, logger: deps.logger,
      hostname: deps.config.hostname, tls: { key: '', cert: '' }, dataDir: deps.config.dataDir, settings: deps.settings,
      resolveRecipient: async (address) => {
        const userId = await store.accountForAddress(address, async (a) => (await deps.auth.userByEmail(a))?.id);
        return userId ? { userId } : undefined;
      },
      addressesOf: async (userId) => [(await deps.auth.userById(userId))?.email, ...(await store.aliases(userId))].filter((a): a is string => Boolean(a)),
    }).submitter;
    fallbackSubmitters.set(deps.store, s);
  }
  return s;
}

const signatureServices = new WeakMap<object, SignatureSettings>();
export function signaturesOf(deps: MailWebDeps): SignatureSettings {
  let s = signatureServices.get(deps.events);
  if (!s) {
    s = createSignatureSettings({ events: deps.events, db: deps.events.db.kysely });
    signatureServices.set(deps.events, s);
  }
  return s;
}

/** The addresses the user may send as: primary first, then aliases. */
export async function fromChoices(deps: MailWebDeps, userId: string, primary: string): Promise<string[]> {
  return [...new Set([primary.toLowerCase(), ...(await deps.store.aliases(userId))])];
}

export interface StagedAttachment {
  token: string;
  userId: string;
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
  at: number;
}

/**
 * Uploaded files waiting to be sent: the bytes are a blob, the reference lives here,
 * per user, under an unguessable token (a content hash alone would let anyone who knows
 * a file's hash attach it). Memory only: after a restart, files are uploaded again
 * (a saved draft keeps its attachments in the draft itself).
 */
export class AttachmentStaging {
  readonly #items = new Map<string, StagedAttachment>();

  async stage(deps: MailWebDeps, userId: string, a: ComposeAttachment): Promise<StagedAttachment> {
    this.#sweep();
    const blob = await deps.blobs.write(a.content, { maxBytes: MAX_ATTACHMENT_BYTES * 2 });
    const item: StagedAttachment = {
      token: randomBytes(18).toString('base64url'), userId, sha256: blob.sha256,
      filename: cleanFilename(a.filename), contentType: cleanType(a.contentType), size: blob.size, at: Date.now(),
    };
    this.#items.set(item.token, item);
    return item;
  }

  /** The user's own staged items for these tokens; others' and unknown tokens are ignored. */
  get(userId: string, tokens: readonly string[]): StagedAttachment[] {
    const out: StagedAttachment[] = [];
    for (const t of new Set(tokens)) {
      const item = this.#items.get(t);
      if (item && item.userId === userId) {
        item.at = Date.now();
        out.push(item);
      }
    }
    return out;
  }

  async load(deps: MailWebDeps, items: readonly StagedAttachment[]): Promise<ComposeAttachment[]> {
    return Promise.all(items.map(async (i) => ({ filename: i.filename, contentType: i.contentType, content: await deps.blobs.readAll(i.sha256) })));
  }

  forget(tokens: readonly string[]): void {
    for (const t of tokens) this.#items.delete(t);
  }

  #sweep() {
    const old = Date.now() - STAGED_TTL_MS;
    for (const [k, v] of this.#items) if (v.at < old) this.#items.delete(k);
  }
}

export function cleanFilename(name: string): string {
  const n = name.replace(/[\\/\x00-\x1f\x7f]/g, '_').trim().slice(0, 200);
  return n || 'attachment';
}
function cleanType(t: string): string {
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(t) ? t.toLowerCase() : 'application/octet-stream';
}

/** `<mailboxId>:<uid>` of one of the user's own messages → its raw bytes; 404 otherwise. */
export async function ownMessage(deps: MailWebDeps, userId: string, ref: string): Promise<{ mailboxId: string; uid: number; raw: Buffer }> {
  const i = ref.lastIndexOf(':');
  const mailboxId = ref.slice(0, i);
  const uid = Number(ref.slice(i + 1));
  const mb = i > 0 && Number.isInteger(uid) && uid > 0 ? await deps.store.mailbox(mailboxId) : undefined;
  if (!mb || mb.accountId !== userId) throw new NotFoundError('no such message', 'message_not_found');
  const [rec] = await deps.store.messageRecords(mailboxId, [uid]);
  if (!rec) throw new NotFoundError('no such message', 'message_not_found');
  return { mailboxId, uid, raw: await deps.store.readMessage(rec.sha256) };
}

/** Where drafts go; the account is created on first use. */
export async function draftsMailbox(deps: MailWebDeps, userId: string, meta: EventMetadata) {
  let mb = await deps.store.mailboxBySpecialUse(userId, '\\Drafts');
  if (!mb) {
    await deps.store.ensureAccount(userId, meta);
    mb = await deps.store.mailboxBySpecialUse(userId, '\\Drafts');
  }
  if (!mb) throw new NotFoundError('no Drafts mailbox', 'mailbox_not_found');
  return mb;
}

