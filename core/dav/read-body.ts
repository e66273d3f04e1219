import type { Context } from 'hono';
import { LimitExceededError, ValidationError } from '../errors.ts';

/**
 * Reads a request body as UTF-8 text, refusing it as soon as it exceeds `limit` bytes
 * (Content-Length is checked first, then the bytes actually received, so a lying or
 * missing length cannot make the server buffer more).
 */
export function readBodyText(c: Context, limit: number, onTooLarge?: () => Error): Promise<string> {
  return readRequestText(c.req.raw, limit, onTooLarge);
}

/** The same from a plain Request (DAV tree backends get no Hono context). */
export async function readRequestText(raw: Request, limit: number, onTooLarge: () => Error = () => new LimitExceededError(`request bodies here are limited to ${limit} bytes`, 'body_too_large')): Promise<string> {
  const declared = raw.headers.get('Content-Length');
  if (declared !== null && Number(declared) > limit) throw onTooLarge();
  const body = raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw onTooLarge();
    }
    chunks.push(value);
  }
  const buf = Buffer.concat(chunks);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ValidationError('the request body is not valid UTF-8', { code: 'invalid_utf8' });
  }
}
