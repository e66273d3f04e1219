// Implementation notes — the drive over WebDAV (RFC 4918 class 1 and 2) at /dav/files/<login>/….
// - Core's engine has authenticated the user, decoded the path and refused `.`/`..`,
//   encoded slashes and control characters; here every segment is NFC-normalized, so
//   names are the same whatever form the client's file system uses.
// - A user reaches only their own drive: any other home is 403, whatever exists there.
// - Bodies of PUT stream into the blob store; GET streams from the blob's file.
// - Writes check the If header and locks (lock-check.ts) before anything is appended.
// - One file per method; errors are core errors, mapped to statuses by the engine.
import type { BlobStore } from '../../../core/blobs/index.ts';
import type { DavContext, DavTreeBackend } from '../../../core/dav/types.ts';
import { ForbiddenError } from '../../../core/errors.ts';
import { normalizeName } from '../node/names.ts';
import type { DriveService } from '../service/drive-service.ts';
import { copy } from './copy.ts';
import { del } from './delete.ts';
import { FILES_PREFIX, textResponse, type FilesRequest } from './files-request.ts';
import { get } from './get.ts';
import { lock } from './lock.ts';
import type { LockStore } from './lock-store.ts';
import { mkcol } from './mkcol.ts';
import { move } from './move.ts';
import { propfind } from './propfind.ts';
import { proppatch } from './proppatch.ts';
import { put } from './put.ts';
import { unlock } from './unlock.ts';
import { filesRootPropfind } from './files-root.ts';
import { resolveDavScope, type SharedEntry } from './dav-scope.ts';
import { sharedDir } from './shared-dir.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';

/**
 * Methods that change something at the request URL: refused in a folder shared read-only.
 * COPY is not one: it only reads its source, and the write right on its destination is
 * checked by the service's copyTo (copy.ts).
 */
const WRITE_METHODS = new Set(['PUT', 'MKCOL', 'DELETE', 'MOVE', 'PROPPATCH', 'LOCK', 'UNLOCK']);

/** Principal property naming the user's files home (no standard one exists; clients that know Cairn look for it). */
export const FILES_HOME_SET = '{http://cairn.invalid/ns/dav}files-home-set';

export interface DriveDavDeps { service: () => DriveService; locks: () => LockStore; blobs: () => BlobStore; auth: () => AuthService }

/**
 * The FilesRequest for /dav/files/<segments…> as `method` sees it (also the destination
 * of an assembled chunked upload): only the viewer's own home, read-only shares refuse writes.
 */
export async function openFilesRequest(
  deps: DriveDavDeps,
  r: { raw: Request; ctx: DavContext; segments: string[]; method: string; incoming?: import('node:http').IncomingMessage },
): Promise<(FilesRequest & { kind: 'files' }) | { kind: 'shared-dir'; entries: SharedEntry[] }> {
  const { raw, ctx, segments, method, incoming } = r;
  if (segments[0]!.toLowerCase() !== ctx.user.email.toLowerCase()) throw new ForbiddenError("that is not your drive", 'foreign_drive');
  const service = deps.service();
  const scope = await resolveDavScope(deps.auth(), service, ctx, segments.slice(1).map(normalizeName), WRITE_METHODS.has(method));
  if (scope.kind === 'shared-dir') return scope;
  if (scope.right === 'read' && WRITE_METHODS.has(method)) throw new ForbiddenError('this folder is shared with you read-only', 'read_only');
  return {
    kind: 'files', raw, ...(incoming ? { incoming } : {}), ctx, service, locks: deps.locks(), auth: deps.auth(), login: ctx.user.email, drive: scope.drive, names: scope.names,
    base: scope.base, root: scope.root, right: scope.right, sharedVirtual: scope.sharedVirtual,
    target: await service.queries.resolve(scope.drive.drive_id, scope.names, scope.root),
  };
}

export function driveDavBackend(deps: DriveDavDeps): DavTreeBackend {
  return {
    kind: 'tree',
    root: 'files',
    davClasses: ['2'],
    methods: ['COPY', 'MOVE', 'LOCK', 'UNLOCK'],
    homeSetProperty: FILES_HOME_SET,
    async handle({ raw, ctx, segments, incoming }) {
      const method = raw.method.toUpperCase();
      if (segments.length === 0) {
        if (method === 'PROPFIND') return filesRootPropfind(raw, ctx);
        return textResponse(405, 'nothing to do here: your files are under your login', { Allow: 'OPTIONS, PROPFIND' });
      }
      const req = await openFilesRequest(deps, { raw, ctx, segments, method, ...(incoming ? { incoming } : {}) });
      if (req.kind === 'shared-dir') return sharedDir(raw, ctx, req.entries);
      switch (method) {
        case 'PROPFIND': return propfind(req);
        case 'PROPPATCH': return proppatch(req);
        case 'GET': return get(req, deps.blobs(), false);
        case 'HEAD': return get(req, deps.blobs(), true);
        case 'PUT': return put(req);
        case 'MKCOL': return mkcol(req);
        case 'DELETE': return del(req);
        case 'COPY': return copy(req);
        case 'MOVE': return move(req);
        case 'LOCK': return lock(req);
        case 'UNLOCK': return unlock(req);
        default:
          return textResponse(405, `${method} is not supported on files`, { Allow: 'OPTIONS, PROPFIND, PROPPATCH, GET, HEAD, PUT, MKCOL, DELETE, COPY, MOVE, LOCK, UNLOCK' });
      }
    },
  };
}

