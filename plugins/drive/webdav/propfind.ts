// PROPFIND (RFC 4918 §9.1) on the drive: Depth 0 and 1 (absent means 1, as on the
// rest of /dav/); infinity is refused with propfind-finite-depth (§9.1 allows it),
// since a whole drive in one response is unbounded work.
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { parsePropRequest, propstats } from '../../../core/dav/methods/propfind.ts';
import { multistatusResponse } from '../../../core/dav/methods/responses.ts';
import { encodeSegment, renderMultistatus, renderResponse, type DavResponse } from '../../../core/dav/multistatus.ts';
import { MAX_XML_BYTES } from '../../../core/dav/xml.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { sharedWithMe } from '../service/access.ts';
import { ROOT } from '../service/queries.ts';
import { hrefIn, isFolder, nodeIdOf, readXmlBody, SHARED_DIR, type FilesRequest } from './files-request.ts';
import { locksByNode, nodeProps, type PropContext } from './node-props.ts';
import { sharedDirProps } from './shared-dir.ts';
import { renderNodeResponse } from './node-response.ts';

export async function propfind(req: FilesRequest): Promise<Response> {
  const depth = (req.raw.headers.get('Depth') ?? '1').trim().toLowerCase();
  if (depth === 'infinity') throw new DavPreconditionError('{DAV:}propfind-finite-depth', 'Depth: infinity is not supported; use Depth: 1');
  if (depth !== '0' && depth !== '1') throw new DavPreconditionError('{DAV:}propfind-finite-depth', 'Depth must be 0, 1 or infinity', 400);
  const request = parsePropRequest(await readXmlBody(req.raw, MAX_XML_BYTES));
  const target = req.target;
  if (target === undefined) throw new NotFoundError('no such file or folder');
  const usage = await req.service.usage(req.drive.drive_id);
  const pc: PropContext = {
    locks: locksByNode(await req.locks.active(req.drive.drive_id)),
    quota: { used: usage.used, available: usage.available },
    homeName: req.root === ROOT ? req.ctx.user.displayName || req.login : req.root.name,
    right: req.right,
  };
  const out: DavResponse[] = [];
  const selfHref = hrefIn(req, req.names, isFolder(target));
  out.push({ href: selfHref, propstats: propstats(nodeProps(target, selfHref, pc), request) });
  if (depth === '1' && target === ROOT && req.sharedVirtual && (await sharedWithMe(req.auth, req.service.queries, req.ctx.user)).length > 0) {
    const href = hrefIn(req, [SHARED_DIR], true);
    out.push({ href, propstats: propstats(sharedDirProps(SHARED_DIR), request) });
  }
  const head = renderMultistatus(out);
  if (depth !== '1' || !isFolder(target)) return multistatusResponse(head);
  // The children, rendered straight to strings and spliced in before </d:multistatus>.
  const parts: string[] = [head.slice(0, -'</d:multistatus>'.length)];
  const prefix = hrefIn(req, req.names, true);
  for (const child of await req.service.queries.listing(req.drive.drive_id, nodeIdOf(target))) {
    const href = `${prefix}${encodeSegment(child.name)}${child.kind === 'folder' ? '/' : ''}`;
    parts.push(request.kind === 'propname' ? renderResponse({ href, propstats: propstats(nodeProps(child, href, pc), request) }) : renderNodeResponse(href, child, request, pc));
  }
  parts.push('</d:multistatus>');
  return multistatusResponse(parts.join(''));
}

