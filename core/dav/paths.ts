// One place that knows the URL layout of /dav/ (DESIGN.md "The operator's interface").
import type { DavCollection, DavCollectionBackend } from './types.ts';
import { encodeSegment } from './multistatus.ts';

export const DAV_PREFIX = '/dav';

export const rootHref = () => `${DAV_PREFIX}/`;
export const principalsHref = () => `${DAV_PREFIX}/principals/`;
export const principalHref = (login: string) => `${DAV_PREFIX}/principals/${encodeSegment(login)}/`;
/** Group principals: /dav/principals/groups/<id>/ ("groups" contains no '@', so no login collides). */
export const GROUPS_SEGMENT = 'groups';
export const groupPrincipalHref = (id: string) => `${DAV_PREFIX}/principals/${GROUPS_SEGMENT}/${encodeSegment(id)}/`;
/** Resource principals (meeting rooms): /dav/principals/resources/<id>/. */
export const RESOURCES_SEGMENT = 'resources';
export const resourcePrincipalHref = (id: string) => `${DAV_PREFIX}/principals/${RESOURCES_SEGMENT}/${encodeSegment(id)}/`;
export const backendRootHref = (b: DavCollectionBackend) => `${DAV_PREFIX}/${b.root}/`;
export const homeHref = (b: DavCollectionBackend, login: string) => `${DAV_PREFIX}/${b.root}/${encodeSegment(login)}/`;
export const collectionHref = (b: DavCollectionBackend, c: Pick<DavCollection, 'home' | 'slug'>) => `${homeHref(b, c.home)}${encodeSegment(c.slug)}/`;
export const objectHref = (b: DavCollectionBackend, c: Pick<DavCollection, 'home' | 'slug'>, name: string) => `${collectionHref(b, c)}${encodeSegment(name)}`;

/** Longest path segment accepted (file systems and clients rarely go beyond 255). */
export const MAX_SEGMENT_LENGTH = 255;

/**
 * Splits and decodes the path after /dav/. Returns undefined for anything that is not
 * a plain segment: `.`/`..`, encoded slashes or backslashes, NUL and control characters,
 * malformed percent-encoding, over-long segments.
 */
export function splitDavPath(pathname: string): string[] | undefined {
  if (pathname !== DAV_PREFIX && !pathname.startsWith(`${DAV_PREFIX}/`)) return undefined;
  const raw = pathname.slice(DAV_PREFIX.length).split('/').filter((s) => s.length > 0);
  const out: string[] = [];
  for (const r of raw) {
    let s: string;
    try {
      s = decodeURIComponent(r);
    } catch {
      return undefined;
    }
    if (s === '.' || s === '..' || s.length > MAX_SEGMENT_LENGTH || /[/\\\u0000-\u001f\u007f]/.test(s)) return undefined;
    out.push(s);
  }
  return out;
}

/** The path of an href from a request body (absolute URL or path), or undefined when it is not ours. */
export function hrefPath(href: string, base: string): string | undefined {
  try {
    return new URL(href.trim(), base).pathname;
  } catch {
    return undefined;
  }
}
