// The virtual Shared/ folder of a home: PROPFIND lists the folders shared with the
// viewer; it cannot be written (403), its entries are managed by their owners.
import { parsePropRequest, propstats } from '../../../core/dav/methods/propfind.ts';
import { multistatusResponse } from '../../../core/dav/methods/responses.ts';
import { renderMultistatus, type DavResponse } from '../../../core/dav/multistatus.ts';
import type { PropMap } from '../../../core/dav/props.ts';
import type { DavContext, DavPropValue } from '../../../core/dav/types.ts';
import { MAX_XML_BYTES } from '../../../core/dav/xml.ts';
import { ForbiddenError } from '../../../core/errors.ts';
import type { SharedEntry } from './dav-scope.ts';
import { hrefOf, readXmlBody, SHARED_DIR } from './files-request.ts';
import { SUPPORTED_LOCK } from './node-props.ts';

export function sharedDirProps(name: string, etag?: number, modified?: string): PropMap {
  const m = new Map<string, DavPropValue>([
    ['{DAV:}resourcetype', { xml: '<d:collection/>' }],
    ['{DAV:}displayname', name],
    ['{DAV:}supportedlock', SUPPORTED_LOCK],
    ['{DAV:}lockdiscovery', null],
  ]);
  if (etag !== undefined) m.set('{DAV:}getetag', `"${etag}"`);
  if (modified) m.set('{DAV:}getlastmodified', new Date(modified).toUTCString());
  return m;
}

export async function sharedDir(raw: Request, ctx: DavContext, entries: SharedEntry[]): Promise<Response> {
  if (raw.method.toUpperCase() !== 'PROPFIND') throw new ForbiddenError('Shared/ lists folders others share with you; it cannot be changed', 'shared_dir_read_only');
  const request = parsePropRequest(await readXmlBody(raw, MAX_XML_BYTES));
  const depth = (raw.headers.get('Depth') ?? '1').trim();
  const out: DavResponse[] = [{ href: hrefOf(ctx.user.email, [SHARED_DIR], true), propstats: propstats(sharedDirProps(SHARED_DIR), request) }];
  if (depth !== '0') {
    for (const e of entries) out.push({ href: hrefOf(ctx.user.email, [SHARED_DIR, e.name], true), propstats: propstats(sharedDirProps(e.name, e.node.etag, e.node.modified), request) });
  }
  return multistatusResponse(renderMultistatus(out));
}
