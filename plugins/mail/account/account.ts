// The account aggregate (stream mail-account:<userId>): the mailbox set, subscriptions,
// aliases and quota. State + evolve and one decide per command, all pure; new ids and
// the time come in the command and metadata.
import type { Decider } from '../../../core/events/handle-command.ts';
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { DEFAULT_MAILBOXES, MAILBOX_DELIMITER, type SpecialUse } from '../store/types.ts';

/** Longest mailbox name (bytes of UTF-8); clients show them in a tree, not as documents. */
export const MAX_MAILBOX_NAME = 512;
/** Levels of hierarchy; deeper trees are a sign of a runaway client. */
export const MAX_MAILBOX_DEPTH = 20;
/** Mailboxes per account; bounds LIST responses and the account stream. */
export const MAX_MAILBOXES = 2_000;

export interface AccountState {
  mailboxes: Map<string, { name: string; specialUse: string | null; uidValidity: number }>;
  subscriptions: Set<string>;
  aliases: Set<string>;
  quota: number | null;
  lastUidValidity: number;
}

export type AccountCommand =
  | { type: 'createDefaults'; ids: string[] }
  | { type: 'create'; name: string; specialUse: SpecialUse | null; ids: string[] }
  | { type: 'rename'; from: string; to: string }
  | { type: 'delete'; name: string }
  | { type: 'subscribe'; name: string }
  | { type: 'unsubscribe'; name: string }
  | { type: 'addAlias'; address: string }
  | { type: 'removeAlias'; address: string }
  | { type: 'setQuota'; limitBytes: number | null };

export const initialAccount = (): AccountState => ({ mailboxes: new Map(), subscriptions: new Set(), aliases: new Set(), quota: null, lastUidValidity: 0 });

export function evolveAccount(s: AccountState, e: StoredEvent): AccountState {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'mail.MailboxCreated':
      s.mailboxes.set(d.mailboxId as string, { name: d.name as string, specialUse: (d.specialUse as string | null) ?? null, uidValidity: d.uidValidity as number });
      s.lastUidValidity = Math.max(s.lastUidValidity, d.uidValidity as number);
      return s;
    case 'mail.MailboxRenamed': {
      const m = s.mailboxes.get(d.mailboxId as string);
      if (m) m.name = d.name as string;
      return s;
    }
    case 'mail.MailboxDeleted': s.mailboxes.delete(d.mailboxId as string); return s;
    case 'mail.MailboxSubscribed': s.subscriptions.add(d.name as string); return s;
    case 'mail.MailboxUnsubscribed': s.subscriptions.delete(d.name as string); return s;
    case 'mail.AliasAdded': s.aliases.add(d.address as string); return s;
    case 'mail.AliasRemoved': s.aliases.delete(d.address as string); return s;
    case 'mail.QuotaSet': s.quota = d.limitBytes as number | null; return s;
    default: return s;
  }
}

/** INBOX is case-insensitive (RFC 3501 §5.1); every other name is case-sensitive. */
export function normalizeMailboxName(name: string): string {
  const n = name.normalize('NFC');
  if (n.toUpperCase() === 'INBOX') return 'INBOX';
  if (n.toUpperCase().startsWith(`INBOX${MAILBOX_DELIMITER}`)) return `INBOX${n.slice(5)}`;
  return n;
}

export function validateMailboxName(raw: string): string {
  const name = normalizeMailboxName(raw);
  if (name.length === 0) throw new ValidationError('a mailbox needs a name');
  if (Buffer.byteLength(name) > MAX_MAILBOX_NAME) throw new ValidationError(`mailbox names have at most ${MAX_MAILBOX_NAME} bytes`);
  if (name.startsWith(MAILBOX_DELIMITER) || name.endsWith(MAILBOX_DELIMITER) || name.includes(MAILBOX_DELIMITER + MAILBOX_DELIMITER)) {
    throw new ValidationError('mailbox names cannot have empty levels');
  }
  // '*' and '%' are LIST wildcards (RFC 3501 §6.3.8); control characters break clients.
  if (/[*%\u0000-\u001f\u007f]/.test(name)) throw new ValidationError('mailbox names cannot contain *, % or control characters');
  if (name.split(MAILBOX_DELIMITER).length > MAX_MAILBOX_DEPTH) throw new ValidationError(`at most ${MAX_MAILBOX_DEPTH} levels of mailboxes`);
  return name;
}

function byName(s: AccountState, name: string): [string, { name: string; specialUse: string | null }] | undefined {
  for (const entry of s.mailboxes) if (entry[1].name === name) return entry;
  return undefined;
}

function nextUidValidity(s: AccountState, time: string, offset: number): number {
  // Seconds since the epoch, never reused for this account even within one second.
  return Math.max(Math.floor(Date.parse(time) / 1000), s.lastUidValidity + 1) + offset;
}

