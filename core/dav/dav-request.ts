// What every DAV method handler receives: the resolved target, the authenticated
// context, the backends and helpers to read the request.
import type { Context } from 'hono';
import type { CairnEnv } from '../http/env.ts';
import type { SessionUser } from '../identity/auth-service.ts';
import type { AuthService } from '../identity/auth-service.ts';
import type { Logger } from '../logger.ts';
import type { GroupInfo } from '../identity/identity-api.ts';
import type { DavCollection, DavCollectionBackend, DavContext, DavTreeBackend } from './types.ts';

export type DavTarget =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'principal'; user: SessionUser }
  | { kind: 'group-principal'; group: GroupInfo }
  | { kind: 'resource-principal'; resource: { id: string; displayName: string; address: string; type: 'ROOM' | 'RESOURCE' } }
  | { kind: 'backend-root'; backend: DavCollectionBackend }
  | { kind: 'home'; backend: DavCollectionBackend; home: SessionUser }
  /** A collection path that does not exist (yet): MKCALENDAR/MKCOL create it. */
  | { kind: 'missing-collection'; backend: DavCollectionBackend; home: SessionUser; slug: string }
  | { kind: 'collection'; backend: DavCollectionBackend; home: SessionUser; collection: DavCollection }
  | { kind: 'object'; backend: DavCollectionBackend; home: SessionUser; collection: DavCollection; name: string };

export interface DavDeps {
  auth: AuthService;
  /** Groups, for group principals (RFC 3744 §4.3 group-member-set / group-membership). */
  groups?: () => Promise<GroupInfo[]>;
  logger: Logger;
  backends: readonly DavCollectionBackend[];
  trees?: readonly DavTreeBackend[];
}

export interface DavRequest {
  c: Context<CairnEnv>;
  ctx: DavContext;
  deps: DavDeps;
  target: DavTarget;
  /** The request path as the client sent it (for hrefs of the target itself). */
  href: string;
}
