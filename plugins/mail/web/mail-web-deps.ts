import type { BlobStore } from '../../../core/blobs/index.ts';
import type { ResolvedConfig } from '../../../core/config/load-config.ts';
import type { EventLog } from '../../../core/events/event-log.ts';
import type { ChangeFeed } from '../../../core/feed/change-feed.ts';
import type { AuthService } from '../../../core/identity/auth-service.ts';
import type { IdentityApi } from '../../../core/identity/identity-api.ts';
import type { Logger } from '../../../core/logger.ts';
import type { MailStoreService } from '../index.ts';
import type { createSearchService } from '../search/search-service.ts';
import type { createMailSettings } from '../settings/mail-settings-service.ts';
import type { SmtpServers } from '../smtp/smtp-servers.ts';
import type { Submitter } from '../smtp/submit-message.ts';

/** What the browser side of mail works with; resolved lazily (after init). */
export interface MailWebDeps {
  store: MailStoreService;
  search: ReturnType<typeof createSearchService>;
  settings: ReturnType<typeof createMailSettings>;
  events: EventLog;
  feed: ChangeFeed;
  auth: AuthService;
  identity: IdentityApi;
  blobs: BlobStore;
  logger: Logger;
  config: ResolvedConfig;
  /** Submission on behalf of the signed-in user (the same path as the SMTP submission port). */
  submit?: Submitter;
  /** The outbound queue and DKIM keys, for the administration page (/mail/admin). */
  smtp?: Pick<SmtpServers, 'queue' | 'dkimDnsRecord'>;
  /** The contacts plugin's directory (`contacts.directory`) when it is enabled. */
  directory?: ContactDirectory;
  /** The drive plugin's file picker (`drive.files`) when it is enabled: attach files as links. */
  driveFiles?: DriveFiles;
  /** Presence of people (`chat.presence`) when the chat plugin is enabled: shown beside a local sender. */
  presence?: { statusOf(userIds: readonly string[]): Promise<Map<string, { presence: string }>> };
}

/** What mail expects of the drive's `drive.files` service. */
export interface DriveFiles {
  list(userId: string, folderId?: string): Promise<{ id: string; name: string; kind: 'folder' | 'file'; size: number; contentType: string; modified: string }[]>;
  item(userId: string, nodeId: string): Promise<{ id: string; name: string; kind: 'folder' | 'file' } | undefined>;
  createShareLink(userId: string, nodeId: string, request: { access: 'public' | 'restricted' }, source?: 'ui'): Promise<{ linkId: string; url: string }>;
}

/**
 * What mail expects of a contact directory (plugins never import each other; the
 * contacts plugin provides a service of this shape as `contacts.directory`).
 */
export interface ContactDirectory {
  suggest(userId: string, query: string, limit?: number): Promise<{ name: string; email: string; kind: 'contact' | 'directory' | 'group'; groupRef?: string }[]>;
  expandGroup(userId: string, groupRef: string): Promise<{ name: string; email: string }[]>;
}

export type MailWebDepsFn = () => MailWebDeps;
