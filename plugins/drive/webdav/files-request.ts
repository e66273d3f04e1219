// What every WebDAV method of the drive receives: the authenticated request, the
// viewer's drive and the resolved target. Built once per request by drive-dav.ts.
import type { DavContext } from '../../../core/dav/types.ts';
import { encodeSegment } from '../../../core/dav/multistatus.ts';
import { readRequestText } from '../../../core/dav/read-body.ts';
import type { DriveService } from '../service/drive-service.ts';
import { ROOT, type DriveRow, type NodeRow } from '../service/queries.ts';
import type { LockStore } from './lock-store.ts';
import type { Access } from '../service/access.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';

/** The virtual folder of a home listing the folders others shared with the viewer. */
export const SHARED_DIR = 'Shared';

export const FILES_PREFIX = '/dav/files';

export interface FilesRequest {
  raw: Request;
  /** Node's request when core has it (fast PUT bodies, routes/request-body.ts). */
  incoming?: import('node:http').IncomingMessage;
  ctx: DavContext;
  service: DriveService;
  locks: LockStore;
  auth: AuthService;
  /** The home segment as the viewer's login (email). */
  login: string;
  drive: DriveRow;
  /** NFC names below the scope's root (the home, or a folder shared with the viewer). */
  names: string[];
  /** Names from the home to the scope's root: [] in one's own drive, ['Shared', '<folder>'] in a shared one. */
  base: string[];
  /** The scope's root: the drive's ROOT, or the shared folder. */
  root: NodeRow | typeof ROOT;
  /** What the viewer may do in this scope. */
  right: Access;
  /** True when the home shows the virtual Shared/ folder (the viewer has no item of that name). */
  sharedVirtual: boolean;
  /** The node at `names`, ROOT for the home itself, undefined when nothing is there. */
  target: NodeRow | typeof ROOT | undefined;
}

export const isFolder = (t: NodeRow | typeof ROOT | undefined): boolean => t === ROOT || t?.kind === 'folder';
export const nodeIdOf = (t: NodeRow | typeof ROOT): string => (t === ROOT ? ROOT : t.node_id);

/** The href of a path in a home; folders end with '/'. */
export function hrefOf(login: string, names: readonly string[], folder: boolean): string {
  const path = names.map(encodeSegment).join('/');
  return `${FILES_PREFIX}/${encodeSegment(login)}/${path}${folder && path ? '/' : ''}`;
}

/** The href of a path inside the request's scope. */
export const hrefIn = (req: FilesRequest, names: readonly string[], folder: boolean) => hrefOf(req.login, [...req.base, ...names], folder);

/** The scope's own root (the home, or the shared folder): never deleted, moved or replaced through it. */
export const isScopeRoot = (req: FilesRequest, t: NodeRow | typeof ROOT | undefined) =>
  t === ROOT || (t !== undefined && req.root !== ROOT && t.node_id === req.root.node_id);

/** The parent folder of the target (the scope root for top-level items), or undefined when it is missing or a file. */
export async function parentOf(req: FilesRequest): Promise<NodeRow | typeof ROOT | undefined> {
  const parent = await req.service.queries.resolve(req.drive.drive_id, req.names.slice(0, -1), req.root);
  return isFolder(parent) ? parent : undefined;
}

/** An XML request body as text, refused past `limit` bytes (core's reader, from the raw Request). */
export function readXmlBody(raw: Request, limit: number): Promise<string> {
  return readRequestText(raw, limit);
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}
