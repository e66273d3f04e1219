// The `drive.files` service: what other plugins (webmail attachments as links, calendar
// event attachments) use to let a user pick a file from their drive and share it.
import type { EventMetadata } from '../../core/events/types.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { AuthService } from '../../core/identity/auth-service.ts';
import type { LinkService } from './link/link-service.ts';
import type { DriveService } from './service/drive-service.ts';
import { ROOT } from './service/queries.ts';

export interface PickerItem {
  id: string;
  name: string;
  kind: 'folder' | 'file';
  size: number;
  contentType: string;
  /** ISO 8601 time of the last change. */
  modified: string;
}

export interface ShareLinkRequest {
  /** 'public': anyone with the URL; 'restricted': signed-in people who have access anyway. */
  access: 'public' | 'restricted';
  password?: string;
  expiresAt?: Date;
}

export interface FilesApi {
  /** The items of a folder of the user's own drive (the root when folderId is omitted), folders first, by name. */
  list(userId: string, folderId?: string): Promise<PickerItem[]>;
  /**
   * Saves a file into a folder of the user's own drive (made at the root when missing),
   * keeping both when the name is taken: chat attachments land in "Chat files".
   */
  save(userId: string, folderName: string, name: string, source: Buffer | NodeJS.ReadableStream, contentType: string): Promise<{ id: string; name: string }>;
  /** One live item of the user's own drive by id, or undefined. */
  item(userId: string, nodeId: string): Promise<PickerItem | undefined>;
  /** A download link to one of the user's files or folders; the URL is absolute (the appliance's public URL). */
  createShareLink(userId: string, nodeId: string, request: ShareLinkRequest, source?: EventMetadata['source']): Promise<{ linkId: string; url: string }>;
}

export function createFilesApi(deps: { service: () => DriveService; links: () => LinkService; auth: AuthService; publicUrl: () => string }): FilesApi {
  const driveOf = async (userId: string, metadata: EventMetadata) => {
    const user = await deps.auth.userById(userId);
    if (!user) throw new NotFoundError('no such user');
    return deps.service().personalDrive(user, metadata);
  };
  const meta = (userId: string, source: EventMetadata['source'] = 'api'): EventMetadata => ({ actor: userId, source, time: new Date().toISOString() });
  return {
    async list(userId, folderId = ROOT) {
      const drive = await driveOf(userId, meta(userId));
      return (await deps.service().queries.children(drive.drive_id, folderId)).map((n) => ({
        id: n.node_id, name: n.name, kind: n.kind, size: Number(n.size), contentType: n.content_type, modified: n.modified,
      }));
    },
    async save(userId, folderName, name, source, contentType) {
      const metadata = meta(userId, 'ui');
      const drive = await driveOf(userId, metadata);
      const existing = await deps.service().queries.child(drive.drive_id, ROOT, folderName);
      const folder = existing && existing.kind === 'folder' && !existing.trashed_at ? existing : await deps.service().createFolder(drive.drive_id, ROOT, folderName, metadata);
      const { node } = await deps.service().writeFile(drive.drive_id, folder.node_id, name, { source: source as never, contentType, onConflict: 'keep-both' }, metadata);
      return { id: node.node_id, name: node.name };
    },
    async item(userId, nodeId) {
      const drive = await driveOf(userId, meta(userId));
      const n = await deps.service().queries.node(drive.drive_id, nodeId);
      if (!n || n.trashed_at) return undefined;
      return { id: n.node_id, name: n.name, kind: n.kind, size: Number(n.size), contentType: n.content_type, modified: n.modified };
    },
    async createShareLink(userId, nodeId, request, source = 'api') {
      const drive = await driveOf(userId, meta(userId, source));
      const link = await deps.links().create(drive.drive_id, nodeId, {
        access: request.access, permission: 'download',
        ...(request.password !== undefined ? { password: request.password } : {}),
        ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
      }, meta(userId, source));
      return { linkId: link.link_id, url: `${deps.publicUrl().replace(/\/$/, '')}/drive/s/${link.token}` };
    },
  };
}
