// The MIME header fields of one entity (RFC 2045 §5–6, RFC 2183, RFC 2231) as MimePart
// wants them. libmime does the parameter syntax (quotes, RFC 2231 continuations and
// charsets); this file adds the defaults and the bounds.
import { decodeWords } from './decode-words.ts';
import { libmime } from './libmime.ts';
import { cap, type IndexLimits } from './limits.ts';

/** RFC 2045 §5.1 token "/" token, lowercase. */
const MEDIA_TYPE = /^[a-z0-9!#$%&'*+^_`{|}~.-]+\/[a-z0-9!#$%&'*+^_`{|}~.-]+$/;
/** Parameters that name a file: encoded-words in them are decoded (not standard, but what senders do). */
const NAME_PARAMS = new Set(['name', 'filename']);

export interface ContentType { type: string; params: Record<string, string> }

/**
 * Content-Type with RFC 2045 §5.2's default: absent or invalid means
 * text/plain; charset=us-ascii (message/rfc822 inside multipart/digest, RFC 2046 §5.1.5).
 */
export function parseContentType(value: string | null, fallback: 'text/plain' | 'message/rfc822', limits: IndexLimits): ContentType {
  if (value !== null) {
    const parsed = parseValue(value, limits);
    if (parsed && MEDIA_TYPE.test(parsed.value)) return { type: parsed.value, params: parsed.params };
    return { type: 'text/plain', params: { charset: 'us-ascii' } };
  }
  return fallback === 'text/plain' ? { type: 'text/plain', params: { charset: 'us-ascii' } } : { type: 'message/rfc822', params: {} };
}

/** RFC 2183: the disposition type lowercase and its parameters, or null when absent or unreadable. */
export function parseDisposition(value: string | null, limits: IndexLimits): { type: string; params: Record<string, string> } | null {
  if (value === null) return null;
  const parsed = parseValue(value, limits);
  if (!parsed || !/^[a-z0-9!#$%&'*+^_`{|}~.-]+$/.test(parsed.value)) return null;
  return { type: parsed.value, params: parsed.params };
}

/** Content-Transfer-Encoding's token, lowercase; 7bit when absent (RFC 2045 §6.1). */
export function parseEncoding(value: string | null): string {
  const token = value?.replace(/\([^)]*\)/g, '').trim().split(/[\s;]/)[0]?.toLowerCase() ?? '';
  return token === '' ? '7bit' : token.slice(0, 64);
}

/** Content-Language (RFC 3282): the tags, or null. */
export function parseLanguage(value: string | null, limits: IndexLimits): string[] | null {
  if (value === null) return null;
  const tags = value.replace(/\([^)]*\)/g, '').split(',').map((t) => t.trim()).filter((t) => t !== '').slice(0, limits.maxParams).map((t) => cap(t, limits));
  return tags.length > 0 ? tags : null;
}

function parseValue(value: string, limits: IndexLimits): { value: string; params: Record<string, string> } | null {
  let parsed: ReturnType<typeof libmime.parseHeaderValue>;
  try {
    parsed = libmime.parseHeaderValue(value);
  } catch {
    return null;
  }
  const main = typeof parsed.value === 'string' ? parsed.value.replace(/\([^)]*\)/g, '').replace(/\s+/g, '').toLowerCase() : '';
  const params: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(parsed.params)) {
    if (n++ >= limits.maxParams) break;
    if (k === '' || k === '__proto__') continue;
    let text = typeof v === 'string' ? v : String(v);
    if (NAME_PARAMS.has(k)) text = decodeWords(text);
    params[cap(k, limits)] = cap(text, limits);
  }
  return { value: main, params };
}
