import type { Context } from 'hono';
import type { DavWriteConditions } from '../types.ts';

/** If-Match / If-None-Match as the backend sees them (RFC 9110 §13.1.1–2); weak tags never match a strong comparison. */
export function writeConditions(c: Context): DavWriteConditions {
  const out: DavWriteConditions = {};
  const im = c.req.header('If-Match')?.trim();
  const inm = c.req.header('If-None-Match')?.trim();
  if (im) out.ifMatch = im.startsWith('W/') ? '"\u0000weak"' : im;
  if (inm) out.ifNoneMatch = inm;
  return out;
}
