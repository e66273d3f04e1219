// Implementation notes — .vcf import.
// - A file holds many cards (Google, Apple, Outlook and Thunderbird all export one file);
//   each card is kept as written (3.0 and 4.0; 2.1 is normalized to 4.0).
// - A card is a duplicate when its UID or one of its emails matches a live card of the
//   book or an earlier card of the same file. `merge` folds the new properties into that
//   card; `skip` leaves it alone. Cards that do not parse are counted and reported, the
//   rest are still imported.
// - The plan is pure: appends per card stream at the versions read, which the service
//   appends in batches (one group commit each).
import type { NewEvent } from '../../../core/events/types.ts';
import { cardIdFor } from '../card/card-id.ts';
import { cardStream } from '../events.ts';
import { MAX_IMPORT_CARDS } from '../limits.ts';
import { LimitExceededError, ValidationError } from '../../../core/errors.ts';
import { normalizeUid } from '../vcard/card-fields.ts';
import { mergeVCards } from '../vcard/merge-vcard.ts';
import { parseVCard, splitVCardTexts } from '../vcard/parse-vcard.ts';
import { prepareImportedCard, type PreparedCard } from '../vcard/prepare-card.ts';

export type ImportMode = 'merge' | 'skip';

export interface ImportSummary {
  total: number;
  added: number;
  merged: number;
  skipped: number;
  /** Cards refused, with their place in the file (1-based) and why. */
  invalid: { index: number; message: string }[];
}

export interface ExistingCard { card_id: string; name: string; uid_norm: string; emails: string; vcard: string; version: number; deleted_at: string | null }

interface Slot { cardId: string; name: string; expected: number; text: string; fn: string; uid: string; kind: 'individual' | 'group'; isNew: boolean; changed: boolean }

/** Inserts a UID into a card that has none, so groups and later imports can refer to it. */
function withUid(text: string, uid: string): string {
  return text.replace(/\r?\nEND:VCARD\s*$/i, `\r\nUID:${uid}\r\nEND:VCARD\r\n`);
}

export function planImport(text: string, bookId: string, existing: readonly ExistingCard[], mode: ImportMode, newUid: () => string): { appends: { stream: string; expected: number; events: NewEvent[] }[]; summary: ImportSummary } {
  let texts: string[];
  try { texts = splitVCardTexts(text); } catch (e) { throw new ValidationError((e as Error).message); }
  if (texts.length === 0) throw new ValidationError('the file holds no vCard (BEGIN:VCARD … END:VCARD)');
  if (texts.length > MAX_IMPORT_CARDS) throw new LimitExceededError(`an import holds at most ${MAX_IMPORT_CARDS} contacts`);
  const summary: ImportSummary = { total: texts.length, added: 0, merged: 0, skipped: 0, invalid: [] };
  const slots = new Map<string, Slot>();
  const byUid = new Map<string, Slot>();
  const byEmail = new Map<string, Slot>();
  const names = new Set<string>();
  const index = (s: Slot, uid: string, emails: readonly string[]) => {
    byUid.set(normalizeUid(uid), s);
    for (const e of emails) if (e && !byEmail.has(e)) byEmail.set(e, s);
  };
  for (const c of existing) {
    names.add(c.name);
    if (c.deleted_at) continue;
    const s: Slot = { cardId: c.card_id, name: c.name, expected: Number(c.version), text: c.vcard, fn: '', uid: c.uid_norm, kind: 'individual', isNew: false, changed: false };
    slots.set(c.card_id, s);
    index(s, c.uid_norm, c.emails ? c.emails.split('\n') : []);
  }
  const deletedByName = new Map(existing.filter((c) => c.deleted_at).map((c) => [c.name, c]));

  texts.forEach((raw, i) => {
    let card: PreparedCard;
    try {
      card = prepareImportedCard(raw, '');
      if (!card.fields.uid) {
        const uid = newUid();
        card = prepareImportedCard(withUid(card.text, uid), uid);
      }
    } catch (e) {
      summary.invalid.push({ index: i + 1, message: (e as Error).message });
      return;
    }
    const emails = card.fields.emails.map((e) => e.value.toLowerCase());
    const dup = byUid.get(normalizeUid(card.fields.uid)) ?? emails.map((e) => byEmail.get(e)).find((s) => s !== undefined);
    if (dup) {
      const merged = mode === 'merge' ? mergeVCards(parseVCard(dup.text), card.card) : undefined;
      if (merged === undefined) { summary.skipped++; return; }
      let p: PreparedCard;
      try { p = prepareImportedCard(merged, dup.uid); } catch (e) {
        summary.invalid.push({ index: i + 1, message: (e as Error).message });
        return;
      }
      Object.assign(dup, { text: merged, fn: p.fields.fn, uid: p.fields.uid, kind: p.fields.kind, changed: true });
      summary.merged++;
      index(dup, card.fields.uid, emails);
      return;
    }
    const uidSeg = normalizeUid(card.fields.uid);
    let name = /^[a-z0-9._-]{1,80}$/.test(uidSeg) ? `${uidSeg}.vcf` : `${cardIdFor(card.fields.uid)}.vcf`;
    if (names.has(name) && !deletedByName.has(name)) name = `${cardIdFor(`${card.fields.uid}#${i}`)}.vcf`;
    names.add(name);
    const cardId = cardIdFor(name);
    const revived = deletedByName.get(name);
    const s: Slot = { cardId, name, expected: revived ? Number(revived.version) : 0, text: card.text, fn: card.fields.fn, uid: card.fields.uid, kind: card.fields.kind, isNew: true, changed: true };
    slots.set(cardId, s);
    index(s, card.fields.uid, emails);
    summary.added++;
  });

  const appends: { stream: string; expected: number; events: NewEvent[] }[] = [];
  for (const s of slots.values()) {
    if (!s.changed) continue;
    appends.push({ stream: cardStream(bookId, s.cardId), expected: s.expected, events: [{ type: 'contacts.CardPut', data: { bookId, cardId: s.cardId, name: s.name, uid: s.uid, kind: s.kind, fn: s.fn, vcard: s.text } }] });
  }
  return { appends, summary };
}
