import { libmime } from './libmime.ts';

/** RFC 2047 encoded-words decoded; the input unchanged when decoding fails (unknown charset, broken base64). */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
