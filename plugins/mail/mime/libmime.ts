// libmime ships no type declarations. It is loaded through createRequire with the few
// functions the indexer uses typed here, rather than an ambient `declare module`, so
// that another folder declaring the module differently cannot clash with this one.
import { createRequire } from 'node:module';

export interface Libmime {
  /** Decodes RFC 2047 encoded-words (joining adjacent ones); may throw on broken input. */
  decodeWords(value: string): string;
  /** `type/sub; a=b; c*0*=utf-8''x` → value and params (lowercase names, RFC 2231 continuations joined and decoded). */
  parseHeaderValue(value: string): { value: string | false; params: Record<string, unknown> };
}

export const libmime = createRequire(import.meta.url)('libmime') as Libmime;
