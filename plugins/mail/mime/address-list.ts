// RFC 5322 §3.4 address lists as IMAP's ENVELOPE wants them (RFC 9051 §7.5.2):
// name / mailbox / host, a group as a start marker {name: null, mailbox: <group name>,
// host: null} and an end marker with every member null. Lenient the way mail readers
// are: obsolete routes are dropped, a comment stands in for a missing display name,
// an address without '@' keeps host '' (not null, which would read as a group marker).
import type { EnvelopeAddress } from './types.ts';
import { decodeWords } from './decode-words.ts';
import { MAX_ADDRESSES_PER_LIST, MAX_VALUE_CHARS } from './limits.ts';

/** Parses a header value; null when it holds no address (IMAP NIL). At most `max` entries, each string at most `maxChars`. */
export function parseAddressList(value: string | null, max = MAX_ADDRESSES_PER_LIST, maxChars = MAX_VALUE_CHARS): EnvelopeAddress[] | null {
  if (value === null) return null;
  const out: EnvelopeAddress[] = [];
  const s = value;
  let inGroup = false;
  let groupMarked = false; // the start marker was kept (not cut by max), so the end marker is due
  let phrase = ''; // display words: quotes removed, comments left out
  let bare = ''; // the same text as an addr-spec: quotes kept, blanks and comments left out
  let angle: string | null = null;
  let comment: string | null = null;

  const capped = (v: string | null) => (v !== null && v.length > maxChars ? v.slice(0, maxChars) : v);
  const push = (name: string | null, mailbox: string | null, host: string | null) => { out.push({ name: capped(name), mailbox: capped(mailbox), host: capped(host) }); };
  const reset = () => { phrase = ''; bare = ''; angle = null; comment = null; };
  const flush = () => {
    const hadAngle = angle !== null;
    const address = angle ?? bare;
    const display = clean(phrase);
    const name = hadAngle ? display : comment !== null ? clean(comment) : null;
    reset();
    if (out.length >= max) return;
    if (!hadAngle && !address.includes('@')) {
      // "To: undisclosed-recipients" or a bare local name: keep the words as the mailbox
      if (display !== null) push(null, display, '');
      return;
    }
    if (address === '') { // "Name <>"
      if (display !== null) push(display, '', '');
      return;
    }
    const spec = address.replace(/^@[^:]*:/, ''); // obsolete route "@a,@b:user@host"
    const at = spec.lastIndexOf('@');
    if (at === -1) push(name, spec, '');
    else push(name, spec.slice(0, at), spec.slice(at + 1));
  };

  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      const q = readQuoted(s, i);
      phrase += q.text;
      bare += `"${q.rawInner}"`;
      i = q.end;
    } else if (c === '(') {
      const r = readComment(s, i);
      if (comment === null) comment = r.text;
      phrase += ' ';
      i = r.end;
    } else if (c === '<') {
      const r = readAngle(s, i);
      angle = r.text;
      i = r.end;
    } else if (c === ',') {
      flush();
      if (out.length >= max && !inGroup) break; // the rest would be dropped anyway
    } else if (c === ':' && !inGroup && angle === null && !bare.includes('@')) {
      groupMarked = out.length < max;
      if (groupMarked) push(null, clean(phrase) ?? '', null);
      inGroup = true;
      reset();
    } else if (c === ';') {
      flush();
      if (inGroup) { if (groupMarked) out.push({ name: null, mailbox: null, host: null }); inGroup = false; }
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      phrase += ' ';
    } else {
      phrase += c;
      bare += c;
    }
  }
  flush();
  if (inGroup && groupMarked) out.push({ name: null, mailbox: null, host: null });
  return out.length > 0 ? out : null;
}

/** "Name <mailbox@host>" or "mailbox@host", for lists and search; group markers give null. */
export function formatAddress(a: EnvelopeAddress): string | null {
  if (a.host === null) return null;
  const spec = a.host === '' ? (a.mailbox ?? '') : `${a.mailbox ?? ''}@${a.host}`;
  return a.name ? `${a.name} <${spec}>` : spec;
}

export function formatAddresses(list: readonly EnvelopeAddress[] | null): string[] {
  const out: string[] = [];
  for (const a of list ?? []) {
    const f = formatAddress(a);
    if (f !== null && f !== '') out.push(f);
  }
  return out;
}

function clean(text: string): string | null {
  const t = decodeWords(text.replace(/\s+/g, ' ').trim()).replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

function readQuoted(s: string, start: number): { text: string; rawInner: string; end: number } {
  let text = '';
  let i = start + 1;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) { text += s[++i]; continue; }
    if (c === '"') break;
    text += c;
  }
  return { text, rawInner: s.slice(start + 1, Math.min(i, s.length)), end: i };
}

function readComment(s: string, start: number): { text: string; end: number } {
  let depth = 0;
  let text = '';
  let i = start;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) { text += s[++i]; continue; }
    if (c === '(') { if (depth++ > 0) text += c; continue; }
    if (c === ')') { if (--depth === 0) break; text += c; continue; }
    text += c;
  }
  return { text, end: i };
}

/** The addr-spec between '<' and '>' with blanks and comments removed (quoted parts kept). */
function readAngle(s: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '>') break;
    if (c === '"') { const q = readQuoted(s, i); text += `"${q.rawInner}"`; i = q.end; continue; }
    if (c === '(') { i = readComment(s, i).end; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    text += c;
  }
  return { text, end: i };
}
