// Building outgoing messages for the webmail (nodemailer's MailComposer) and preparing
// replies and forwards from a stored original (mailparser for its text).
import type { AddressObject } from 'mailparser';
import { simpleParser } from '../../shared-mailparser.ts';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import addressparser from 'nodemailer/lib/addressparser/index.js';

export interface ComposeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ComposeInput {
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  body: string;
  inReplyTo?: string | undefined;
  references?: string | undefined;
  attachments: ComposeAttachment[];
}

/** Splits an address field ("Ann <a@x>, b@y") into bare addresses, lower-cased. */
export function addressesIn(field: string): string[] {
  return (addressparser(field, { flatten: true }) as { address?: string }[])
    .map((a) => (a.address ?? '').trim().toLowerCase()).filter((a) => a.length > 0);
}

/** The RFC 5322 message; Bcc kept only for drafts (submission strips it anyway). */
export async function buildMessage(input: ComposeInput, opts: { keepBcc: boolean; hostname: string; draft?: boolean }): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from,
    ...(input.to.trim() ? { to: input.to } : {}),
    ...(input.cc.trim() ? { cc: input.cc } : {}),
    ...(input.bcc.trim() ? { bcc: input.bcc } : {}),
    subject: input.subject,
    text: input.body,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references ? { references: input.references } : {}),
    attachments: input.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    ...(opts.draft ? { headers: { 'X-Cairn-Draft': '1' } } : {}),
  });
  const mail = composer.compile();
  mail.keepBcc = opts.keepBcc;
  if (!opts.draft) mail.messageId();
  return mail.build();
}

export interface ParsedOriginal {
  subject: string;
  from: string;
  fromAddress: string;
  to: string;
  cc: string;
  date: string;
  messageId: string;
  references: string;
  inReplyTo: string;
  replyTo: string;
  text: string;
  bcc: string;
  attachments: ComposeAttachment[];
}

const fieldText = (a: AddressObject | AddressObject[] | undefined) => (a ? (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text) : '');

/** Bounded read of the original: quoting megabytes of text helps nobody. */
export const MAX_QUOTED_CHARS = 100_000;

export async function parseOriginal(raw: Buffer): Promise<ParsedOriginal> {
  const m = await simpleParser(raw, { skipHtmlToText: false, skipTextLinks: true });
  const from = m.from?.value[0];
  const refs = Array.isArray(m.references) ? m.references.join(' ') : (m.references ?? '');
  return {
    subject: m.subject ?? '',
    from: fieldText(m.from),
    fromAddress: from?.address ?? '',
    to: fieldText(m.to),
    cc: fieldText(m.cc),
    bcc: fieldText(m.bcc),
    replyTo: fieldText(m.replyTo),
    date: m.date ? m.date.toUTCString() : '',
    messageId: m.messageId ?? '',
    references: refs,
    inReplyTo: m.inReplyTo ?? '',
    text: (m.text ?? '').slice(0, MAX_QUOTED_CHARS),
    attachments: m.attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
  };
}

/** "Re: " once, whatever the original's prefixes (RFC 5322 §3.6.5). */
export function replySubject(subject: string): string {
  return /^\s*re\s*:/i.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
}
export function forwardSubject(subject: string): string {
  return /^\s*fwd?\s*:/i.test(subject) ? subject.trim() : `Fwd: ${subject.trim()}`;
}

export function quote(o: ParsedOriginal): string {
  const lines = o.text.replace(/\r\n/g, '\n').trimEnd().split('\n').map((l) => `> ${l}`);
  return `\n\nOn ${o.date || 'an earlier date'}, ${o.from || 'someone'} wrote:\n${lines.join('\n')}\n`;
}

export function forwardedBlock(o: ParsedOriginal): string {
  return `\n\n---------- Forwarded message ----------\nFrom: ${o.from}\nDate: ${o.date}\nSubject: ${o.subject}\nTo: ${o.to}\n${o.cc ? `Cc: ${o.cc}\n` : ''}\n${o.text.replace(/\r\n/g, '\n').trimEnd()}\n`;
}

/** RFC 5322 §3.6.4: References = the original's References (or In-Reply-To) + its Message-ID. */
export function replyReferences(o: ParsedOriginal): string {
  return [...o.references.split(/\s+/).filter(Boolean), o.messageId].filter(Boolean).slice(-20).join(' ');
}
