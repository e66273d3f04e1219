// The live properties the engine computes for each kind of resource. Backends add
// their own (displayname, calendar-color, dead properties…) through DavCollection.props.
import type { SessionUser } from '../identity/auth-service.ts';
import { groupPrincipalHref, homeHref, principalHref, principalsHref, resourcePrincipalHref } from './paths.ts';
import type { GroupInfo } from '../identity/identity-api.ts';
import { encodeSegment } from './multistatus.ts';
import { NS, SYNC_TOKEN_PREFIX, type Clark, type DavCollection, type DavCollectionBackend, type DavContext, type DavObjectInfo, type DavPropValue, type DavRight, type DavTreeBackend } from './types.ts';

export type PropMap = Map<Clark, DavPropValue>;

const D = (local: string): Clark => `{DAV:}${local}`;
const CS = (local: string): Clark => `{${NS.cs}}${local}`;

const priv = (inner: string) => `<d:privilege>${inner}</d:privilege>`;
const READ_PRIVS = priv('<d:read/>') + priv('<d:read-current-user-privilege-set/>') + priv('<cal:read-free-busy/>');
const WRITE_PRIVS = priv('<d:write/>') + priv('<d:write-content/>') + priv('<d:write-properties/>') + priv('<d:bind/>') + priv('<d:unbind/>');

export function privilegeSet(right: DavRight): DavPropValue {
  if (right === 'read') return { xml: READ_PRIVS };
  if (right === 'write') return { xml: READ_PRIVS + WRITE_PRIVS };
  if (right === 'share') return { xml: READ_PRIVS + WRITE_PRIVS + priv('<d:write-acl/>') };
  return { xml: priv('<d:all/>') + READ_PRIVS + WRITE_PRIVS + priv('<d:write-acl/>') };
}

export const syncToken = (position: number) => `${SYNC_TOKEN_PREFIX}${position}`;

