// REPORT on a collection: sync-collection (RFC 6578 §3), the backend's multiget
// (RFC 4791 §7.9, RFC 6352 §8.7), its filter reports (calendar-query,
// addressbook-query: the backend selects names, the engine renders them like a
// multiget) and custom reports (free-busy-query). Anything else is refused with
// DAV:supported-report (RFC 3253 §3.6).
import { DavPreconditionError } from '../errors.ts';
import { ForbiddenError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';
import { renderMultistatus, type DavResponse } from '../multistatus.ts';
import { collectionHref, hrefPath, objectHref, splitDavPath } from '../paths.ts';
import { objectProps, parseSyncToken, syncToken, type PropMap } from '../props.ts';
import { readBodyText } from '../read-body.ts';
import type { DavCollection, DavCollectionBackend, DavContext, DavObject, DavObjectInfo, XmlElement } from '../types.ts';
import { MAX_XML_BYTES, child, childrenNamed, parseXml } from '../xml.ts';
import { propstats, type PropRequest } from './propfind.ts';
import { XML_TYPE, multistatusResponse } from './responses.ts';

const D = (l: string) => `{DAV:}${l}`;
/** Most hrefs one multiget may name: bounded work per request; clients batch far below this (DAVx5: 10–100). */
export const MAX_MULTIGET_HREFS = 5000;

export async function report(req: DavRequest): Promise<Response> {
  const { c, ctx, target } = req;
  const body = parseXml(await readBodyText(c, MAX_XML_BYTES));
  if (target.kind !== 'collection') throw new DavPreconditionError(D('supported-report'), 'REPORTs are supported on calendars and address books');
  const { backend, collection } = target;
  if (body.name === D('sync-collection')) return syncCollection(ctx, backend, collection, body);
  if (body.name === backend.multigetReport) return multiget(ctx, backend, collection, body, c.req.url);
  const filter = backend.filterReports?.[body.name];
  if (filter) {
    const matched = await filter(ctx, collection, body);
    return multistatusResponse(renderMultistatus(await renderObjects(ctx, backend, collection, matched, propRequest(body), body)));
  }
  const custom = backend.customReports?.[body.name];
  if (custom) {
    const r = await custom(ctx, collection, body);
    return new Response(r.body, { status: r.status, headers: { 'Content-Type': r.contentType } });
  }
  throw new DavPreconditionError(D('supported-report'), `the ${body.name} report is not supported here`);
}

function propRequest(body: XmlElement): PropRequest {
  const prop = child(body, D('prop'));
  if (prop) return { kind: 'prop', names: prop.children.map((p) => p.name) };
  if (child(body, D('propname'))) return { kind: 'propname' };
  return { kind: 'allprop', include: [] };
}

async function renderObjects(ctx: DavContext, backend: DavCollectionBackend, coll: DavCollection, matched: string[] | DavObject[], request: PropRequest, body: XmlElement): Promise<DavResponse[]> {
  const dataEl = child(child(body, D('prop')), backend.dataProperty);
  const wantsData = request.kind === 'prop' && request.names.includes(backend.dataProperty);
  const prefetched = matched.length > 0 && typeof matched[0] !== 'string' ? matched as DavObject[] : undefined;
  if (prefetched) return prefetched.map((o) => renderObject(ctx, backend, coll, o, wantsData, request, dataEl));
  const names = matched as string[];
  if (!wantsData) {
    // Metadata only: no bodies read (the common sync case of getetag alone).
    const wanted = new Set(names);
    const infos = (await backend.listObjects(ctx, coll)).filter((o) => wanted.has(o.name));
    return infos.map((o) => ({ href: objectHref(backend, coll, o.name), propstats: propstats(objectProps(o), request) }));
  }
  const objects = await backend.getObjects(ctx, coll, names);
  return objects.map((o) => renderObject(ctx, backend, coll, o, true, request, dataEl));
}

function renderObject(ctx: DavContext, backend: DavCollectionBackend, coll: DavCollection, o: DavObject, withData: boolean, request: PropRequest, dataEl: XmlElement | undefined): DavResponse {
  const m: PropMap = objectProps(o);
  if (withData) m.set(backend.dataProperty, backend.renderData ? backend.renderData(ctx, o, dataEl) : o.body);
  return { href: objectHref(backend, coll, o.name), propstats: propstats(m, request) };
}

async function multiget(ctx: DavContext, backend: DavCollectionBackend, coll: DavCollection, body: XmlElement, base: string): Promise<Response> {
  const hrefs = childrenNamed(body, D('href')).map((h) => h.text.trim());
  if (hrefs.length > MAX_MULTIGET_HREFS) throw new ForbiddenError(`a multiget may name at most ${MAX_MULTIGET_HREFS} resources`, 'too_many_hrefs');
  const collPath = collectionHref(backend, coll);
  const names: string[] = [];
  const foreign: DavResponse[] = [];
  for (const h of hrefs) {
    const path = hrefPath(h, base);
    const segs = path ? splitDavPath(path) : undefined;
    const collSegs = splitDavPath(collPath.slice(0, -1))!;
    const inside = segs && segs.length === collSegs.length + 1 && collSegs.every((s, i) => s === segs[i]);
    if (inside) names.push(segs[segs.length - 1]!);
    else foreign.push({ href: h, status: 404 });
  }
  const rendered = await renderObjects(ctx, backend, coll, names, propRequest(body), body);
  const found = new Set(rendered.map((r) => r.href));
  const missing: DavResponse[] = names.map((n) => objectHref(backend, coll, n)).filter((h) => !found.has(h)).map((href) => ({ href, status: 404 }));
  return multistatusResponse(renderMultistatus([...rendered, ...missing, ...foreign]));
}

async function syncCollection(ctx: DavContext, backend: DavCollectionBackend, coll: DavCollection, body: XmlElement): Promise<Response> {
  const level = child(body, D('sync-level'))?.text.trim() ?? '1';
  // RFC 6578 §3.3: level "infinite" is for trees; a calendar or address book has one level.
  if (level !== '1' && level !== 'infinite') throw new DavPreconditionError(D('valid-sync-level'), 'sync-level must be 1', 400);
  const tokenText = child(body, D('sync-token'))?.text.trim() ?? '';
  const request = propRequest(body);
  const invalid = () => new DavPreconditionError(D('valid-sync-token'), 'the sync token is not valid (anymore); sync again from scratch');
  let changed: DavObjectInfo[];
  let removed: string[] = [];
  let position = coll.position;
  if (tokenText === '') {
    changed = await backend.listObjects(ctx, coll);
  } else {
    const from = parseSyncToken(tokenText);
    if (from === undefined || from > coll.position) throw invalid();
    const changes = await backend.changesSince(ctx, coll, from);
    if (changes === 'expired') throw invalid();
    changed = changes.changed;
    removed = changes.removed;
    position = changes.position;
  }
  const responses: DavResponse[] = [];
  const wantsData = request.kind === 'prop' && request.names.includes(backend.dataProperty);
  if (wantsData) {
    responses.push(...await renderObjects(ctx, backend, coll, changed.map((o) => o.name), request, body));
  } else {
    for (const o of changed) responses.push({ href: objectHref(backend, coll, o.name), propstats: propstats(objectProps(o), request) });
  }
  for (const name of removed) responses.push({ href: objectHref(backend, coll, name), status: 404 });
  return new Response(renderMultistatus(responses, syncToken(position)), { status: 207, headers: { 'Content-Type': XML_TYPE } });
}
