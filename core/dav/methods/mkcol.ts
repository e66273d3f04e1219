// MKCALENDAR (RFC 4791 §5.3.1) and extended MKCOL (RFC 5689 §3) in the viewer's own
// home. The requested properties go to the backend, which refuses the whole request
// when it cannot set one (the collection is then not created).
import { DavPreconditionError } from '../errors.ts';
import { ConflictError, ForbiddenError } from '../../errors.ts';
import type { DavRequest } from '../dav-request.ts';
import { readBodyText } from '../read-body.ts';
import { NS, type XmlElement } from '../types.ts';
import { MAX_XML_BYTES, child, parseXml } from '../xml.ts';
import { requireHomeOwner } from './require-home-owner.ts';

const D = (l: string) => `{DAV:}${l}`;

export async function mkcol(req: DavRequest, method: 'MKCALENDAR' | 'MKCOL'): Promise<Response> {
  const { c, ctx, target } = req;
  if (target.kind === 'collection') throw new DavPreconditionError(D('resource-must-be-null'), 'a collection already exists here', 405);
  if (target.kind !== 'missing-collection') throw new ForbiddenError('collections can be created only inside your home', 'mkcol_not_allowed');
  requireHomeOwner(ctx, target.home);
  const text = await readBodyText(c, MAX_XML_BYTES);
  let props: XmlElement[] = [];
  let resourceTypes: string[] = [];
  if (text.trim() !== '') {
    const root = parseXml(text);
    const expected = method === 'MKCALENDAR' ? `{${NS.cal}}mkcalendar` : D('mkcol');
    if (root.name !== expected) throw new DavPreconditionError(D('valid-resourcetype'), `the body must be a ${expected} element`, 400);
    props = root.children.filter((s) => s.name === D('set')).flatMap((s) => child(s, D('prop'))?.children ?? []);
    const rt = props.find((p) => p.name === D('resourcetype'));
    if (rt) {
      resourceTypes = rt.children.map((x) => x.name).filter((n) => n !== D('collection'));
      props = props.filter((p) => p !== rt);
    }
  }
  if (method === 'MKCALENDAR') resourceTypes = [`{${NS.cal}}calendar`];
  try {
    await target.backend.createCollection(ctx, target.home, target.slug, { method, resourceTypes, props });
  } catch (e) {
    if (e instanceof ConflictError) throw new DavPreconditionError(D('resource-must-be-null'), e.message, 405);
    throw e;
  }
  return new Response(null, { status: 201, headers: { 'Cache-Control': 'no-store' } });
}
