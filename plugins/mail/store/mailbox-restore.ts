// "Restore this mailbox as it was at T" on core's point-in-time helper. The mailbox is
// one stream; its state is the set of messages by UID with their flags. Messages that
// existed at T but not now come back (with new UIDs: a UID is never reused), messages
// added since are expunged, and flags are set back.
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import type { CollectionSpec } from '../../../core/restore/point-in-time.ts';
import { newId } from '../../../core/ids.ts';
import { mailboxStream, type MailEventData } from '../events.ts';
import { applyFlagOp } from '../projections/mail-store-projection.ts';

interface Kept { sha256: string; size: number; internalDate: number; flags: string[]; index: Record<string, unknown> }
export type MailboxState = Map<number, Kept>;

export function mailboxRestoreSpec(mailbox: { id: string; account_id: string }): CollectionSpec<MailboxState> {
  const stream = mailboxStream(mailbox.id);
  return {
    streams: [stream],
    initialState: () => new Map(),
    evolve(s: MailboxState, e: StoredEvent) {
      if (e.type === 'mail.MessageAppended') {
        const d = e.data as MailEventData<'mail.MessageAppended'>;
        s.set(e.streamPosition, { sha256: d.sha256, size: d.size, internalDate: d.internalDate, flags: [...d.flags].sort(), index: d.index });
      } else if (e.type === 'mail.FlagsChanged') {
        const d = e.data as MailEventData<'mail.FlagsChanged'>;
        for (const uid of d.uids) {
          const m = s.get(uid);
          if (m) m.flags = applyFlagOp(m.flags, d.op, d.flags);
        }
      } else if (e.type === 'mail.MessagesExpunged') {
        for (const uid of (e.data as MailEventData<'mail.MessagesExpunged'>).uids) s.delete(uid);
      }
      return s;
    },
    diff(current, target) {
      const evs: NewEvent[] = [];
      const gone: number[] = [];
      const bySet = new Map<string, number[]>();
      for (const [uid, then] of target) {
        const now = current.get(uid);
        if (!now) {
          evs.push({
            type: 'mail.MessageAppended',
            data: { accountId: mailbox.account_id, mailboxId: mailbox.id, messageId: newId(), sha256: then.sha256, size: then.size, internalDate: then.internalDate, flags: then.flags, index: then.index },
            blobs: [then.sha256],
          });
        } else if (now.flags.join(' ') !== then.flags.join(' ')) {
          const key = JSON.stringify(then.flags);
          bySet.set(key, [...(bySet.get(key) ?? []), uid]);
        }
      }
      for (const uid of current.keys()) if (!target.has(uid)) gone.push(uid);
      for (const [key, uids] of bySet) evs.push({ type: 'mail.FlagsChanged', data: { accountId: mailbox.account_id, mailboxId: mailbox.id, uids, op: 'set', flags: JSON.parse(key) } });
      if (gone.length > 0) evs.push({ type: 'mail.MessagesExpunged', data: { accountId: mailbox.account_id, mailboxId: mailbox.id, uids: gone } });
      return evs.length > 0 ? [{ stream, events: evs }] : [];
    },
  };
}
