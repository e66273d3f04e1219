// LOCK (RFC 4918 §9.10): exclusive write locks only (supportedlock says so), Depth 0 or
// infinity, a timeout capped by MAX_LOCK_SECONDS. A LOCK without a body refreshes the
// lock named in the If header. Locking an unmapped URL creates an empty file (§9.10.4).
import { DavPreconditionError, DavPreconditionFailed } from '../../../core/dav/errors.ts';
import { MAX_XML_BYTES, child, parseXml, serializeXml, escapeXml } from '../../../core/dav/xml.ts';
import { ValidationError } from '../../../core/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import { hrefIn, isFolder, nodeIdOf, parentOf, readXmlBody, textResponse, type FilesRequest } from './files-request.ts';
import { parseIfHeader, submittedTokens } from './if-header.ts';
import { coveringLocks } from './lock-check.ts';
import { lockTimeout, type LockRow } from './lock-store.ts';
import { activeLockXml } from './node-props.ts';

const D = (l: string) => `{DAV:}${l}`;
const XML_TYPE = 'application/xml; charset=utf-8';

function lockResponse(lock: LockRow, href: string, status: number): Response {
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<d:prop xmlns:d="DAV:"><d:lockdiscovery>${activeLockXml(lock, href)}</d:lockdiscovery></d:prop>`;
  return new Response(body, { status, headers: { 'Content-Type': XML_TYPE, 'Lock-Token': `<${lock.token}>` } });
}

export async function lock(req: FilesRequest): Promise<Response> {
  const body = await readXmlBody(req.raw, MAX_XML_BYTES);
  const timeout = lockTimeout(req.raw.headers.get('Timeout'));
  const all = await req.locks.active(req.drive.drive_id);
  let t = req.target;
  const href = hrefIn(req, req.names, isFolder(t));

  if (body.trim() === '') {
    // Refresh (§9.10.2): the If header names the lock.
    const tokens = submittedTokens(parseIfHeader(req.raw.headers.get('If')));
    const nodeId = t === undefined ? undefined : nodeIdOf(t);
    const mine = all.find((l) => tokens.includes(l.token) && l.node_id === nodeId && l.user_id === req.ctx.user.id);
    if (!mine) throw new DavPreconditionFailed('no lock of yours with that token on this resource');
    await req.locks.refresh(mine.token, timeout);
    return lockResponse({ ...mine, timeout_seconds: timeout, expires_at: Date.now() + timeout * 1000 }, href, 200);
  }

  const info = parseXml(body);
  if (info.name !== D('lockinfo')) throw new ValidationError('the body must be a DAV:lockinfo element', { code: 'bad_lockinfo' });
  const scope = child(info, D('lockscope'));
  if (!child(scope, D('exclusive'))) throw new DavPreconditionFailed('only exclusive locks are supported');
  if (!child(child(info, D('locktype')), D('write'))) throw new DavPreconditionFailed('only write locks are supported');
  const owner = child(info, D('owner'));
  const ownerXml = owner ? (owner.children.length > 0 ? owner.children.map(serializeXml).join('') : escapeXml(owner.text)) : '';
  const depthHeader = (req.raw.headers.get('Depth') ?? 'infinity').trim().toLowerCase();
  if (depthHeader !== '0' && depthHeader !== 'infinity') throw new ValidationError('LOCK takes Depth 0 or infinity', { code: 'bad_depth' });

  // Exclusive: any lock covering the resource (or, for a deep lock, under it) conflicts, whoever holds it.
  const parentId = t === undefined ? nodeIdOf((await parentOf(req)) ?? ROOT) : undefined;
  const conflicts = await coveringLocks(req, t === undefined ? { parentId, membership: false, href } : { node: t, deep: depthHeader === 'infinity', href }, all);
  if (conflicts.length > 0) throw new DavPreconditionError(D('no-conflicting-lock'), 'the resource is locked already', 423, `<d:href>${escapeXml(href)}</d:href>`);

  let status = 200;
  if (t === undefined) {
    const parent = await parentOf(req);
    if (parent === undefined || req.names.length === 0) return textResponse(409, 'the parent folder does not exist');
    const { node } = await req.service.writeFile(req.drive.drive_id, nodeIdOf(parent), req.names[req.names.length - 1]!, { source: Buffer.alloc(0) }, req.ctx.metadata());
    t = node;
    status = 201;
  }
  const row = await req.locks.create({
    drive_id: req.drive.drive_id, node_id: t === ROOT ? ROOT : (t as NodeRow).node_id, user_id: req.ctx.user.id,
    depth: depthHeader === '0' || !isFolder(t) ? '0' : 'infinity', owner_xml: ownerXml, timeout_seconds: timeout,
  });
  return lockResponse(row, hrefIn(req, req.names, isFolder(t)), status);
}
