// What is known of a message without reading its bytes again: computed once when the
// message enters the store (SMTP delivery, IMAP APPEND) and carried in the
// mail.MessageAppended event, so projections and FETCH never re-parse the blob.

/** An address as IMAP's ENVELOPE wants it (RFC 9051 §7.5.2), strings already decoded to UTF-8 where the header was encoded. */
export interface EnvelopeAddress {
  name: string | null;
  /** Local part; null/undefined host marks an RFC 5322 group start/end as IMAP does. */
  mailbox: string | null;
  host: string | null;
}

export interface Envelope {
  /** The Date header as written (raw), or null. */
  date: string | null;
  /** Subject header, raw (still MIME-encoded-word form, as ENVELOPE returns it). */
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/** One node of the MIME tree, with byte offsets into the raw message for BODY[section] fetches. */
export interface MimePart {
  /** IMAP section number: '' for the whole message, '1', '1.2', … */
  part: string;
  /** Offsets into the raw message (or into the enclosing message/rfc822 body for nested ones — always absolute here). */
  headerStart: number;
  /** Where the body begins (after the blank line). */
  bodyStart: number;
  /** Exclusive end of the body. */
  bodyEnd: number;
  /** Lowercase "type/subtype"; text/plain when absent. */
  contentType: string;
  /** Content-Type parameters, names lowercase, values decoded (RFC 2231 continuations joined). */
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding, lowercase; '7bit' when absent. */
  encoding: string;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  /** Lines of the body, for text/* and message/rfc822 parts. */
  lines: number;
  /** multipart/*: the parts. */
  children?: MimePart[];
  /** message/rfc822: the encapsulated message. */
  message?: { envelope: Envelope; structure: MimePart };
}

export interface MessageIndex {
  size: number;
  envelope: Envelope;
  structure: MimePart;
  /** Decoded, for lists and search. */
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  /** Date header as ms since epoch (internal date when missing/invalid is the caller's business). */
  date: number | null;
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  hasAttachments: boolean;
  attachmentNames: string[];
}
