import { z } from 'zod';

/** Latest file time a client may declare: year 9999 (what dates in HTTP headers can say). */
export const MAX_MTIME_MS = 253_402_300_799_000;

const id = z.string().min(1).max(64);
/** A node name as stored: NFC, 1..255 UTF-8 bytes, no '/' or NUL (see node/names.ts). */
const name = z.string().min(1).max(255);
/** Parent folder id; '' is the drive's root. */
const parentId = z.string().max(64);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** Dead properties: Clark name → the serialized XML of the property element. */
const props = z.record(z.string().max(512), z.string().max(16_384));

export const driveEvents = {
  'drive.DriveCreated': z.object({ driveId: id, ownerId: id, name: z.string().max(200), quotaBytes: z.number().int().nonnegative() }),
  'drive.QuotaChanged': z.object({ driveId: id, quotaBytes: z.number().int().nonnegative() }),
  'drive.FolderCreated': z.object({ driveId: id, nodeId: id, parentId, name }),
  /** A new file, or a new version of one (version counts from 1). */
  'drive.FileWritten': z.object({
    driveId: id, nodeId: id, parentId, name, sha256, size: z.number().int().nonnegative(),
    contentType: z.string().max(255), version: z.number().int().positive(),
    /** The file's own modification time (ms since 1970) as the client declared it (X-OC-Mtime); absent: the time of the write. */
    mtime: z.number().int().min(0).max(MAX_MTIME_MS).optional(),
  }),
  /** Rename and/or move in one fact. */
  'drive.NodeMoved': z.object({ driveId: id, nodeId: id, parentId, name }),
  'drive.NodeTrashed': z.object({ driveId: id, nodeId: id }),
  /** Out of the trash, possibly under another name or parent if the old place is taken or gone. */
  'drive.NodeRestored': z.object({ driveId: id, nodeId: id, parentId, name }),
  'drive.NodePurged': z.object({ driveId: id, nodeId: id }),
  'drive.PropertiesChanged': z.object({ driveId: id, nodeId: id, set: props, remove: z.array(z.string().max(512)).max(1000) }),
  /** A share link to a file or folder. The token is kept (owners copy the link again later); a password only as its scrypt hash. */
  'drive.LinkCreated': z.object({
    linkId: id, driveId: id, nodeId: id, token: z.string().min(20).max(64), createdBy: id,
    access: z.enum(['public', 'restricted']), permission: z.enum(['download', 'upload']),
    passwordHash: z.string().max(300).nullable(), expiresAt: z.string().max(40).nullable(),
  }),
  'drive.LinkRevoked': z.object({ linkId: id }),
  /** A user's favorites (a star on a file or folder of a drive they can reach). */
  'drive.FavoriteAdded': z.object({ userId: id, driveId: id, nodeId: id }),
  'drive.FavoriteRemoved': z.object({ userId: id, nodeId: id }),
};

export type DriveEventType = keyof typeof driveEvents;
export type DriveEvent = { [K in DriveEventType]: { type: K; data: z.infer<(typeof driveEvents)[K]>; blobs?: readonly string[] } }[DriveEventType];
export type NodeEvent = Exclude<DriveEvent, { type: 'drive.DriveCreated' | 'drive.QuotaChanged' | 'drive.LinkCreated' | 'drive.LinkRevoked' | 'drive.FavoriteAdded' | 'drive.FavoriteRemoved' }>;
export type FavoriteEvent = Extract<DriveEvent, { type: 'drive.FavoriteAdded' | 'drive.FavoriteRemoved' }>;
export type LinkEvent = Extract<DriveEvent, { type: 'drive.LinkCreated' | 'drive.LinkRevoked' }>;

export const driveStream = (driveId: string) => `drive-drive:${driveId}`;
/** One stream per node, grouped under its drive so a drive is a stream prefix (restore). */
export const nodeStream = (driveId: string, nodeId: string) => `drive-node:${driveId}:${nodeId}`;
export const driveNodeStreams = (driveId: string) => [`drive-node:${driveId}:*`];
export const linkStream = (linkId: string) => `drive-link:${linkId}`;
export const favoritesStream = (userId: string) => `drive-favorites:${userId}`;
