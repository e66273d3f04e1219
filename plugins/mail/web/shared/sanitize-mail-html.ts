// HTML mail → markup safe to put inside a Cairn page.
//
// Allow-list only (sanitize-html): formatting, tables, lists, links and images. Never
// kept: script/style/iframe/object/embed/form/input/meta/base/link/svg/math, event
// handlers, style and class attributes (the page CSP forbids inline styles anyway; a
// message's classes must not borrow the app's), and every URL scheme but http(s),
// mailto and cid. Links open in a new browsing context without opener or referrer.
// Remote images are replaced by a placeholder unless the reader asked for them for this
// message; cid: images point at the message's own parts.
import { createRequire } from 'node:module';
import type SanitizeHtml from 'sanitize-html';

// Loaded when the first HTML message is shown, not at start (~17 MB with its parser).
const require = createRequire(import.meta.url);
let sanitizer: typeof SanitizeHtml | undefined;
const sanitizeHtml: typeof SanitizeHtml = ((html: string, options?: SanitizeHtml.IOptions) =>
  (sanitizer ??= require('sanitize-html') as typeof SanitizeHtml)(html, options)) as typeof SanitizeHtml;

export const BLOCKED_IMAGE_SRC = '/mail/static/blocked-image.svg';

export interface SanitizeOptions {
  /** Keep http(s) image sources (the reader clicked "Show images"). */
  allowRemoteImages: boolean;
  /** Where a cid: reference points (the part's download URL), or undefined to drop it. */
  resolveCid?: (contentId: string) => string | undefined;
}

export interface SanitizedHtml { html: string; blockedImages: number }

const TAGS = [
  'a', 'abbr', 'address', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup',
  'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong',
  'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

const REMOTE = /^https?:\/\//i;

export function sanitizeMailHtml(html: string, opts: SanitizeOptions): SanitizedHtml {
  let blockedImages = 0;
  const out = sanitizeHtml(html, {
    allowedTags: TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height', 'data-blocked'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'scope'],
      table: ['width', 'cellpadding', 'cellspacing', 'border', 'align', 'summary'],
      col: ['span', 'width'],
      font: ['color', 'size'],
      ol: ['start', 'type'],
      time: ['datetime'],
      '*': ['dir', 'lang', 'align'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'action', 'background', 'poster'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // Text inside these is dropped with the tag (not shown as text).
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'svg', 'math', 'template', 'xmp', 'iframe', 'object'],
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href;
        const out: Record<string, string> = { ...attribs };
        if (href && /^(https?:|mailto:)/i.test(href.trim())) {
          out.target = '_blank';
          out.rel = 'noopener noreferrer';
        } else {
          delete out.href;
          delete out.target;
          delete out.rel;
        }
        return { tagName, attribs: out };
      },
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const out: Record<string, string> = { ...attribs };
        if (/^cid:/i.test(src)) {
          const url = opts.resolveCid?.(src.slice(4).replace(/^<|>$/g, ''));
          if (url) out.src = url;
          else delete out.src;
        } else if (REMOTE.test(src)) {
          if (!opts.allowRemoteImages) {
            blockedImages++;
            out.src = BLOCKED_IMAGE_SRC;
            out['data-blocked'] = '1';
            out.alt = attribs.alt ? `${attribs.alt} (image blocked)` : 'image blocked';
          }
        } else {
          delete out.src;
        }
        return { tagName, attribs: out };
      },
    },
  });
  return { html: out, blockedImages };
}

/** Plain text → HTML: escaped, links made clickable, line breaks kept (rendered in <pre>-like block). */
export function textToHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return esc(text).replace(/\bhttps?:\/\/[^\s<>&"]+/g, (url) => `<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`);
}
