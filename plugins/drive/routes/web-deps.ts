import type { Context } from 'hono';
import type { BlobStore } from '../../../core/blobs/index.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { CairnEnv } from '../../../core/http/env.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import type { IdentityApi } from '../../../core/identity/identity-api.ts';
import type { LinkService } from '../link/link-service.ts';
import { requireAccess, type Access, type Scope } from '../service/access.ts';
import type { DriveService } from '../service/drive-service.ts';
import { ROOT } from '../service/queries.ts';

export interface DriveWebDeps {
  service: () => DriveService;
  links: () => LinkService;
  blobs: () => BlobStore;
  /** The appliance's public URL, for share links people copy. */
  publicUrl: () => string;
  auth: () => AuthService;
  /** Grants for sharing folders with people. */
  identity: () => IdentityApi;
  /** Presence of people (`chat.presence`) when the chat plugin is enabled, shown beside those a folder is shared with. */
  presence?: () => { statusOf(userIds: readonly string[]): Promise<Map<string, { presence: string }>> } | undefined;
}

export function uiMetadata(c: Context<CairnEnv>, actor = c.var.user!.id): EventMetadata {
  return { actor, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() };
}

/**
 * Where a browser request acts: the viewer's own drive (no `drive` parameter, or their
 * own id), or a folder someone shared with them, with at least `need` on `nodeId`.
 */
export async function webScope(deps: DriveWebDeps, c: Context<CairnEnv>, driveParam: string | undefined, nodeId: string, need: Access): Promise<Scope> {
  const own = await deps.service().personalDrive(c.var.user!, uiMetadata(c));
  if (!driveParam || driveParam === own.drive_id) return { driveId: own.drive_id, right: 'owner', rootId: ROOT };
  return requireAccess(deps.auth(), deps.service().queries, c.var.user!, driveParam, nodeId, need);
}

export const linkUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/drive/s/${token}`;


/** Messages for the error codes a drive action can end with; anything else gets the generic one. */
export const ERRORS: Record<string, string> = {
  name_taken: 'An item with that name is already there.',
  invalid_name: 'That name cannot be used (no “/”, at most 255 bytes).',
  parent_missing: 'That folder no longer exists.',
  quota_exceeded: 'There is not enough space left in your drive.',
  destination_full: 'There is not enough space left in the drive of the folder you chose (its owner’s quota).',
  copy_into_self: 'A folder cannot be copied into itself.',
  move_into_self: 'A folder cannot be moved into itself.',
  is_folder: 'A folder has that name.',
  not_found: 'That item no longer exists.',
  upload_needs_folder: 'Upload links are for folders.',
  bad_link_password: 'A link password has at least 4 characters.',
  bad_expiry: 'The expiry must be in the future.',
  subtree_too_large: 'That folder is too large to do this in one go.',
  version_conflict: 'Someone changed this at the same time. Try again.',
  restore_failed: 'That moment cannot be restored.',
  insufficient_right: 'You may only look at this folder.',
  no_such_user: 'Nobody in your organization has that email address.',
  share_self: 'That is you.',
};
export const errorText = (code: string | undefined) => (code ? ERRORS[code] ?? 'That did not work. Try again.' : undefined);

export const DONE: Record<string, string> = {
  folder: 'Folder created',
  renamed: 'Renamed',
  moved: 'Moved',
  copied: 'Copied here',
  trashed: 'Moved to the trash — restore it from the Trash',
  restored: 'Restored',
  purged: 'Deleted forever',
  emptied: 'The trash is empty',
  version: 'That version is the current one again',
  link: 'Link created',
  revoked: 'Link revoked',
  folder_restored: 'Folder restored',
  shared: 'Shared',
  starred: 'Added to favorites',
  unstarred: 'Removed from favorites',
  unshared: 'No longer shared with them',
};
