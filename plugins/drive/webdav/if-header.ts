// The WebDAV If header (RFC 4918 §10.4): lists of conditions (state tokens and ETags,
// each possibly negated); the header holds when any list holds, a list holds when all
// its conditions do. Resource tags (`<href> (…)`) are accepted and applied to the
// request's own resource, which is what the clients we target send them for.

export interface IfCondition { not: boolean; token?: string; etag?: string }
export type IfList = IfCondition[];

/** Longest If header read: a client sending hundreds of tokens is not a real client. */
export const MAX_IF_HEADER_LENGTH = 8192;

/** Parses the header; undefined when absent, [] lists when malformed (which then never holds). */
export function parseIfHeader(header: string | null): IfList[] | undefined {
  if (header === null || header.trim() === '') return undefined;
  const s = header.slice(0, MAX_IF_HEADER_LENGTH);
  const lists: IfList[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '<') { // a resource tag: skip it
      const end = s.indexOf('>', i);
      if (end < 0) break;
      i = end + 1;
    } else if (ch === '(') {
      const end = s.indexOf(')', i);
      if (end < 0) break;
      lists.push(parseList(s.slice(i + 1, end)));
      i = end + 1;
    } else i++;
  }
  return lists;
}

function parseList(body: string): IfList {
  const out: IfList = [];
  const re = /(Not\s+)?(?:<([^>]*)>|\[([^\]]*)\])/gi;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (m[2] !== undefined) out.push({ not: !!m[1], token: m[2].trim() });
    else out.push({ not: !!m[1], etag: m[3]!.trim() });
  }
  return out;
}

/** Every state token the client claims (not negated): the lock tokens it submits. */
export function submittedTokens(lists: IfList[] | undefined): string[] {
  return (lists ?? []).flatMap((l) => l.filter((c) => !c.not && c.token).map((c) => c.token!));
}

/**
 * Evaluates the header for a resource whose current ETag is `etag` (undefined: it
 * does not exist) and on which `validToken` says whether a token is a current lock
 * covering it.
 */
export function ifHeaderHolds(lists: IfList[], etag: string | undefined, validToken: (t: string) => boolean): boolean {
  return lists.some((list) => list.length > 0 && list.every((c) => {
    const v = c.token !== undefined ? validToken(c.token) : etag !== undefined && stripWeak(c.etag!) === etag;
    return c.not ? !v : v;
  }));
}

const stripWeak = (e: string) => (e.startsWith('W/') ? e.slice(2) : e);
