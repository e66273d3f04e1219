// contacts_cards + contacts_members: one row per card with the fields the list and search
// need, deleted cards kept as tombstones (deleted_at, position) so a DAV sync of "what
// changed since position P" is one indexed range query on (book_id, position).
// handleBatch writes multi-row statements: an import of 10,000 cards is ~50 statements.
import type { Kysely } from 'kysely';
import type { StoredEvent } from '../../../core/events/types.ts';
import { defineProjection } from '../../../core/projections/types.ts';
import type { ContactsEvent, EventData } from '../events.ts';
import { ROWS_PER_INSERT } from '../limits.ts';
import { cardFields, normalizeUid } from '../vcard/card-fields.ts';
import { parseVCard } from '../vcard/parse-vcard.ts';

interface CardRow {
  book_id: string; card_id: string; name: string; uid: string; uid_norm: string; kind: string; fn: string; sort_key: string;
  emails: string; phones: string; org: string; title: string; has_photo: number; vcard: string; size: number;
  position: number; version: number; last_modified: string; deleted_at: string | null;
}

/** The searchable fields of a card; a card that does not parse (never stored so) keeps its name only. */
export function rowOf(d: EventData<'contacts.CardPut'>, e: StoredEvent): { row: CardRow; members: string[] } {
  let f: ReturnType<typeof cardFields> | undefined;
  try { f = cardFields(parseVCard(d.vcard)); } catch { f = undefined; }
  const fn = d.fn || f?.fn || d.name;
  const sortKey = `${f?.n.family || ''} ${f?.n.given || ''} ${fn}`.trim().toLowerCase();
  return {
    row: {
      book_id: d.bookId, card_id: d.cardId, name: d.name, uid: d.uid, uid_norm: normalizeUid(d.uid), kind: d.kind, fn,
      sort_key: d.kind === 'group' ? fn.toLowerCase() : (f?.n.family || f?.n.given ? sortKey : fn.toLowerCase()),
      emails: (f?.emails ?? []).map((x) => x.value.toLowerCase()).join('\n'),
      phones: (f?.phones ?? []).map((x) => x.value).join('\n'),
      org: f?.org ?? '', title: f?.title ?? '', has_photo: f?.photo.startsWith('data:') ? 1 : 0,
      vcard: d.vcard, size: Buffer.byteLength(d.vcard, 'utf8'),
      position: e.position, version: e.streamPosition, last_modified: e.metadata.time, deleted_at: null,
    },
    members: d.kind === 'group' ? [...new Set(f?.members ?? [])] : [],
  };
}

const key = (bookId: string, cardId: string) => `${bookId}\u0000${cardId}`;

async function apply(events: readonly StoredEvent[], db: Kysely<any>) {
  const puts = new Map<string, { row: CardRow; members: string[] }>();
  const deletes: { book_id: string; card_id: string; position: number; version: number; time: string }[] = [];
  const bookPositions = new Map<string, number>();
  for (const event of events) {
    const e = event as unknown as ContactsEvent;
    if (e.type === 'contacts.CardPut') {
      puts.set(key(e.data.bookId, e.data.cardId), rowOf(e.data, event));
      bookPositions.set(e.data.bookId, event.position);
    } else if (e.type === 'contacts.CardDeleted') {
      const pending = puts.get(key(e.data.bookId, e.data.cardId));
      if (pending) {
        pending.row = { ...pending.row, deleted_at: event.metadata.time, position: event.position, version: event.streamPosition, last_modified: event.metadata.time };
        pending.members = [];
      } else deletes.push({ book_id: e.data.bookId, card_id: e.data.cardId, position: event.position, version: event.streamPosition, time: event.metadata.time });
      bookPositions.set(e.data.bookId, event.position);
    }
  }
  for (const d of deletes) {
    await db.updateTable('contacts_cards').set({ deleted_at: d.time, position: d.position, version: d.version, last_modified: d.time })
      .where('book_id', '=', d.book_id).where('card_id', '=', d.card_id).execute();
    await db.deleteFrom('contacts_members').where('book_id', '=', d.book_id).where('group_id', '=', d.card_id).execute();
  }
  const rows = [...puts.values()];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    await db.insertInto('contacts_cards').values(chunk.map((r) => r.row))
      .onConflict((oc) => oc.columns(['book_id', 'card_id']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), uid: eb.ref('excluded.uid'), uid_norm: eb.ref('excluded.uid_norm'), kind: eb.ref('excluded.kind'),
        fn: eb.ref('excluded.fn'), sort_key: eb.ref('excluded.sort_key'), emails: eb.ref('excluded.emails'), phones: eb.ref('excluded.phones'),
        org: eb.ref('excluded.org'), title: eb.ref('excluded.title'), has_photo: eb.ref('excluded.has_photo'), vcard: eb.ref('excluded.vcard'),
        size: eb.ref('excluded.size'), position: eb.ref('excluded.position'), version: eb.ref('excluded.version'),
        last_modified: eb.ref('excluded.last_modified'), deleted_at: eb.ref('excluded.deleted_at'),
      }))).execute();
    // Only cards that are (or were) groups have member rows; the delete is keyed by the primary key prefix.
    const byBook = new Map<string, string[]>();
    for (const r of chunk) (byBook.get(r.row.book_id) ?? byBook.set(r.row.book_id, []).get(r.row.book_id)!).push(r.row.card_id);
    for (const [bookId, ids] of byBook) await db.deleteFrom('contacts_members').where('book_id', '=', bookId).where('group_id', 'in', ids).execute();
    const members = chunk.flatMap((r) => r.members.map((m) => ({ book_id: r.row.book_id, group_id: r.row.card_id, member_uid: m })));
    for (let j = 0; j < members.length; j += ROWS_PER_INSERT) {
      await db.insertInto('contacts_members').values(members.slice(j, j + ROWS_PER_INSERT)).onConflict((oc) => oc.doNothing()).execute();
    }
  }
  for (const [bookId, position] of bookPositions) {
    await db.updateTable('contacts_books').set({ position }).where('book_id', '=', bookId).where('position', '<', position).execute();
  }
}

export const contactsCards = defineProjection({
  name: 'contacts.cards',
  version: 1,
  handles: ['contacts.CardPut', 'contacts.CardDeleted'],
  handle: (event, db) => apply([event], db),
  handleBatch: (events, db) => apply(events, db),
  async truncate(db) {
    await db.deleteFrom('contacts_cards').execute();
    await db.deleteFrom('contacts_members').execute();
  },
});
