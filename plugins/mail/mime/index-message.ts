// indexMessage: everything the store, IMAP and search need to know about a message,
// computed once when it enters the store. Never throws: any bytes give a valid index
// (at worst one text/plain body), because a message that cannot be indexed must still
// be deliverable and fetchable byte for byte.
//
// Decoded fields: subject RFC 2047-decoded; from/to/cc as "Name <mailbox@host>" (or
// "mailbox@host") with group markers left out; message-ids keep their angle brackets,
// as written, since threading compares them whole.
import { formatAddresses } from './address-list.ts';
import { decodeWords } from './decode-words.ts';
import { field } from './header-block.ts';
import { DEFAULT_LIMITS, FALLBACK_LIMITS, MAX_INDEX_JSON_CHARS, MAX_REFERENCES, cap, type IndexLimits } from './limits.ts';
import { parseMessageDate } from './message-date.ts';
import { countLines, parseMessage } from './mime-tree.ts';
import type { Envelope, MessageIndex, MimePart } from './types.ts';

export { MAX_HEADER_BYTES } from './header-block.ts';
export { MAX_ADDRESSES_PER_LIST, MAX_INDEX_JSON_CHARS, MAX_MIME_DEPTH, MAX_MIME_PARTS, MAX_PARAMS, MAX_REFERENCES, MAX_VALUE_CHARS } from './limits.ts';

/** Below this header size a single-part message's index is small without measuring it. */
const SMALL_HEADER_BYTES = 16 * 1024;

export function indexMessage(raw: Buffer): MessageIndex {
  for (const limits of [DEFAULT_LIMITS, ...FALLBACK_LIMITS]) {
    let index: MessageIndex;
    try {
      index = build(raw, limits);
    } catch {
      break; // a bug must not make a message undeliverable: fall through to the bare index
    }
    // Most indexes are a few KB; a single part with a modest header cannot approach the limit.
    const s = index.structure;
    if (!s.children && !s.message && s.bodyStart < SMALL_HEADER_BYTES) return index;
    if (JSON.stringify(index).length <= MAX_INDEX_JSON_CHARS) return index;
  }
  return bareIndex(raw);
}

function build(raw: Buffer, limits: IndexLimits): MessageIndex {
  const { envelope, structure, fields } = parseMessage(raw, limits);
  const attachmentNames: string[] = [];
  const hasAttachments = collectAttachments(structure, attachmentNames, limits);
  return {
    size: raw.length,
    envelope,
    structure,
    subject: envelope.subject === null ? '' : cap(decodeWords(envelope.subject).replace(/\s+/g, ' ').trim(), limits),
    from: formatAddresses(envelope.from).join(', '),
    to: formatAddresses(envelope.to),
    cc: formatAddresses(envelope.cc),
    date: parseMessageDate(envelope.date),
    messageIdHeader: envelope.messageId === null ? null : (msgIds(envelope.messageId)[0] ?? (envelope.messageId || null)),
    inReplyTo: envelope.inReplyTo === null ? null : (msgIds(envelope.inReplyTo)[0] ?? null),
    references: references(field(fields, 'references'), limits),
    hasAttachments,
    attachmentNames,
  };
}

/** `<id>` tokens in order. */
function msgIds(value: string): string[] {
  return value.match(/<[^<>\s]*>/g) ?? [];
}

/** The References ids, without repeats; the first (the thread's root) and the most recent when there are too many. */
function references(value: string | null, limits: IndexLimits): string[] {
  if (value === null) return [];
  const ids = [...new Set(msgIds(value))].map((id) => cap(id, limits));
  return ids.length <= MAX_REFERENCES ? ids : [ids[0]!, ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
}

/**
 * An attachment is a part with disposition "attachment", a non-text part with a file
 * name, or an encapsulated message (clients list those as attachments; named after its
 * file name, else its subject + ".eml" as Thunderbird does). Attached messages are not
 * looked into: their own attachments are theirs.
 */
function collectAttachments(node: MimePart, names: string[], limits: IndexLimits): boolean {
  if (node.children) {
    let any = false;
    for (const c of node.children) if (collectAttachments(c, names, limits)) any = true;
    return any;
  }
  const filename = node.disposition?.params.filename ?? node.params.name ?? null;
  if (node.message) {
    const subject = node.message.envelope.subject;
    const name = filename ?? (subject ? `${decodeWords(subject).replace(/\s+/g, ' ').trim()}.eml` : null);
    if (name) names.push(cap(name, limits));
    return true;
  }
  const attachment = node.disposition?.type === 'attachment' || (!node.contentType.startsWith('text/') && filename !== null && filename !== '');
  if (attachment && filename) names.push(filename);
  return attachment;
}

/** The last resort: the whole message as one text/plain body, nothing parsed. */
function bareIndex(raw: Buffer): MessageIndex {
  const envelope: Envelope = { date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null };
  const structure: MimePart = {
    part: '', headerStart: 0, bodyStart: 0, bodyEnd: raw.length, contentType: 'text/plain', params: { charset: 'us-ascii' },
    id: null, description: null, encoding: '7bit', disposition: null, language: null, location: null, md5: null, lines: countLines(raw, 0, raw.length),
  };
  return {
    size: raw.length, envelope, structure, subject: '', from: '', to: [], cc: [], date: null,
    messageIdHeader: null, inReplyTo: null, references: [], hasAttachments: false, attachmentNames: [],
  };
}