export function decideAccount(c: AccountCommand, s: AccountState, time: string): NewEvent[] {
  switch (c.type) {
    case 'createDefaults': {
      if (s.mailboxes.size > 0) return [];
      return DEFAULT_MAILBOXES.flatMap((m, i) => [
        { type: 'mail.MailboxCreated', data: { mailboxId: c.ids[i]!, name: m.name, specialUse: m.specialUse, uidValidity: nextUidValidity(s, time, i) } },
        { type: 'mail.MailboxSubscribed', data: { name: m.name } },
      ]);
    }
    case 'create': {
      const name = validateMailboxName(c.name);
      if (byName(s, name)) throw new ConflictError(`mailbox ${name} already exists`, 'mailbox_exists');
      // Parents that do not exist yet are created too (RFC 3501 §6.3.3).
      const levels = name.split(MAILBOX_DELIMITER);
      const missing: string[] = [];
      for (let i = 1; i < levels.length; i++) {
        const parent = levels.slice(0, i).join(MAILBOX_DELIMITER);
        if (!byName(s, parent)) missing.push(parent);
      }
      if (s.mailboxes.size + missing.length + 1 > MAX_MAILBOXES) throw new ConflictError(`at most ${MAX_MAILBOXES} mailboxes per account`, 'too_many_mailboxes');
      if (c.specialUse && [...s.mailboxes.values()].some((m) => m.specialUse === c.specialUse)) {
        throw new ConflictError(`a ${c.specialUse} mailbox exists already`, 'special_use_taken');
      }
      const names = [...missing, name];
      return names.map((n, i) => ({
        type: 'mail.MailboxCreated',
        data: { mailboxId: c.ids[i]!, name: n, specialUse: n === name ? c.specialUse : null, uidValidity: nextUidValidity(s, time, i) },
      }));
    }
    case 'rename': {
      const from = validateMailboxName(c.from);
      const to = validateMailboxName(c.to);
      if (from === 'INBOX') throw new ValidationError('renaming INBOX is done by moving its messages');
      const src = byName(s, from);
      if (!src) throw new NotFoundError(`no mailbox ${from}`, 'mailbox_not_found');
      if (byName(s, to)) throw new ConflictError(`mailbox ${to} already exists`, 'mailbox_exists');
      if (to === from || to.startsWith(from + MAILBOX_DELIMITER)) throw new ValidationError('a mailbox cannot be moved inside itself');
      const events: NewEvent[] = [{ type: 'mail.MailboxRenamed', data: { mailboxId: src[0], name: to } }];
      for (const [id, m] of s.mailboxes) {
        if (m.name.startsWith(from + MAILBOX_DELIMITER)) events.push({ type: 'mail.MailboxRenamed', data: { mailboxId: id, name: to + m.name.slice(from.length) } });
      }
      if (s.subscriptions.has(from)) events.push({ type: 'mail.MailboxUnsubscribed', data: { name: from } }, { type: 'mail.MailboxSubscribed', data: { name: to } });
      return events;
    }
    case 'delete': {
      const name = validateMailboxName(c.name);
      if (name === 'INBOX') throw new ForbiddenError('INBOX cannot be deleted', 'cannot_delete_inbox');
      const m = byName(s, name);
      if (!m) throw new NotFoundError(`no mailbox ${name}`, 'mailbox_not_found');
      if ([...s.mailboxes.values()].some((x) => x.name.startsWith(name + MAILBOX_DELIMITER))) {
        throw new ConflictError(`${name} has mailboxes inside it; delete those first`, 'has_children');
      }
      return [{ type: 'mail.MailboxDeleted', data: { mailboxId: m[0] } }];
    }
    case 'subscribe': {
      const name = validateMailboxName(c.name);
      return s.subscriptions.has(name) ? [] : [{ type: 'mail.MailboxSubscribed', data: { name } }];
    }
    case 'unsubscribe': {
      const name = normalizeMailboxName(c.name);
      return s.subscriptions.has(name) ? [{ type: 'mail.MailboxUnsubscribed', data: { name } }] : [];
    }
    case 'addAlias': {
      const address = c.address.trim().toLowerCase();
      return s.aliases.has(address) ? [] : [{ type: 'mail.AliasAdded', data: { address } }];
    }
    case 'removeAlias': {
      const address = c.address.trim().toLowerCase();
      return s.aliases.has(address) ? [{ type: 'mail.AliasRemoved', data: { address } }] : [];
    }
    case 'setQuota':
      if (c.limitBytes !== null && (!Number.isSafeInteger(c.limitBytes) || c.limitBytes < 0)) throw new ValidationError('a quota is a whole number of bytes');
      return s.quota === c.limitBytes ? [] : [{ type: 'mail.QuotaSet', data: { limitBytes: c.limitBytes } }];
  }
}

export const accountDecider: Decider<AccountState, AccountCommand> = {
  initialState: initialAccount,
  evolve: evolveAccount,
  decide: (c, s, meta) => decideAccount(c, s, meta.time),
};