/** Parses a client's sync token; undefined when it is not one of ours. */
export function parseSyncToken(token: string): number | undefined {
  const t = token.trim();
  if (!t.startsWith(SYNC_TOKEN_PREFIX)) return undefined;
  const n = Number(t.slice(SYNC_TOKEN_PREFIX.length));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function reportSet(names: Clark[]): DavPropValue {
  return {
    xml: names.map((n) => {
      const end = n.indexOf('}');
      const ns = n.slice(1, end);
      const local = n.slice(end + 1);
      const prefix = Object.entries(NS).find(([, uri]) => uri === ns)?.[0];
      const el = prefix ? `<${prefix}:${local}/>` : `<${local} xmlns="${ns}"/>`;
      return `<d:supported-report><d:report>${el}</d:report></d:supported-report>`;
    }).join(''),
  };
}

export function collectionReports(b: DavCollectionBackend): Clark[] {
  return [D('sync-collection'), b.multigetReport, ...Object.keys(b.filterReports ?? {}), ...Object.keys(b.customReports ?? {})];
}

function base(ctx: DavContext): PropMap {
  return new Map<Clark, DavPropValue>([
    [D('current-user-principal'), { hrefs: [principalHref(ctx.user.email)] }],
    [D('principal-collection-set'), { hrefs: [principalsHref()] }],
  ]);
}

export function rootProps(ctx: DavContext): PropMap {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:collection/>' });
  m.set(D('displayname'), 'Cairn');
  return m;
}

export function principalsProps(ctx: DavContext): PropMap {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:collection/>' });
  m.set(D('displayname'), 'Principals');
  return m;
}

export async function principalProps(ctx: DavContext, user: SessionUser, backends: readonly DavCollectionBackend[], trees: readonly DavTreeBackend[] = [], groupIds: readonly string[] = []): Promise<PropMap> {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:principal/>' });
  m.set(D('displayname'), user.displayName || user.email);
  m.set(D('principal-URL'), { hrefs: [principalHref(user.email)] });
  m.set(D('owner'), { hrefs: [principalHref(user.email)] });
  m.set(D('alternate-URI-set'), { hrefs: [`mailto:${user.email}`] });
  m.set(D('group-membership'), groupIds.length > 0 ? { hrefs: groupIds.map(groupPrincipalHref) } : null);
  m.set(CS('email-address-set'), { xml: `<cs:email-address>${escape(user.email)}</cs:email-address>` });
  m.set(`{${NS.cal}}calendar-user-address-set`, { hrefs: [`mailto:${user.email}`] });
  m.set(`{${NS.cal}}calendar-user-type`, 'INDIVIDUAL');
  for (const b of backends) {
    m.set(b.homeSetProperty, { hrefs: [homeHref(b, user.email)] });
    if (b.principalProps) for (const [k, v] of Object.entries(await b.principalProps(ctx, user))) m.set(k, v);
  }
  for (const t of trees) if (t.homeSetProperty) m.set(t.homeSetProperty, { hrefs: [`/dav/${t.root}/${encodeSegment(user.email)}/`] });
  return m;
}

/** A group of the organization as a principal (RFC 3744 §4.3): its members, for sharing and scheduling. */
export function groupPrincipalProps(ctx: DavContext, group: GroupInfo, memberLogins: readonly string[]): PropMap {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:principal/>' });
  m.set(D('displayname'), group.name);
  m.set(D('principal-URL'), { hrefs: [groupPrincipalHref(group.id)] });
  m.set(D('group-member-set'), { hrefs: memberLogins.map(principalHref) });
  m.set(`{${NS.cal}}calendar-user-type`, 'GROUP');
  return m;
}

/** A meeting room or other resource as a principal: what scheduling clients look for to book it. */
export function resourcePrincipalProps(ctx: DavContext, r: { id: string; displayName: string; address: string; type: 'ROOM' | 'RESOURCE' }): PropMap {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:principal/>' });
  m.set(D('displayname'), r.displayName);
  m.set(D('principal-URL'), { hrefs: [resourcePrincipalHref(r.id)] });
  m.set(`{${NS.cal}}calendar-user-type`, r.type);
  m.set(`{${NS.cal}}calendar-user-address-set`, { hrefs: [`mailto:${r.address}`] });
  m.set(CS('email-address-set'), { xml: `<cs:email-address>${escape(r.address)}</cs:email-address>` });
  return m;
}

export function backendRootProps(ctx: DavContext, b: DavCollectionBackend): PropMap {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:collection/>' });
  m.set(D('displayname'), b.root);
  return m;
}

export function homeProps(ctx: DavContext, home: SessionUser): PropMap {
  const m = base(ctx);
  m.set(D('resourcetype'), { xml: '<d:collection/>' });
  m.set(D('displayname'), home.displayName || home.email);
  m.set(D('owner'), { hrefs: [principalHref(home.email)] });
  m.set(D('current-user-privilege-set'), privilegeSet(ctx.user.id === home.id ? 'owner' : 'read'));
  return m;
}

export function collectionProps(ctx: DavContext, b: DavCollectionBackend, coll: DavCollection): PropMap {
  const m = base(ctx);
  const types = ['<d:collection/>', ...coll.resourceTypes.map((t) => clarkElement(t))].join('');
  m.set(D('resourcetype'), { xml: types });
  m.set(D('owner'), { hrefs: [principalHref(coll.home)] });
  m.set(D('current-user-privilege-set'), privilegeSet(coll.right));
  m.set(D('supported-report-set'), reportSet(collectionReports(b)));
  m.set(D('sync-token'), syncToken(coll.position));
  m.set(CS('getctag'), String(coll.position));
  m.set(D('getetag'), `"${coll.position}"`);
  for (const [k, v] of Object.entries(coll.props)) m.set(k, v);
  return m;
}

export function objectProps(info: DavObjectInfo): PropMap {
  return new Map<Clark, DavPropValue>([
    [D('resourcetype'), null],
    [D('getetag'), info.etag],
    [D('getcontenttype'), info.contentType],
    [D('getcontentlength'), String(info.size)],
    [D('getlastmodified'), new Date(info.lastModified).toUTCString()],
  ]);
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** `<prefix:local/>` for a Clark name (inline xmlns outside NS). */
export function clarkElement(name: Clark): string {
  const end = name.indexOf('}');
  const ns = name.slice(1, end);
  const local = name.slice(end + 1);
  const prefix = Object.entries(NS).find(([, uri]) => uri === ns)?.[0];
  return prefix ? `<${prefix}:${local}/>` : `<${local} xmlns="${escape(ns)}"/>`;
}
