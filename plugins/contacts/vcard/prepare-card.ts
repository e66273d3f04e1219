// A card text checked once at the edge (DAV PUT, form, import) before any command sees it.
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { MAX_CARD_BYTES } from '../limits.ts';
import { cardFields, type CardFields } from './card-fields.ts';
import { InvalidVCardError, parseVCard, validateVCard } from './parse-vcard.ts';
import type { VCard } from './vcard-types.ts';
import { serializeVCard } from './serialize-vcard.ts';
import { toVersion4 } from './convert-vcard.ts';

export const CARDDAV = 'urn:ietf:params:xml:ns:carddav';

export interface PreparedCard {
  /** The text as stored (as the client sent it, for 3.0 and 4.0). */
  text: string;
  card: VCard;
  fields: CardFields;
}

/**
 * Validates a vCard for storage (RFC 6352 §6.3.2.1): one card, 3.0 or 4.0, FN, at most
 * MAX_CARD_BYTES. `fallbackUid` stands in for a missing UID (old clients omit it).
 * Throws DavPreconditionError with the CardDAV condition, which the UI shows as text.
 */
export function prepareCard(text: string, fallbackUid: string, parsed?: VCard): PreparedCard {
  if (Buffer.byteLength(text, 'utf8') > MAX_CARD_BYTES) {
    throw new DavPreconditionError(`{${CARDDAV}}max-resource-size`, `a contact is limited to ${MAX_CARD_BYTES} bytes (photo included)`, 403);
  }
  let card: VCard;
  try {
    card = parsed ?? parseVCard(text);
    validateVCard(card);
  } catch (e) {
    if (e instanceof InvalidVCardError) throw new DavPreconditionError(`{${CARDDAV}}valid-address-data`, e.message, 403);
    throw e;
  }
  const fields = cardFields(card);
  if (!fields.uid) fields.uid = fallbackUid;
  return { text, card, fields };
}

/** For imports: 2.1 cards are normalized to 4.0 text first, 3.0 and 4.0 kept as written (parsed once). */
export function prepareImportedCard(text: string, fallbackUid: string): PreparedCard {
  let parsed: VCard | undefined;
  try { parsed = parseVCard(text); } catch { parsed = undefined; }
  if (parsed && parsed.version === '2.1') return prepareCard(serializeVCard(toVersion4(parsed)), fallbackUid);
  return prepareCard(text, fallbackUid, parsed);
}
