// GET / HEAD of an object (RFC 4918 §9.4) with its strong ETag, and conditional
// GET (If-None-Match → 304) so clients that poll do not re-download.
import { NotFoundError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';

export async function get(req: DavRequest, head: boolean): Promise<Response> {
  const { c, ctx, target } = req;
  if (target.kind !== 'object') {
    return new Response(head ? null : 'This is a DAV collection: point a calendar, contacts or file client at it.\n', {
      status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const { backend, collection, name } = target;
  const [o] = await backend.getObjects(ctx, collection, [name]);
  if (!o) throw new NotFoundError('no such object');
  const headers: Record<string, string> = { ETag: o.etag, 'Last-Modified': new Date(o.lastModified).toUTCString(), 'Cache-Control': 'private, no-cache' };
  const inm = c.req.header('If-None-Match');
  if (inm && (inm.trim() === '*' || inm.split(',').map((s) => s.trim()).includes(o.etag))) return new Response(null, { status: 304, headers });
  const rendered = backend.renderGet ? backend.renderGet(ctx, o, c.req.header('Accept')) : { body: o.body, contentType: o.contentType };
  headers['Content-Type'] = rendered.contentType;
  headers['Content-Length'] = String(Buffer.byteLength(rendered.body, 'utf8'));
  return new Response(head ? null : rendered.body, { status: 200, headers });
}
