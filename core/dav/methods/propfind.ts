// PROPFIND (RFC 4918 §9.1). Depth 0 and 1; infinity is refused with
// propfind-finite-depth (§9.1, "servers may refuse") where it would walk more than
// one level — a home with all its objects — and treated as 1 on an object collection,
// where it is the same thing. An absent Depth header means 1 (as Sabre does), since
// clients that omit it want the listing, not a walk.
import { DavPreconditionError } from '../errors.ts';
import { NotFoundError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';
import { renderMultistatus, type DavResponse, type PropStat } from '../multistatus.ts';
import { collectionHref, groupPrincipalHref, resourcePrincipalHref, homeHref, objectHref, principalHref, principalsHref, rootHref, backendRootHref } from '../paths.ts';
import {
  backendRootProps, collectionProps, groupPrincipalProps, resourcePrincipalProps, homeProps, objectProps, principalProps, principalsProps, rootProps, type PropMap,
} from '../props.ts';
import { readBodyText } from '../read-body.ts';
import type { Clark, DavObject } from '../types.ts';
import { MAX_XML_BYTES, child, parseXml } from '../xml.ts';
import { requireHomeOwner } from './require-home-owner.ts';
import { multistatusResponse } from './responses.ts';

const D = (l: string) => `{DAV:}${l}`;

export type PropRequest = { kind: 'allprop'; include: Clark[] } | { kind: 'propname' } | { kind: 'prop'; names: Clark[] };

export function parsePropRequest(body: string): PropRequest {
  if (body.trim() === '') return { kind: 'allprop', include: [] };
  const root = parseXml(body);
  if (root.name !== D('propfind')) throw new DavPreconditionError(D('propfind'), 'the body must be a DAV:propfind element', 400);
  if (child(root, D('propname'))) return { kind: 'propname' };
  const prop = child(root, D('prop'));
  if (prop) return { kind: 'prop', names: prop.children.map((c) => c.name) };
  return { kind: 'allprop', include: (child(root, D('include'))?.children ?? []).map((c) => c.name) };
}

/** Splits a resource's properties into found (200) and missing (404) for the request. */
export function propstats(available: PropMap, req: PropRequest): PropStat[] {
  if (req.kind === 'propname') return [{ status: 200, props: [...available.keys()].map((k) => [k, null]) }];
  if (req.kind === 'allprop') {
    const props = [...available.entries()];
    const missing = req.include.filter((n) => !available.has(n));
    return [{ status: 200, props }, { status: 404, props: missing.map((n) => [n, null]) }];
  }
  const found: PropStat['props'] = [];
  const missing: PropStat['props'] = [];
  for (const n of req.names) {
    if (available.has(n)) found.push([n, available.get(n)!]);
    else missing.push([n, null]);
  }
  return [{ status: 200, props: found }, { status: 404, props: missing }];
}

export async function propfind(req: DavRequest): Promise<Response> {
  const { c, ctx, deps, target } = req;
  const depthHeader = (c.req.header('Depth') ?? '1').trim().toLowerCase();
  if (!['0', '1', 'infinity'].includes(depthHeader)) throw new DavPreconditionError(D('propfind-finite-depth'), 'Depth must be 0, 1 or infinity', 400);
  const request = parsePropRequest(await readBodyText(c, MAX_XML_BYTES));
  const deep = depthHeader !== '0';
  const infinite = depthHeader === 'infinity';
  const out: DavResponse[] = [];
  const add = (href: string, m: PropMap) => out.push({ href, propstats: propstats(m, request) });
  const refuseInfinity = () => {
    if (infinite) throw new DavPreconditionError(D('propfind-finite-depth'), 'Depth: infinity is not supported here; use Depth: 1');
  };

  switch (target.kind) {
    case 'root':
      refuseInfinity();
      add(rootHref(), rootProps(ctx));
      if (deep) {
        add(principalsHref(), principalsProps(ctx));
        for (const b of deps.backends) add(backendRootHref(b), backendRootProps(ctx, b));
      }
      break;
    case 'principals':
      refuseInfinity();
      add(principalsHref(), principalsProps(ctx));
      // Only the viewer's own principal is listed: the directory is not enumerable over DAV.
      if (deep) add(principalHref(ctx.user.email), await principalProps(ctx, ctx.user, deps.backends, deps.trees, await deps.auth.groupsOf(ctx.user.id)));
      break;
    case 'principal':
      add(principalHref(target.user.email), await principalProps(ctx, target.user, deps.backends, deps.trees, await deps.auth.groupsOf(target.user.id)));
      break;
    case 'resource-principal':
      add(resourcePrincipalHref(target.resource.id), resourcePrincipalProps(ctx, target.resource));
      break;
    case 'group-principal': {
      const logins = (await Promise.all(target.group.members.map((id) => deps.auth.userById(id)))).filter((u) => u !== undefined).map((u) => u.email);
      add(groupPrincipalHref(target.group.id), groupPrincipalProps(ctx, target.group, logins));
      break;
    }
    case 'backend-root':
      refuseInfinity();
      add(backendRootHref(target.backend), backendRootProps(ctx, target.backend));
      if (deep) add(homeHref(target.backend, ctx.user.email), homeProps(ctx, ctx.user));
      break;
    case 'home': {
      requireHomeOwner(ctx, target.home);
      refuseInfinity();
      add(homeHref(target.backend, target.home.email), homeProps(ctx, target.home));
      if (deep) {
        for (const coll of await target.backend.listCollections(ctx, target.home)) {
          add(collectionHref(target.backend, coll), collectionProps(ctx, target.backend, coll));
        }
      }
      break;
    }
    case 'missing-collection':
      throw new NotFoundError('no such collection');
    case 'collection': {
      const { backend, collection } = target;
      add(collectionHref(backend, collection), collectionProps(ctx, backend, collection));
      if (deep) {
        const wantsData = request.kind === 'prop' && request.names.includes(backend.dataProperty);
        const infos = wantsData
          ? await backend.getObjects(ctx, collection, (await backend.listObjects(ctx, collection)).map((o) => o.name))
          : await backend.listObjects(ctx, collection);
        for (const o of infos) add(objectHref(backend, collection, o.name), withData(objectProps(o), backend.dataProperty, wantsData ? (o as DavObject).body : undefined));
      }
      break;
    }
    case 'object': {
      const { backend, collection, name } = target;
      const [o] = await backend.getObjects(ctx, collection, [name]);
      if (!o) throw new NotFoundError('no such object');
      const wantsData = request.kind === 'prop' && request.names.includes(backend.dataProperty);
      add(objectHref(backend, collection, o.name), withData(objectProps(o), backend.dataProperty, wantsData ? o.body : undefined));
      break;
    }
  }
  return multistatusResponse(renderMultistatus(out));
}

function withData(m: PropMap, name: Clark, body: string | undefined): PropMap {
  if (body !== undefined) m.set(name, body);
  return m;
}
