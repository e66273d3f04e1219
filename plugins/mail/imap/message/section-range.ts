// Where a BODY[section] lies in the raw message (RFC 9051 §6.4.5), from the byte offsets
// the MIME indexer stored: the server never re-parses a message to answer FETCH. Part
// numbers resolve with the indexer's own partAt (a non-multipart message's body is part 1).
import { partAt } from '../../mime/part-at.ts';
import type { MimePart } from '../../mime/types.ts';
import type { Section } from '../parser/fetch-items.ts';

export interface SectionRange {
  start: number;
  end: number;
  /** HEADER.FIELDS(.NOT): keep (or drop) these fields of the header in [start, end). */
  headerFilter: { fields: string[]; not: boolean } | null;
  /** The part the range belongs to (for BINARY: its transfer encoding). */
  part: MimePart;
}

/** null: the section does not exist in this message (FETCH answers it with an empty string). */
export function sectionRange(root: MimePart, size: number, section: Section): SectionRange | null {
  const part = partAt(root, section.path.join('.'));
  if (!part) return null;
  // The message whose HEADER / TEXT is asked: the top-level one, or the encapsulated one of a message/rfc822 part.
  const message = section.path.length === 0 ? root : part.message?.structure ?? null;
  switch (section.spec) {
    case null:
      if (section.path.length === 0) return { start: 0, end: size, headerFilter: null, part };
      return { start: part.bodyStart, end: part.bodyEnd, headerFilter: null, part };
    case 'MIME':
      return { start: part.headerStart, end: part.bodyStart, headerFilter: null, part };
    case 'HEADER':
      return message ? { start: message.headerStart, end: message.bodyStart, headerFilter: null, part: message } : null;
    case 'TEXT':
      return message ? { start: message.bodyStart, end: message.bodyEnd, headerFilter: null, part: message } : null;
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      if (!message) return null;
      return { start: message.headerStart, end: message.bodyStart, headerFilter: { fields: section.fields, not: section.spec === 'HEADER.FIELDS.NOT' }, part: message };
  }
}
