// Search by name across drives: besides one's own drive (searchByName), the folders
// colleagues shared with the user. A hit counts only inside the shared folder's subtree
// (the rest of that person's drive is not the user's to see), which is checked by
// walking the hit's ancestry up to the shared folder.
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import { sharedWithMe } from './access.ts';
import type { DriveQueries, NodeRow } from './queries.ts';

export interface SharedHit {
  node: NodeRow;
  /** The shared folder the hit was found in (its drive is node.drive_id). */
  share: NodeRow;
  /** Folder names from the shared folder down to the hit's parent. */
  path: string[];
}

/**
 * Candidate rows read per shared folder before the subtree filter: names that match
 * elsewhere in the owner's drive must not crowd out the ones inside the share.
 */
export const SHARED_SEARCH_SCAN = 1_000;

export async function searchShared(auth: AuthService, q: DriveQueries, user: SessionUser, text: string, limit: number): Promise<SharedHit[]> {
  const out: SharedHit[] = [];
  for (const { node: share } of await sharedWithMe(auth, q, user)) {
    for (const hit of await q.searchByName(share.drive_id, text, SHARED_SEARCH_SCAN)) {
      if (hit.node_id === share.node_id) continue;
      const { chain, reachable } = await q.ancestry(share.drive_id, hit.node_id);
      const at = chain.findIndex((n) => n.node_id === share.node_id);
      if (!reachable || at < 0) continue;
      out.push({ node: hit, share, path: chain.slice(1, at + 1).reverse().map((n) => n.name) });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
