// The searchable text of a message body: the text/plain parts, or the HTML converted
// to text when there is no plain part — mailparser's simpleParser decides which, as
// mail readers do — with transfer encodings and charsets undone.
//
// Attachments are cut out before parsing: with the message's MIME structure (from
// its index, whose offsets are into exactly these bytes) the bodies of non-text parts
// and of parts marked as attachments are left out, so a 25 MB message of attachments
// is parsed as a few KB instead of having every attachment decoded for nothing.
import { simpleParser } from '../shared-mailparser.ts';
import type { MimePart } from '../mime/types.ts';

/**
 * Characters of body text indexed per message. Enough for any real letter (a novel
 * chapter is ~50 K); the trigram index grows ~3–4× the text, so a 20 MB text dump
 * would cost ~80 MB of index for no useful search.
 */
export const MAX_BODY_CHARS = 512 * 1024;
/** HTML larger than this is not converted with html-to-text (slow on huge documents); its tags are stripped instead. */
export const MAX_HTML_TO_TEXT_CHARS = 2 * 1024 * 1024;

export async function extractBodyText(message: Buffer, structure?: MimePart): Promise<string> {
  const raw = structure ? withoutAttachments(message, structure) : message;
  const common = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true } as const;
  let text: string;
  try {
    const mail = await simpleParser(raw, { ...common, maxHtmlLengthToParse: MAX_HTML_TO_TEXT_CHARS });
    text = mail.text || (typeof mail.html === 'string' ? stripTags(mail.html) : '');
  } catch {
    // simpleParser rejects when the HTML is over the limit (or html-to-text fails):
    // take the plain parts as they are and strip the HTML's tags.
    try {
      const mail = await simpleParser(raw, { ...common, skipHtmlToText: true });
      text = mail.text || (typeof mail.html === 'string' ? stripTags(mail.html) : '');
    } catch {
      return '';
    }
  }
  return text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
}

/** The message with the bodies of attachment and non-text leaf parts removed (their headers kept, so the MIME structure stays valid). */
export function withoutAttachments(raw: Buffer, structure: MimePart): Buffer {
  const cuts: [number, number][] = [];
  const walk = (p: MimePart) => {
    if (p.children) { for (const c of p.children) walk(c); return; }
    if (p.message) { walk(p.message.structure); return; }
    const text = p.contentType.startsWith('text/') && p.disposition?.type !== 'attachment';
    if (!text && p.bodyEnd > p.bodyStart) cuts.push([p.bodyStart, p.bodyEnd]);
  };
  walk(structure);
  if (cuts.length === 0) return raw;
  const pieces: Buffer[] = [];
  let pos = 0;
  for (const [start, end] of cuts) {
    if (start < pos || end > raw.length) return raw; // offsets that do not fit these bytes: parse them whole
    pieces.push(raw.subarray(pos, start));
    pos = end;
  }
  pieces.push(raw.subarray(pos));
  return Buffer.concat(pieces);
}

/** A crude, linear HTML → text for the documents html-to-text is not given (no regex that can backtrack). */
function stripTags(html: string): string {
  const lower = html.replace(/[A-Z]+/g, (c) => c.toLowerCase()); // ASCII only: same length, so offsets agree
  let out = '';
  let pos = 0;
  for (;;) { // drop <script> and <style> elements with their content
    const s1 = lower.indexOf('<script', pos);
    const s2 = lower.indexOf('<style', pos);
    const start = s1 === -1 ? s2 : s2 === -1 ? s1 : Math.min(s1, s2);
    if (start === -1) { out += html.slice(pos); break; }
    out += html.slice(pos, start);
    const close = lower.indexOf(start === s1 ? '</script' : '</style', start);
    if (close === -1) break;
    const gt = lower.indexOf('>', close);
    pos = gt === -1 ? html.length : gt + 1;
  }
  return out
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ').replace(/&lt;/gi, '<').replace(/&gt;/gi, '>').replace(/&quot;/gi, '"').replace(/&#39;/g, "'").replace(/&amp;/gi, '&')
    .replace(/[ \t]+/g, ' ');
}
