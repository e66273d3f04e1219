// PROPFIND on /dav/files/ itself: the collection of homes, of which a user sees only their own.
import type { DavContext, DavPropValue } from '../../../core/dav/types.ts';
import { parsePropRequest, propstats } from '../../../core/dav/methods/propfind.ts';
import { multistatusResponse } from '../../../core/dav/methods/responses.ts';
import { renderMultistatus, type DavResponse } from '../../../core/dav/multistatus.ts';
import type { PropMap } from '../../../core/dav/props.ts';
import { MAX_XML_BYTES } from '../../../core/dav/xml.ts';
import { FILES_PREFIX, hrefOf, readXmlBody } from './files-request.ts';

export async function filesRootPropfind(raw: Request, ctx: DavContext): Promise<Response> {
  const request = parsePropRequest(await readXmlBody(raw, MAX_XML_BYTES));
  const depth = (raw.headers.get('Depth') ?? '1').trim();
  const collection = (name: string): PropMap => new Map<string, DavPropValue>([['{DAV:}resourcetype', { xml: '<d:collection/>' }], ['{DAV:}displayname', name]]);
  const out: DavResponse[] = [{ href: `${FILES_PREFIX}/`, propstats: propstats(collection('files'), request) }];
  if (depth !== '0') out.push({ href: hrefOf(ctx.user.email, [], true), propstats: propstats(collection(ctx.user.displayName || ctx.user.email), request) });
  return multistatusResponse(renderMultistatus(out));
}
