// RFC 2047 encoded-word decoding (for Subject and friends when rules and replies read
// them), via libmime, which ships no type declarations: loaded through createRequire
// with the one function used here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const libmime = require('libmime') as { decodeWords(s: string): string };

export function decodeMimeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
