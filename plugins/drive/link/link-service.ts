// Share links: a token in a URL that opens one file or folder, to anyone (public) or to
// signed-in people who have access to it anyway (restricted), optionally behind a
// password and until an expiry time, for download only or also for upload (drop box).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventLog } from '../../../core/events/event-log.ts';
import { handleCommand } from '../../../core/events/handle-command.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import { hashPassword, verifyPassword, MAX_PASSWORD_LENGTH } from '../../../core/identity/passwords.ts';
import { newId } from '../../../core/ids.ts';
import { linkStream } from '../events.ts';
import type { DriveQueries, NodeRow } from '../service/queries.ts';
import { linkDecider } from './decide.ts';

/** Random bytes in a link token: 192 bits, unguessable and still short enough to paste. */
const TOKEN_BYTES = 24;
/** Shortest link password: it protects a link, not an account, but "1" protects nothing. */
export const MIN_LINK_PASSWORD = 4;
/** How long an unlocked password link stays unlocked in that browser. */
export const UNLOCK_SECONDS = 12 * 3600;

export interface LinkRow {
  link_id: string; token: string; drive_id: string; node_id: string; created_by: string;
  access: 'public' | 'restricted'; permission: 'download' | 'upload';
  password_hash: string | null; expires_at: string | null; created_at: string; revoked_at: string | null;
}

export interface LinkInput { access: 'public' | 'restricted'; permission: 'download' | 'upload'; password?: string; expiresAt?: Date }

export type LinkOpening =
  | { state: 'ok'; link: LinkRow; node: NodeRow }
  | { state: 'password'; link: LinkRow }
  | { state: 'signin' }
  | { state: 'gone' };

/** The unlock cookie; its path is the link's own (/drive/s/<token>), so each link has its own. */
export const UNLOCK_COOKIE = 'drive_link_unlock';

/** Proof that this browser gave the password: an HMAC keyed by the (secret) password hash. */
export function unlockProof(link: Pick<LinkRow, 'link_id' | 'password_hash'>): string {
  return createHmac('sha256', link.password_hash ?? '').update(`unlock:${link.link_id}`).digest('base64url');
}

export function createLinkService(deps: { db: Kysely<any>; events: EventLog; auth: AuthService; queries: DriveQueries }) {
  const q = deps.queries;
  const byToken = async (token: string) =>
    (await deps.db.selectFrom('drive_links').selectAll().where('token', '=', token).executeTakeFirst()) as LinkRow | undefined;

  return {
    async create(driveId: string, nodeId: string, input: LinkInput, metadata: EventMetadata): Promise<LinkRow> {
      const node = await q.node(driveId, nodeId);
      if (!node || node.trashed_at !== null) throw new NotFoundError('no such file or folder');
      if (input.permission === 'upload' && node.kind !== 'folder') throw new ValidationError('upload links are for folders', { code: 'upload_needs_folder' });
      if (input.password !== undefined && (input.password.length < MIN_LINK_PASSWORD || input.password.length > MAX_PASSWORD_LENGTH)) {
        throw new ValidationError(`a link password has ${MIN_LINK_PASSWORD} to ${MAX_PASSWORD_LENGTH} characters`, { code: 'bad_link_password' });
      }
      if (input.expiresAt !== undefined && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt.getTime() <= Date.parse(metadata.time))) {
        throw new ValidationError('the expiry must be in the future', { code: 'bad_expiry' });
      }
      const linkId = newId();
      await handleCommand(deps.events, linkStream(linkId), linkDecider, {
        type: 'create',
        link: {
          linkId, driveId, nodeId, token: randomBytes(TOKEN_BYTES).toString('base64url'), createdBy: metadata.actor,
          access: input.access, permission: input.permission,
          passwordHash: input.password === undefined ? null : await hashPassword(input.password),
          expiresAt: input.expiresAt?.toISOString() ?? null,
        },
      }, { metadata });
      return (await deps.db.selectFrom('drive_links').selectAll().where('link_id', '=', linkId).executeTakeFirstOrThrow()) as LinkRow;
    },

    /** Live links of a drive (or of one item in it), newest first. */
    async list(driveId: string, nodeId?: string): Promise<LinkRow[]> {
      let query = deps.db.selectFrom('drive_links').selectAll().where('drive_id', '=', driveId).where('revoked_at', 'is', null);
      if (nodeId) query = query.where('node_id', '=', nodeId);
      return (await query.orderBy('created_at', 'desc').execute()) as LinkRow[];
    },

    async revoke(driveId: string, linkId: string, metadata: EventMetadata): Promise<void> {
      const row = await deps.db.selectFrom('drive_links').select('drive_id').where('link_id', '=', linkId).executeTakeFirst();
      if (!row || row.drive_id !== driveId) throw new NotFoundError('no such link');
      await handleCommand(deps.events, linkStream(linkId), linkDecider, { type: 'revoke' }, { metadata });
    },

    /**
     * What a visitor gets for a token: the item, a password prompt, a request to sign
     * in, or nothing (unknown, revoked, expired, item gone, or no access: all look alike).
     */
    async open(token: string, viewer: SessionUser | undefined, proof: string | undefined, now = Date.now()): Promise<LinkOpening> {
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return { state: 'gone' };
      const link = await byToken(token);
      if (!link || link.revoked_at !== null) return { state: 'gone' };
      if (link.expires_at !== null && Date.parse(link.expires_at) <= now) return { state: 'gone' };
      const { chain, reachable } = await q.ancestry(link.drive_id, link.node_id);
      const node = chain[0];
      if (!node || !reachable || node.trashed_at !== null) return { state: 'gone' };
      if (link.access === 'restricted') {
        if (!viewer) return { state: 'signin' };
        const drive = await q.drive(link.drive_id);
        let allowed = drive?.owner_id === viewer.id;
        for (const n of chain) {
          if (allowed) break;
          allowed = (await deps.auth.rightOn(viewer, `drive-folder:${n.node_id}`)) !== undefined || (await deps.auth.rightOn(viewer, `drive-file:${n.node_id}`)) !== undefined;
        }
        if (!allowed) return { state: 'gone' };
      }
      if (link.password_hash !== null) {
        const expected = Buffer.from(unlockProof(link));
        const given = Buffer.from(proof ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { state: 'password', link };
      }
      return { state: 'ok', link, node };
    },

    /** A live, unexpired link by its token (for the password form). */
    async find(token: string, now = Date.now()): Promise<LinkRow | undefined> {
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
      const link = await byToken(token);
      if (!link || link.revoked_at !== null || (link.expires_at !== null && Date.parse(link.expires_at) <= now)) return undefined;
      return link;
    },

    /** Checks a link password; the caller then sets the unlock cookie. */
    async unlock(link: LinkRow, password: string): Promise<boolean> {
      if (link.password_hash === null) return true;
      if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) return false;
      return verifyPassword(password, link.password_hash);
    },

    /** The item at `names` inside a folder link; never above the link's own item. */
    async within(link: LinkRow, root: NodeRow, names: readonly string[]): Promise<NodeRow> {
      let node = root;
      for (const name of names) {
        if (node.kind !== 'folder') throw new NotFoundError('no such file or folder');
        const next = await q.child(link.drive_id, node.node_id, name.normalize('NFC'));
        if (!next) throw new NotFoundError('no such file or folder');
        node = next;
      }
      return node;
    },

    requireUpload(link: LinkRow, node: NodeRow): void {
      if (link.permission !== 'upload' || node.kind !== 'folder') throw new ForbiddenError('this link does not allow uploads', 'link_download_only');
    },
  };
}

export type LinkService = ReturnType<typeof createLinkService>;
