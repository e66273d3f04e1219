// Implementation notes — XML for DAV request bodies.
// - fast-xml-parser with entity processing off; a DOCTYPE is refused outright, so
//   neither internal entity expansion ("billion laughs") nor external entities can
//   happen (DAV bodies never need a DTD).
// - Nesting depth and body size are bounded before parsing: the parser and the
//   namespace resolution below are recursive-free for size but not for depth.
// - Names come out in Clark notation (`{DAV:}prop`), resolved against the xmlns
//   declarations in scope, so backends compare names, never prefixes.
import { XMLParser } from 'fast-xml-parser';
import { ValidationError, LimitExceededError } from '../errors.ts';
import type { Clark, XmlElement } from './types.ts';

/** Largest XML request body: a multiget of a few thousand hrefs fits in well under 1 MiB. */
export const MAX_XML_BYTES = 1024 * 1024;
/** Deepest element nesting accepted: DAV bodies are 5–8 levels deep; 64 is generous and cheap. */
export const MAX_XML_DEPTH = 64;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses a request body into a namespace-resolved element tree; throws ValidationError on anything malformed. */
export function parseXml(body: string): XmlElement {
  if (Buffer.byteLength(body, 'utf8') > MAX_XML_BYTES) throw new LimitExceededError(`XML bodies are limited to ${MAX_XML_BYTES} bytes`, 'xml_too_large');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new ValidationError('XML with a DOCTYPE or entity declarations is not accepted', { code: 'xml_doctype' });
  if (maxDepth(body) > MAX_XML_DEPTH) throw new ValidationError(`XML nested deeper than ${MAX_XML_DEPTH} levels is not accepted`, { code: 'xml_too_deep' });
  let nodes: Ordered[];
  try {
    nodes = parser.parse(body, true) as Ordered[];
  } catch (e) {
    throw new ValidationError(`malformed XML: ${(e as Error).message}`.slice(0, 300), { code: 'xml_malformed' });
  }
  const roots = nodes.filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1) throw new ValidationError('an XML body needs exactly one root element', { code: 'xml_malformed' });
  return resolve(roots[0]!, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), null);
}

function elementName(n: Ordered): string | undefined {
  for (const k of Object.keys(n)) if (k !== ':@' && !k.startsWith('#') && !k.startsWith('?')) return k;
  return undefined;
}

function resolve(node: Ordered, scope: Map<string, string>, defaultNs: string | null): XmlElement {
  const qname = elementName(node)!;
  const rawAttrs = node[':@'] ?? {};
  let local = scope;
  let def = defaultNs;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns') def = v === '' ? null : v;
    else if (k.startsWith('xmlns:')) {
      if (local === scope) local = new Map(scope);
      local.set(k.slice(6), v);
    } else attrs[k.includes(':') ? k.slice(k.indexOf(':') + 1) : k] = v;
  }
  const colon = qname.indexOf(':');
  let ns: string | null;
  let name: string;
  if (colon >= 0) {
    const prefix = qname.slice(0, colon);
    const uri = local.get(prefix);
    if (uri === undefined) throw new ValidationError(`undeclared XML namespace prefix "${prefix}"`, { code: 'xml_namespace' });
    ns = uri;
    name = qname.slice(colon + 1);
  } else {
    ns = def;
    name = qname;
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qname] as Ordered[] | undefined) ?? []) {
    if ('#text' in child) text += String(child['#text']);
    else if ('#comment' in child) continue;
    else if (elementName(child) !== undefined) children.push(resolve(child, local, def));
  }
  return { name: clark(ns, name), attrs, children, text: children.length > 0 && text.trim() === '' ? '' : unescapeXml(text) };
}

export function clark(ns: string | null, local: string): Clark {
  return ns === null ? local : `{${ns}}${local}`;
}

/** Splits a Clark name into namespace and local name. */
export function splitClark(name: Clark): { ns: string | null; local: string } {
  if (!name.startsWith('{')) return { ns: null, local: name };
  const end = name.indexOf('}');
  return { ns: name.slice(1, end), local: name.slice(end + 1) };
}

/** First child with that Clark name. */
export function child(el: XmlElement | undefined, name: Clark): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement | undefined, name: Clark): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '"' ? '&quot;' : '&apos;'));
}

/** The five predefined entities and numeric references (the parser leaves them as written). */
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
    }
  });
}

/** Serializes an element back to XML (used to keep a client's dead property values). */
export function serializeXml(el: XmlElement): string {
  const { ns, local } = splitClark(el.name);
  const attrs = Object.entries(el.attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  const xmlns = ns === null ? '' : ` xmlns="${escapeXml(ns)}"`;
  const inner = el.children.length > 0 ? el.children.map(serializeXml).join('') : escapeXml(el.text);
  return inner === '' ? `<${local}${xmlns}${attrs}/>` : `<${local}${xmlns}${attrs}>${inner}</${local}>`;
}

/** Upper bound of element nesting, from a linear scan (comments and CDATA skipped). */
function maxDepth(s: string): number {
  let depth = 0;
  let max = 0;
  for (let i = s.indexOf('<'); i >= 0 && i < s.length; i = s.indexOf('<', i + 1)) {
    const next = s[i + 1];
    if (next === '!') {
      const end = s.startsWith('<!--', i) ? s.indexOf('-->', i) : s.startsWith('<![CDATA[', i) ? s.indexOf(']]>', i) : s.indexOf('>', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (next === '?') continue;
    if (next === '/') { depth--; continue; }
    const close = s.indexOf('>', i);
    if (close < 0) break;
    if (s[close - 1] !== '/') {
      depth++;
      if (depth > max) max = depth;
    }
    i = close;
  }
  return max;
}
