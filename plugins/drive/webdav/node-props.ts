// The properties of a drive item as PROPFIND shows them: live ones computed from the
// read model (RFC 4918 §15, RFC 4331 quota), the locks on it, and dead ones a client
// stored with PROPPATCH.
import type { PropMap } from '../../../core/dav/props.ts';
import type { Clark, DavPropValue } from '../../../core/dav/types.ts';
import { escapeXml } from '../../../core/dav/xml.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import type { LockRow } from './lock-store.ts';

const D = (l: string): Clark => `{DAV:}${l}`;
/** ownCloud/Nextcloud's namespace: the properties their sync clients ask for. */
export const OC = (l: string): Clark => `{http://owncloud.org/ns}${l}`;

/**
 * Nextcloud's permission letters, which its clients check before they try a change (and
 * otherwise retry refused changes forever): G read, D delete, N rename, V move, W write a
 * file, C/K create a file/folder inside, R share. Cairn's rights map onto them.
 */
export function ocPermissions(kind: 'file' | 'folder', right: PropContext['right']): string {
  if (right === 'read') return 'G';
  const base = right === 'write' ? 'GDNV' : 'RGDNV';
  return kind === 'file' ? `${base}W` : `${base}CK`;
}

/** Properties a client may not set: the server computes them. */
export const PROTECTED_PROPS = new Set<Clark>([
  'resourcetype', 'getetag', 'getcontentlength', 'getlastmodified', 'creationdate', 'lockdiscovery', 'supportedlock',
  'quota-available-bytes', 'quota-used-bytes', 'current-user-principal', 'owner', 'getcontenttype', 'displayname',
].map(D));

export const SUPPORTED_LOCK: DavPropValue = {
  xml: '<d:lockentry><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>',
};

export function activeLockXml(l: LockRow, rootHref: string, now = Date.now()): string {
  const left = Math.max(0, Math.ceil((l.expires_at - now) / 1000));
  return `<d:activelock><d:locktype><d:write/></d:locktype><d:lockscope><d:exclusive/></d:lockscope><d:depth>${l.depth === '0' ? '0' : 'infinity'}</d:depth>`
    + (l.owner_xml ? `<d:owner>${l.owner_xml}</d:owner>` : '')
    + `<d:timeout>Second-${left}</d:timeout><d:locktoken><d:href>${escapeXml(l.token)}</d:href></d:locktoken>`
    + `<d:lockroot><d:href>${escapeXml(rootHref)}</d:href></d:lockroot></d:activelock>`;
}

export interface PropContext {
  /** Locks by node id (only the node's own locks are listed in its lockdiscovery). */
  locks: Map<string, LockRow[]>;
  quota: { used: number; available: number };
  /** Display name of the home (the root has no name of its own). */
  homeName: string;
  /** The viewer's right where the listing is (for oc:permissions). */
  right: 'owner' | 'share' | 'write' | 'read';
}

export function nodeProps(node: NodeRow | typeof ROOT, href: string, pc: PropContext): PropMap {
  const m: PropMap = new Map();
  const locks = pc.locks.get(node === ROOT ? ROOT : node.node_id);
  m.set(D('lockdiscovery'), locks ? { xml: locks.map((l) => activeLockXml(l, href)).join('') } : null);
  m.set(D('supportedlock'), SUPPORTED_LOCK);
  if (node === ROOT) {
    m.set(OC('permissions'), ocPermissions('folder', pc.right));
    m.set(D('resourcetype'), { xml: '<d:collection/>' });
    m.set(D('displayname'), pc.homeName);
    m.set(D('quota-used-bytes'), String(pc.quota.used));
    m.set(D('quota-available-bytes'), String(pc.quota.available));
    return m;
  }
  m.set(D('displayname'), node.name);
  m.set(OC('fileid'), node.node_id);
  m.set(OC('id'), node.node_id);
  m.set(OC('permissions'), ocPermissions(node.kind, pc.right));
  if (node.kind === 'file') m.set(OC('size'), String(node.size));
  m.set(D('getetag'), `"${node.etag}"`);
  m.set(D('getlastmodified'), new Date(node.modified).toUTCString());
  m.set(D('creationdate'), new Date(node.created).toISOString());
  if (node.kind === 'folder') {
    m.set(D('resourcetype'), { xml: '<d:collection/>' });
    m.set(D('quota-used-bytes'), String(pc.quota.used));
    m.set(D('quota-available-bytes'), String(pc.quota.available));
  } else {
    m.set(D('resourcetype'), null);
    m.set(D('getcontentlength'), String(node.size));
    m.set(D('getcontenttype'), node.content_type);
  }
  if (node.props !== '{}') {
    for (const [name, xml] of Object.entries(JSON.parse(node.props) as Record<string, string>)) m.set(name, xml === '' ? null : { xml });
  }
  return m;
}

export function locksByNode(locks: readonly LockRow[]): Map<string, LockRow[]> {
  const out = new Map<string, LockRow[]>();
  for (const l of locks) out.set(l.node_id, [...(out.get(l.node_id) ?? []), l]);
  return out;
}
