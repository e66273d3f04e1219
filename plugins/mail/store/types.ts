// The mail store's contract: what the IMAP server, the SMTP server, the webmail (later)
// and restore use. Every mutating call is a command appended as mail.* events; reads
// come from the read models (mail_* tables), never from re-parsing blobs.
//
// Model (see plugins/mail/README.md):
// - stream `mail-account:<userId>`: mailboxes (create/rename/delete), subscriptions,
//   aliases, quota.
// - stream `mail-mailbox:<mailboxId>`: messages appended, flags changed, expunged.
//   A message's UID is the stream position of its mail.MessageAppended event, so
//   concurrent deliveries never conflict and UIDs strictly ascend (gaps allowed).
//   MODSEQ of a message is the global position of the last event that touched it;
//   HIGHESTMODSEQ is the global position of the mailbox stream's last event.
import type { EventMetadata } from '../../../core/events/types.ts';
import type { Envelope, MessageIndex, MimePart } from '../mime/types.ts';

export type SpecialUse = '\\Drafts' | '\\Sent' | '\\Archive' | '\\Junk' | '\\Trash' | '\\All' | '\\Flagged';

/** The mailboxes every account gets on first use, with their special-use attribute (RFC 6154). */
export const DEFAULT_MAILBOXES: readonly { name: string; specialUse: SpecialUse | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
];

/** Hierarchy separator of mailbox names (IMAP LIST's delimiter). */
export const MAILBOX_DELIMITER = '/';

export interface MailboxInfo {
  id: string;
  accountId: string;
  /** Full name with '/' as separator, UTF-8 (IMAP converts from/to modified UTF-7 when not UTF8=ACCEPT). */
  name: string;
  specialUse: SpecialUse | null;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  messages: number;
  unseen: number;
  /** Sum of message sizes (STATUS=SIZE). */
  size: number;
  subscribed: boolean;
}

export interface MessageMeta {
  uid: number;
  modseq: number;
  /** System flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) and keywords, sorted. */
  flags: string[];
  size: number;
  /** ms since epoch. */
  internalDate: number;
  sha256: string;
  /** Internal id, stable across COPY/MOVE (a copy gets a new one). */
  messageId: string;
}

export interface MessageRecord extends MessageMeta {
  envelope: Envelope;
  structure: MimePart;
  index: Pick<MessageIndex, 'subject' | 'from' | 'to' | 'cc' | 'date' | 'messageIdHeader' | 'inReplyTo' | 'references' | 'hasAttachments' | 'attachmentNames'>;
}

export interface ExpungedMessage {
  mailboxId: string;
  mailboxName: string | null;
  uid: number;
  modseq: number;
  expungedAt: string;
  sha256: string;
  size: number;
  internalDate: number;
  flags: string[];
  subject: string;
  from: string;
}

export type FlagOperation = 'add' | 'remove' | 'set';

export interface StoreFlagsResult {
  /** Messages whose flags changed: their new flags and modseq. */
  changed: { uid: number; flags: string[]; modseq: number }[];
  /** UIDs left alone because their modseq was above UNCHANGEDSINCE (RFC 7162 §3.1.3). */
  failed: number[];
}

export interface CopyResult {
  uidValidity: number;
  /** [source uid, destination uid] pairs in source-uid order (COPYUID). */
  pairs: [number, number][];
}

export interface Quota { usedBytes: number; limitBytes: number | null; messages: number }

export interface MailStore {
  /** Creates the default mailboxes on first use; cheap when they exist. */
  ensureAccount(userId: string, meta: EventMetadata): Promise<void>;
  mailboxes(userId: string): Promise<MailboxInfo[]>;
  mailboxByName(userId: string, name: string): Promise<MailboxInfo | undefined>;
  mailbox(mailboxId: string): Promise<MailboxInfo | undefined>;
  mailboxBySpecialUse(userId: string, use: SpecialUse | 'INBOX'): Promise<MailboxInfo | undefined>;
  /** Throws ConflictError('mailbox_exists') / ValidationError for bad names. Creates missing parents (RFC 3501 §6.3.3). */
  createMailbox(userId: string, name: string, opts: { specialUse?: SpecialUse | null }, meta: EventMetadata): Promise<MailboxInfo>;
  /** Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty (RFC 3501 §6.3.5). Children move along. */
  renameMailbox(userId: string, from: string, to: string, meta: EventMetadata): Promise<void>;
  /** INBOX cannot be deleted; a mailbox with children cannot be deleted (NO, RFC 3501 §6.3.4 as servers implement it). */
  deleteMailbox(userId: string, name: string, meta: EventMetadata): Promise<void>;
  subscribe(userId: string, name: string, meta: EventMetadata): Promise<void>;
  unsubscribe(userId: string, name: string, meta: EventMetadata): Promise<void>;
  subscriptions(userId: string): Promise<string[]>;

