// One message prepared for the reading pane: parsed from its raw bytes with mailparser,
// the HTML body sanitized (remote images blocked unless asked for), a plain-text
// fallback, the attachments, and the sender check summarized from the
// Authentication-Results header our MX put on top.
import type { AddressObject, Attachment, ParsedMail } from 'mailparser';
import { simpleParser } from '../../shared-mailparser.ts';
import { sanitizeMailHtml, textToHtml } from '../shared/sanitize-mail-html.ts';

/** Attachment types shown inline (preview); anything else is download only. SVG is not an image here: it can script. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'application/pdf']);

export interface AttachmentInfo { index: number; filename: string; contentType: string; size: number; previewable: boolean; contentId: string | undefined }
export type SenderCheck = 'verified' | 'not-verified' | 'unknown';

export interface RenderedMessage {
  subject: string;
  from: string;
  to: string;
  cc: string;
  date: Date | undefined;
  /** Sanitized HTML, or escaped text wrapped for display. */
  bodyHtml: string;
  isHtml: boolean;
  blockedImages: number;
  attachments: AttachmentInfo[];
  sender: SenderCheck;
  senderDetail: string;
}

export function attachmentInfo(a: Attachment, index: number): AttachmentInfo {
  const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
  return {
    index, filename: a.filename || `attachment-${index + 1}`, contentType, size: a.size ?? a.content.length,
    previewable: INLINE_TYPES.has(contentType), contentId: a.contentId?.replace(/^<|>$/g, ''),
  };
}

const addr = (a: AddressObject | AddressObject[] | undefined) => (a === undefined ? '' : (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text));

export async function parseMessage(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
}

export function renderMessage(parsed: ParsedMail, opts: { allowRemoteImages: boolean; partUrl: (index: number) => string }): RenderedMessage {
  const attachments = parsed.attachments.map(attachmentInfo);
  let bodyHtml: string;
  let blockedImages = 0;
  const isHtml = typeof parsed.html === 'string' && parsed.html.trim() !== '';
  if (isHtml) {
    const s = sanitizeMailHtml(parsed.html as string, {
      allowRemoteImages: opts.allowRemoteImages,
      resolveCid: (cid) => {
        const a = attachments.find((x) => x.contentId === cid && x.previewable && x.contentType.startsWith('image/'));
        return a ? `${opts.partUrl(a.index)}?inline=1` : undefined;
      },
    });
    bodyHtml = s.html;
    blockedImages = s.blockedImages;
  } else {
    bodyHtml = textToHtml(parsed.text ?? '');
  }
  const { sender, detail } = senderCheck(parsed);
  return {
    subject: parsed.subject ?? '', from: addr(parsed.from), to: addr(parsed.to), cc: addr(parsed.cc), date: parsed.date,
    bodyHtml, isHtml, blockedImages, attachments, sender, senderDetail: detail,
  };
}

/**
 * Only the topmost Authentication-Results counts (the one our MX prepended; anything
 * below came with the message and proves nothing). DMARC pass → verified; DMARC fail,
 * or a failing SPF/DKIM with neither passing → not verified (warned); otherwise unknown
 * (shown neutrally as "not verified").
 */
export function senderCheck(parsed: Pick<ParsedMail, 'headerLines'>): { sender: SenderCheck; detail: string } {
  const line = parsed.headerLines.find((h) => h.key === 'authentication-results');
  if (!line) return { sender: 'unknown', detail: 'No authentication results' };
  const value = line.line.replace(/^[^:]*:\s*/, '').replace(/\r?\n\s+/g, ' ');
  const result = (method: string) => new RegExp(`\\b${method}=(\\w+)`, 'i').exec(value)?.[1]?.toLowerCase();
  const dmarc = result('dmarc');
  const spf = result('spf');
  const dkim = result('dkim');
  const detail = `DMARC ${dmarc ?? 'none'}, SPF ${spf ?? 'none'}, DKIM ${dkim ?? 'none'}`;
  if (dmarc === 'pass') return { sender: 'verified', detail };
  const failed = (r: string | undefined) => r === 'fail' || r === 'softfail' || r === 'permerror';
  if (dmarc === 'fail' || ((failed(spf) || failed(dkim)) && spf !== 'pass' && dkim !== 'pass')) return { sender: 'not-verified', detail };
  return { sender: 'unknown', detail };
}

/** RFC 6266 / RFC 5987: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
