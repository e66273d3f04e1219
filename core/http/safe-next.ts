/**
 * The `next` parameter of /login, when it is a path on this site; undefined otherwise.
 * Refuses absolute URLs, protocol-relative `//host`, backslash tricks (`/\host`, which
 * browsers read as `//host`), control characters and anything that does not resolve
 * to the same origin.
 */
export function safeNext(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return undefined;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return undefined;
  const base = 'http://cairn.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  const path = url.pathname + url.search + url.hash;
  if (path === '/login' || path.startsWith('/login?') || path === '/logout') return undefined;
  return path;
}
