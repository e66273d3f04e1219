// Renders RFC 4918 §13 multistatus bodies. Namespaces of NS are declared once on the
// root; a property from any other namespace carries its own xmlns.
import { escapeXml, splitClark } from './xml.ts';
import { NS, type Clark, type DavPropValue } from './types.ts';

const PREFIX_OF = new Map<string, string>(Object.entries(NS).map(([p, uri]) => [uri, p]));
const ROOT_XMLNS = Object.entries(NS).map(([p, uri]) => ` xmlns:${p}="${uri}"`).join('');

export interface PropStat {
  status: number;
  props: [Clark, DavPropValue][];
}

export type DavResponse =
  | { href: string; propstats: PropStat[] }
  | { href: string; status: number };

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  412: 'Precondition Failed', 424: 'Failed Dependency', 507: 'Insufficient Storage',
};

export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`;
}

/** `<d:foo>…</d:foo>` for a Clark name and value. */
export function renderProp(name: Clark, value: DavPropValue): string {
  const { ns, local } = splitClark(name);
  const prefix = ns === null ? undefined : PREFIX_OF.get(ns);
  const tag = prefix ? `${prefix}:${local}` : local;
  const open = prefix || ns === null ? tag : `${tag} xmlns="${escapeXml(ns)}"`;
  if (value === null) return `<${open}/>`;
  let inner: string;
  if (typeof value === 'string') inner = escapeXml(value);
  else if ('xml' in value) inner = value.xml;
  else inner = value.hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('');
  return inner === '' ? `<${open}/>` : `<${open}>${inner}</${tag}>`;
}

export function renderResponse(r: DavResponse): string {
  let out = `<d:response><d:href>${escapeXml(r.href)}</d:href>`;
  if ('status' in r) return `${out}<d:status>${statusLine(r.status)}</d:status></d:response>`;
  for (const ps of r.propstats) {
    if (ps.props.length === 0) continue;
    out += '<d:propstat><d:prop>';
    for (const [name, value] of ps.props) out += renderProp(name, ps.status === 200 ? value : null);
    out += `</d:prop><d:status>${statusLine(ps.status)}</d:status></d:propstat>`;
  }
  return `${out}</d:response>`;
}

export function renderMultistatus(responses: Iterable<DavResponse>, syncToken?: string): string {
  const parts = [`<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus${ROOT_XMLNS}>`];
  for (const r of responses) parts.push(renderResponse(r));
  if (syncToken !== undefined) parts.push(`<d:sync-token>${escapeXml(syncToken)}</d:sync-token>`);
  parts.push('</d:multistatus>');
  return parts.join('');
}

/** RFC 4918 §16 error body naming the failed condition. */
export function renderError(condition: Clark, extraXml = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<d:error${ROOT_XMLNS}>${renderProp(condition, extraXml ? { xml: extraXml } : null)}</d:error>`;
}

/** Percent-encodes one path segment, keeping `@` (allowed in pchar, RFC 3986 §3.3) readable. */
export function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/%40/g, '@');
}