  /** Stores the bytes as a blob (byte-exact), indexes them and appends to the mailbox. Refuses over quota (LimitExceededError 'over_quota'). */
  appendMessage(
    mailboxId: string,
    input: { raw: Buffer; flags?: string[]; internalDate?: number },
    meta: EventMetadata,
    opts?: { idempotencyKey?: string },
  ): Promise<{ uid: number; uidValidity: number; messageId: string }>;
  /** Messages of a mailbox in UID order, optionally a UID range and/or only those changed after a modseq. */
  messages(mailboxId: string, opts?: { fromUid?: number; toUid?: number; changedSince?: number }): Promise<MessageMeta[]>;
  /** Full records (envelope, structure) for the UIDs given, in UID order; unknown UIDs are skipped. */
  messageRecords(mailboxId: string, uids: readonly number[]): Promise<MessageRecord[]>;
  setFlags(mailboxId: string, uids: readonly number[], op: FlagOperation, flags: readonly string[], opts: { unchangedSince?: number }, meta: EventMetadata): Promise<StoreFlagsResult>;
  /** Removes the messages (all given UIDs that exist); returns the UIDs expunged. */
  expunge(mailboxId: string, uids: readonly number[], meta: EventMetadata): Promise<number[]>;
  copy(fromMailboxId: string, uids: readonly number[], toMailboxId: string, meta: EventMetadata): Promise<CopyResult>;
  /** Atomic: the copies appear and the originals vanish in one append. */
  move(fromMailboxId: string, uids: readonly number[], toMailboxId: string, meta: EventMetadata): Promise<CopyResult>;
  /** UIDs expunged from the mailbox with a modseq above `sinceModseq` (QRESYNC VANISHED). */
  vanished(mailboxId: string, sinceModseq: number): Promise<number[]>;

  quota(userId: string): Promise<Quota>;
  setQuota(userId: string, limitBytes: number | null, meta: EventMetadata): Promise<void>;

  /** Messages expunged inside the retention window, newest first. */
  recentlyDeleted(userId: string, opts?: { limit?: number }): Promise<ExpungedMessage[]>;
  /** Brings expunged messages back into their mailbox (INBOX if it is gone), with new UIDs. */
  undelete(userId: string, items: readonly { mailboxId: string; uid: number }[], meta: EventMetadata): Promise<number>;
  /** Preview and restore of a mailbox as it was at a moment (core point-in-time helper). */
  previewMailboxRestore(mailboxId: string, at: { position: number } | { time: Date }, meta: EventMetadata): Promise<{ restored: number; removed: number; reflagged: number }>;
  restoreMailbox(mailboxId: string, at: { position: number } | { time: Date }, meta: EventMetadata): Promise<{ restored: number; removed: number; reflagged: number }>;

  /** The raw bytes (byte-exact), optionally a range (end exclusive). */
  readMessage(sha256: string, range?: { start: number; end: number }): Promise<Buffer>;
  openMessageStream(sha256: string): Promise<NodeJS.ReadableStream>;

  /** Local delivery: the account's INBOX (or the special-use mailbox named), ensuring the account first. */
  deliver(userId: string, raw: Buffer, opts: { mailbox?: SpecialUse | 'INBOX'; flags?: string[]; internalDate?: number; idempotencyKey?: string }, meta: EventMetadata): Promise<{ mailboxId: string; uid: number }>;

  /** The stream names to watch in the change feed. */
  mailboxStream(mailboxId: string): string;
  accountStream(userId: string): string;
}
