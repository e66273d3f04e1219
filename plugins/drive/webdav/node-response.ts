// One <d:response> of a PROPFIND listing, rendered straight to a string. A folder of
// 10,000 items is one response of 10,000 of these: building a Map and propstat arrays
// per item (nodeProps + propstats) costs more in garbage than the listing itself, so
// the common requests (allprop, a list of properties) take this path; propname and
// anything unusual use nodeProps.
import type { PropRequest } from '../../../core/dav/methods/propfind.ts';
import { renderProp, statusLine } from '../../../core/dav/multistatus.ts';
import type { Clark, DavPropValue } from '../../../core/dav/types.ts';
import { escapeXml } from '../../../core/dav/xml.ts';
import type { NodeRow } from '../service/queries.ts';
import { activeLockXml, ocPermissions, SUPPORTED_LOCK, type PropContext } from './node-props.ts';

const OK = `<d:status>${statusLine(200)}</d:status>`;
const NOT_FOUND = `<d:status>${statusLine(404)}</d:status>`;
const COLLECTION: DavPropValue = { xml: '<d:collection/>' };

/** The value of a live property of an item, or undefined when it has none. */
function live(name: Clark, n: NodeRow, href: string, pc: PropContext): DavPropValue | undefined {
  const folder = n.kind === 'folder';
  switch (name) {
    case '{DAV:}resourcetype': return folder ? COLLECTION : null;
    case '{DAV:}displayname': return n.name;
    case '{DAV:}getetag': return `"${n.etag}"`;
    case '{DAV:}getlastmodified': return new Date(n.modified).toUTCString();
    case '{DAV:}creationdate': return new Date(n.created).toISOString();
    case '{DAV:}getcontentlength': return folder ? undefined : String(n.size);
    case '{DAV:}getcontenttype': return folder ? undefined : n.content_type;
    case '{DAV:}quota-used-bytes': return folder ? String(pc.quota.used) : undefined;
    case '{DAV:}quota-available-bytes': return folder ? String(pc.quota.available) : undefined;
    case '{DAV:}supportedlock': return SUPPORTED_LOCK;
    case '{http://owncloud.org/ns}fileid':
    case '{http://owncloud.org/ns}id': return n.node_id;
    case '{http://owncloud.org/ns}permissions': return ocPermissions(n.kind, pc.right);
    case '{http://owncloud.org/ns}size': return folder ? undefined : String(n.size);
    case '{DAV:}lockdiscovery': {
      const locks = pc.locks.get(n.node_id);
      return locks ? { xml: locks.map((l) => activeLockXml(l, href)).join('') } : null;
    }
    default: return undefined;
  }
}

/** allprop's live properties (RFC 4918 §14.2: quota properties are left out unless asked for). */
const ALLPROP: Clark[] = ['resourcetype', 'displayname', 'getetag', 'getlastmodified', 'creationdate', 'getcontentlength', 'getcontenttype', 'supportedlock', 'lockdiscovery'].map((l) => `{DAV:}${l}`);

export function renderNodeResponse(href: string, n: NodeRow, req: Exclude<PropRequest, { kind: 'propname' }>, pc: PropContext): string {
  const dead = n.props === '{}' ? undefined : (JSON.parse(n.props) as Record<string, string>);
  let found = '';
  let missing = '';
  const names = req.kind === 'prop' ? req.names : [...ALLPROP, ...req.include];
  for (const name of names) {
    let v = live(name, n, href, pc);
    if (v === undefined && dead && name in dead) v = dead[name] === '' ? null : { xml: dead[name]! };
    if (v === undefined) { if (req.kind === 'prop' || req.include.includes(name)) missing += renderProp(name, null); }
    else found += renderProp(name, v);
  }
  if (req.kind === 'allprop' && dead) for (const [name, xml] of Object.entries(dead)) if (!ALLPROP.includes(name)) found += renderProp(name, xml === '' ? null : { xml });
  let out = `<d:response><d:href>${escapeXml(href)}</d:href>`;
  if (found) out += `<d:propstat><d:prop>${found}</d:prop>${OK}</d:propstat>`;
  if (missing) out += `<d:propstat><d:prop>${missing}</d:prop>${NOT_FOUND}</d:propstat>`;
  return `${out}</d:response>`;
}
