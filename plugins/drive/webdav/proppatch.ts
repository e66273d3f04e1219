// PROPPATCH (RFC 4918 §9.2): all or nothing. Live properties are protected (403
// cannot-modify-protected-property); every other property is dead and kept as the
// XML the client sent, in a PropertiesChanged event.
import { parsePropPatch } from '../../../core/dav/methods/proppatch.ts';
import { multistatusResponse } from '../../../core/dav/methods/responses.ts';
import { renderMultistatus } from '../../../core/dav/multistatus.ts';
import type { Clark } from '../../../core/dav/types.ts';
import { MAX_XML_BYTES, escapeXml, serializeXml } from '../../../core/dav/xml.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { hrefIn, isFolder, readXmlBody, isScopeRoot, type FilesRequest } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { PROTECTED_PROPS } from './node-props.ts';

/** Serialized value of one dead property: clients store short strings and timestamps. */
export const MAX_DEAD_PROP_BYTES = 16_384;
/** Clark name length of a dead property. */
const MAX_PROP_NAME = 512;

export async function proppatch(req: FilesRequest): Promise<Response> {
  const t = req.target;
  if (t === undefined) throw new NotFoundError('no such file or folder');
  const patch = parsePropPatch(await readXmlBody(req.raw, MAX_XML_BYTES));
  const href = hrefIn(req, req.names, isFolder(t));
  const statuses = new Map<Clark, number>();
  const set: Record<string, string> = {};
  for (const el of patch.set) {
    const value = el.children.length > 0 ? el.children.map(serializeXml).join('') : escapeXml(el.text);
    if (PROTECTED_PROPS.has(el.name) || isScopeRoot(req, t)) statuses.set(el.name, 403);
    else if (value.length > MAX_DEAD_PROP_BYTES || el.name.length > MAX_PROP_NAME) statuses.set(el.name, 507);
    else { set[el.name] = value; statuses.set(el.name, 200); }
  }
  const remove: string[] = [];
  for (const name of patch.remove) {
    if (PROTECTED_PROPS.has(name) || isScopeRoot(req, t)) statuses.set(name, 403);
    else { remove.push(name); statuses.set(name, 200); }
  }
  const failed = [...statuses.values()].some((s) => s !== 200);
  if (failed) {
    for (const [k, s] of statuses) if (s === 200) statuses.set(k, 424);
  } else if (statuses.size > 0) {
    await assertCanWrite(req, { node: t, href });
    await req.service.patchProps(req.drive.drive_id, (t as NodeRow).node_id, set, remove, req.ctx.metadata());
  }
  const byStatus = new Map<number, Clark[]>();
  for (const [name, s] of statuses) byStatus.set(s, [...(byStatus.get(s) ?? []), name]);
  return multistatusResponse(renderMultistatus([{
    href,
    propstats: [...byStatus].map(([status, names]) => ({ status, props: names.map((n) => [n, null] as [Clark, null]) })),
  }]));
}
