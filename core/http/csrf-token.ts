import { createHmac, timingSafeEqual } from 'node:crypto';

/** The token a signed-in session's forms and htmx requests carry: HMAC of the session id under its secret. */
export function csrfTokenFor(csrfSecret: string, sessionId: string): string {
  return createHmac('sha256', csrfSecret).update(`cairn-csrf:${sessionId}`).digest('base64url');
}

/** Constant-time string comparison (length is not secret). */
export function tokensMatch(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
