// "Restore this address book as it was at T", on core's point-in-time helper: the book is
// its own stream plus every card stream under `contacts-card:<bookId>:`; diff says which
// events make now equal T. Folding keeps one small object per card (the text is shared
// with the parsed event, not copied), so a 10,000-card book folds in well under a second.
import type { CollectionSpec } from '../../../core/restore/point-in-time.ts';
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import { bookCardStreams, bookStream, cardStream, type ContactsEvent } from '../events.ts';
import { evolveBook, type BookState } from './state.ts';
import { evolveCard, type Card } from '../card/state.ts';
import { normalizeUid } from '../vcard/card-fields.ts';
import { cardIdFor } from '../card/card-id.ts';

export interface BookFold { book: BookState; cards: Map<string, Card> }

export function addressBookSpec(bookId: string): CollectionSpec<BookFold> {
  const own = bookStream(bookId);
  return {
    streams: [own, bookCardStreams(bookId)],
    initialState: () => ({ book: undefined, cards: new Map() }),
    evolve(state, e: StoredEvent) {
      if (e.stream === own) { state.book = evolveBook(state.book, e); return state; }
      const id = (e.data as { cardId: string }).cardId;
      const next = evolveCard(state.cards.get(id), e);
      if (next) state.cards.set(id, next);
      return state;
    },
    diff(current, target) {
      const out: { stream: string; events: NewEvent[] }[] = [];
      const then = target.book;
      const now = current.book;
      if (then && !then.deleted && now) {
        const events: ContactsEvent[] = [];
        if (now.deleted) events.push({ type: 'contacts.AddressBookRestored', data: { bookId, owner: then.owner, slug: now.slug, displayName: then.displayName, description: then.description, props: then.props } });
        else if (now.displayName !== then.displayName || now.description !== then.description || JSON.stringify(now.props) !== JSON.stringify(then.props)) {
          events.push({ type: 'contacts.AddressBookUpdated', data: { bookId, displayName: then.displayName, description: then.description, props: then.props } });
        }
        if (events.length > 0) out.push({ stream: own, events });
      }
      for (const [id, c] of current.cards) {
        const t = target.cards.get(id);
        const stream = cardStream(bookId, id);
        if ((!t || t.deleted) && !c.deleted) out.push({ stream, events: [{ type: 'contacts.CardDeleted', data: { bookId, cardId: id, name: c.name } }] });
        else if (t && !t.deleted && (c.deleted || c.vcard !== t.vcard || c.name !== t.name)) out.push({ stream, events: [putOf(t, bookId, id, t.name)] });
      }
      return out;
    },
  };
}

function putOf(t: Card, bookId: string, cardId: string, name: string): ContactsEvent {
  return { type: 'contacts.CardPut', data: { bookId, cardId, name, uid: t.uid, kind: t.kind, fn: t.fn, vcard: t.vcard } };
}

export interface CopyPlan { stream: string; expected: number; events: NewEvent[]; action: 'added' | 'updated'; fn: string }

/**
 * Restoring into another book: every card the source had at T is put into `dest` —
 * replacing the card with the same UID there, or added (under its own name when free,
 * otherwise under `freshName()`). Nothing in the destination is deleted.
 */
export function copyInto(source: BookFold, dest: BookFold, destBookId: string, versions: ReadonlyMap<string, number>, freshName: () => string): CopyPlan[] {
  const byUid = new Map<string, Card>();
  const names = new Set<string>();
  for (const c of dest.cards.values()) {
    if (c.deleted) continue;
    byUid.set(normalizeUid(c.uid), c);
    names.add(c.name);
  }
  const out: CopyPlan[] = [];
  for (const t of source.cards.values()) {
    if (t.deleted) continue;
    const existing = byUid.get(normalizeUid(t.uid));
    if (existing) {
      if (existing.vcard === t.vcard) continue;
      const stream = cardStream(destBookId, existing.cardId);
      out.push({ stream, expected: versions.get(stream) ?? 0, events: [putOf(t, destBookId, existing.cardId, existing.name)], action: 'updated', fn: t.fn });
      continue;
    }
    const name = names.has(t.name) ? freshName() : t.name;
    names.add(name);
    const cardId = cardIdFor(name);
    const stream = cardStream(destBookId, cardId);
    out.push({ stream, expected: versions.get(stream) ?? 0, events: [putOf(t, destBookId, cardId, name)], action: 'added', fn: t.fn });
  }
  return out;
}
