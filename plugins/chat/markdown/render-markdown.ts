// A small, safe markdown subset for chat: **bold**, *italic* / _italic_, ~~strike~~,
// `code`, ``` code blocks ```, [links](https://…) and bare URLs (rel=noopener noreferrer
// nofollow, new tab), - / 1. lists, > quotes, @mentions and ~channel references.
// Safety: the text is HTML-escaped before any markup is added, every generated tag is
// made here from escaped parts, and sanitize-html checks the output against an allowlist
// as a second line of defence. Only http(s) and mailto links are made.
import sanitizeHtml from 'sanitize-html';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote', 'span'],
  allowedAttributes: { a: ['href', 'rel', 'target'], span: ['class', 'data-mention'], code: ['class'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedClasses: { span: ['mention', 'mention-all', 'channel-ref'] },
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/** Renders chat markdown to safe HTML. */
export function renderMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) out.push(`<p>${para.map(inline).join('<br>')}</p>`);
    para = [];
  };
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      flush();
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s*```\s*$/.test(lines[i]!)) body.push(lines[i++]!);
      i++; // the closing fence (or the end)
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      flush();
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      out.push(`<blockquote>${body.map(inline).join('<br>')}</blockquote>`);
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/;
    const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/;
    if (bullet.test(line) || numbered.test(line)) {
      flush();
      const re = bullet.test(line) ? bullet : numbered;
      const tag = re === bullet ? 'ul' : 'ol';
      const items: string[] = [];
      while (i < lines.length && re.test(lines[i]!)) items.push(`<li>${inline(re.exec(lines[i++]!)![1]!)}</li>`);
      out.push(`<${tag}>${items.join('')}</${tag}>`);
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line);
    i++;
  }
  flush();
  return sanitizeHtml(out.join(''), SANITIZE);
}

/** Inline markup on one line: code spans and links are set aside first so nothing inside them is reinterpreted. */
function inline(raw: string): string {
  const held: string[] = [];
  const hold = (html: string) => `\u0000${held.push(html) - 1}\u0000`;
  let s = raw.replace(/\u0000/g, '');
  s = s.replace(/`([^`\n]+)`/g, (_, code: string) => hold(`<code>${escapeHtml(code)}</code>`));
  s = s.replace(/\[([^\]\n]{1,500})\]\(((?:https?:\/\/|mailto:)[^\s)]{1,2000})\)/g, (_, label: string, url: string) => hold(link(url, escapeHtml(label))));
  s = s.replace(/\bhttps?:\/\/[^\s<>()\u0000]{1,2000}[^\s<>().,;:!?'"\u0000]/g, (url) => hold(link(url, escapeHtml(url))));
  s = escapeHtml(s);
  s = s.replace(/\*\*([^*\n]+?)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/(^|[^\w*])\*([^*\n]+?)\*(?!\w)/g, '$1<em>$2</em>');
  s = s.replace(/(^|[^\w])_([^_\n]+?)_(?!\w)/g, '$1<em>$2</em>');
  s = s.replace(/~~([^~\n]+?)~~/g, '<del>$1</del>');
  s = s.replace(/(^|[^\w@.])@(channel|here|all)\b/g, '$1<span class="mention-all" data-mention="$2">@$2</span>');
  s = s.replace(/(^|[^\w@.])@([a-z0-9][a-z0-9._-]{0,63}[a-z0-9]|[a-z0-9])(?![\w@])/gi, (m, pre: string, name: string) =>
    ['channel', 'here', 'all'].includes(name) ? m : `${pre}<span class="mention" data-mention="${name.toLowerCase()}">@${name}</span>`);
  s = s.replace(/(^|\s)~([a-z0-9][a-z0-9_-]{0,63})\b/g, '$1<span class="channel-ref">~$2</span>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, n: string) => held[Number(n)]!);
}

function link(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow" target="_blank">${label}</a>`;
}
