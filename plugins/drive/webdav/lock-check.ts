// Which locks stand in the way of a write, and whether the request's If header
// submits their tokens (RFC 4918 §7.4–7.5, §10.4).
import { DavPreconditionError, DavPreconditionFailed } from '../../../core/dav/errors.ts';
import { escapeXml } from '../../../core/dav/xml.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';
import type { FilesRequest } from './files-request.ts';
import { ifHeaderHolds, parseIfHeader, submittedTokens } from './if-header.ts';
import type { LockRow } from './lock-store.ts';

export interface WriteScope {
  /** The existing resource written (PUT over a file, PROPPATCH, DELETE, MOVE source). */
  node?: NodeRow | typeof ROOT;
  /** The folder whose membership changes (a new item, a removed or renamed one). */
  parentId?: string;
  /** Check locks anywhere under `node` too (DELETE and MOVE of a folder). */
  deep?: boolean;
  /** False when `parentId` only locates a new item (LOCK of an unmapped URL) and its membership lock does not matter. */
  membership?: boolean;
  /** Href reported in lock-token-submitted. */
  href: string;
}

/** Throws 412 when the If header does not hold, 423 when a lock's token was not submitted by its owner. */
export async function assertCanWrite(req: FilesRequest, scope: WriteScope, known?: LockRow[]): Promise<void> {
  const lists = parseIfHeader(req.raw.headers.get('If'));
  const locks = known ?? await req.locks.active(req.drive.drive_id);
  if (lists === undefined && locks.length === 0) return;
  const etag = scope.node === undefined || scope.node === ROOT ? undefined : `"${scope.node.etag}"`;
  if (lists !== undefined && !ifHeaderHolds(lists, etag, (t) => locks.some((l) => l.token === t))) {
    throw new DavPreconditionFailed('the If header does not hold for this resource');
  }
  if (locks.length === 0) return;
  const relevant = await coveringLocks(req, scope, locks);
  if (relevant.length === 0) return;
  const sent = new Set(submittedTokens(lists));
  for (const l of relevant) {
    if (!sent.has(l.token) || l.user_id !== req.ctx.user.id) {
      throw new DavPreconditionError('{DAV:}lock-token-submitted', 'the resource is locked', 423, `<d:href>${escapeXml(scope.href)}</d:href>`);
    }
  }
}

/** The locks that a write in `scope` must hold the tokens of. */
export async function coveringLocks(req: FilesRequest, scope: WriteScope, locks: LockRow[]): Promise<LockRow[]> {
  if (locks.length === 0) return [];
  const q = req.service.queries;
  const driveId = req.drive.drive_id;
  const nodeId = scope.node === undefined ? undefined : scope.node === ROOT ? ROOT : scope.node.node_id;
  // Depth-infinity locks on any folder above the target (or above the new item) cover it.
  const above = new Set<string>([ROOT]);
  const from = nodeId !== undefined && nodeId !== ROOT ? (scope.node as NodeRow).parent_id : scope.parentId;
  if (from !== undefined && from !== ROOT) for (const a of (await q.ancestry(driveId, from)).chain) above.add(a.node_id);
  if (nodeId === ROOT) above.delete(ROOT);
  const under = new Set<string>();
  if (scope.deep && scope.node !== undefined && scope.node !== ROOT && scope.node.kind === 'folder') for (const n of await q.subtree(driveId, scope.node)) under.add(n.node_id);
  if (scope.deep && scope.node === ROOT) for (const l of locks) under.add(l.node_id);
  const membership = scope.membership !== false && scope.parentId !== undefined;
  return locks.filter((l) =>
    l.node_id === nodeId
    || (membership && l.node_id === scope.parentId)
    || (l.depth === 'infinity' && above.has(l.node_id))
    || under.has(l.node_id));
}
