import { z } from 'zod';

// Payloads are validated before append; the MIME index is passed through as the
// indexer produced it (its own types are the contract), bounded by the event size limit.
const flags = z.array(z.string().min(1).max(200)).max(200);
const id = z.string().min(1).max(64);

export const mailStoreEvents = {
  // stream mail-account:<userId>
  'mail.MailboxCreated': z.object({ mailboxId: id, name: z.string().min(1).max(1024), specialUse: z.string().nullable(), uidValidity: z.number().int().positive() }),
  'mail.MailboxRenamed': z.object({ mailboxId: id, name: z.string().min(1).max(1024) }),
  'mail.MailboxDeleted': z.object({ mailboxId: id }),
  'mail.MailboxSubscribed': z.object({ name: z.string().min(1).max(1024) }),
  'mail.MailboxUnsubscribed': z.object({ name: z.string().min(1).max(1024) }),
  'mail.AliasAdded': z.object({ address: z.string().email().max(320) }),
  'mail.AliasRemoved': z.object({ address: z.string().max(320) }),
  'mail.QuotaSet': z.object({ limitBytes: z.number().int().nonnegative().nullable() }),
  // stream mail-mailbox:<mailboxId>; a message's UID is the stream position of its MessageAppended
  'mail.MessageAppended': z.object({
    accountId: id, mailboxId: id, messageId: id,
    sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative(), internalDate: z.number().int(),
    flags, index: z.record(z.string(), z.unknown()),
    /** Set when an expunged message is brought back ("recently deleted"). */
    restoredFrom: z.object({ mailboxId: id, uid: z.number().int().positive() }).optional(),
  }),
  'mail.FlagsChanged': z.object({ accountId: id, mailboxId: id, uids: z.array(z.number().int().positive()).min(1), op: z.enum(['add', 'remove', 'set']), flags }),
  /** `moved`: the messages live on in another mailbox (MOVE); VANISHED still reports them, "recently deleted" does not. */
  'mail.MessagesExpunged': z.object({ accountId: id, mailboxId: id, uids: z.array(z.number().int().positive()).min(1), moved: z.literal(true).optional() }),
  // stream mail-domain:<domain>; accountId null turns the catch-all off
  'mail.CatchAllSet': z.object({ domain: z.string().min(1).max(253), accountId: id.nullable() }),
};

export type MailStoreEventType = keyof typeof mailStoreEvents;
export type MailEventData<T extends MailStoreEventType> = z.infer<(typeof mailStoreEvents)[T]>;

export const accountStream = (userId: string) => `mail-account:${userId}`;
export const mailboxStream = (mailboxId: string) => `mail-mailbox:${mailboxId}`;
/** Per local domain: its catch-all (domain/catch-all.ts). The domain is lowercase. */
export const domainStream = (domain: string) => `mail-domain:${domain}`;
