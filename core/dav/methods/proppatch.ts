// PROPPATCH (RFC 4918 §9.2): all instructions succeed or none do; the backend
// decides per property and the engine groups the statuses into propstats.
import { DavPreconditionError } from '../errors.ts';
import { ForbiddenError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';
import { renderMultistatus } from '../multistatus.ts';
import { collectionHref } from '../paths.ts';
import { readBodyText } from '../read-body.ts';
import type { Clark, DavPropPatch } from '../types.ts';
import { MAX_XML_BYTES, child, parseXml } from '../xml.ts';
import { multistatusResponse } from './responses.ts';

const D = (l: string) => `{DAV:}${l}`;

export function parsePropPatch(body: string): DavPropPatch {
  const root = parseXml(body);
  if (root.name !== D('propertyupdate')) throw new DavPreconditionError(D('propertyupdate'), 'the body must be a DAV:propertyupdate element', 400);
  const patch: DavPropPatch = { set: [], remove: [] };
  for (const instr of root.children) {
    const props = child(instr, D('prop'))?.children ?? [];
    if (instr.name === D('set')) patch.set.push(...props);
    else if (instr.name === D('remove')) patch.remove.push(...props.map((p) => p.name));
  }
  return patch;
}

export async function proppatch(req: DavRequest): Promise<Response> {
  const { c, ctx, target } = req;
  const patch = parsePropPatch(await readBodyText(c, MAX_XML_BYTES));
  if (target.kind !== 'collection') {
    // Homes, principals and objects have no writable properties here.
    const names: Clark[] = [...patch.set.map((p) => p.name), ...patch.remove];
    return multistatusResponse(renderMultistatus([{ href: req.href, propstats: [{ status: 403, props: names.map((n) => [n, null]) }] }]));
  }
  if (target.collection.right === 'read') throw new ForbiddenError('you may only read this collection', 'read_only');
  const statuses = await target.backend.patchCollection(ctx, target.collection, patch);
  const byStatus = new Map<number, Clark[]>();
  for (const [name, status] of Object.entries(statuses)) byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  return multistatusResponse(renderMultistatus([{
    href: collectionHref(target.backend, target.collection),
    propstats: [...byStatus].map(([status, names]) => ({ status, props: names.map((n) => [n, null] as [Clark, null]) })),
  }]));
}
