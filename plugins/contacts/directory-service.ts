// `contacts.directory`: what the mail composer asks of contacts — address suggestions
// over the user's books, the organization directory and contact groups, and the
// expansion of a group into recipients.
import type { Kysely } from 'kysely';
import type { AuthService, SessionUser } from '../../core/identity/auth-service.ts';
import { NotFoundError } from '../../core/errors.ts';
import { createAccess } from './contacts-access.ts';
import { MAX_SUGGESTIONS } from './limits.ts';

export interface Recipient { name: string; email: string }

export interface Suggestion extends Recipient {
  kind: 'contact' | 'directory' | 'group';
  /** Groups only: pass to expandGroup (`<bookId>/<cardId>`); email is '' for a group. */
  groupRef?: string;
}

export interface DirectoryService {
  /** Matches on name or email, contacts first, then the directory, then groups; at most `limit` (≤ MAX_SUGGESTIONS). */
  suggest(userId: string, query: string, limit?: number): Promise<Suggestion[]>;
  /** The members of a group (first email of each, members without email left out). Throws NotFoundError when the user cannot see it. */
  expandGroup(userId: string, groupRef: string): Promise<Recipient[]>;
}

const likeTerm = (q: string) => `%${q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createDirectoryService(deps: { db: Kysely<any>; auth: AuthService }): DirectoryService {
  const { db, auth } = deps;
  const acc = createAccess(deps);

  async function bookIds(user: SessionUser): Promise<string[]> {
    const { own, shared } = await acc.visibleBooks(user);
    return [...own, ...shared.filter((b) => !b.left)].map((b) => b.id);
  }

  return {
    async suggest(userId, query, limit = 10) {
      const user = await auth.userById(userId);
      if (!user || !query.trim()) return [];
      const max = Math.max(1, Math.min(limit, MAX_SUGGESTIONS));
      const t = likeTerm(query);
      const ids = await bookIds(user);
      const out: Suggestion[] = [];
      const seen = new Set<string>();
      const push = (s: Suggestion) => {
        const key = s.kind === 'group' ? `g:${s.groupRef}` : s.email.toLowerCase();
        if (seen.has(key) || out.length >= max) return;
        seen.add(key);
        out.push(s);
      };
      if (ids.length > 0) {
        const rows = await db.selectFrom('contacts_cards').select(['fn', 'emails']).where('book_id', 'in', ids).where('deleted_at', 'is', null)
          .where('kind', '=', 'individual').where('emails', '!=', '')
          .where((eb) => eb.or([eb(eb.fn('lower', ['fn']), 'like', eb.val(t)), eb('emails', 'like', eb.val(t))]))
          .orderBy('sort_key').limit(max * 2).execute();
        const q = query.trim().toLowerCase();
        for (const r of rows) {
          const emails = (r.emails as string).split('\n');
          const nameHit = (r.fn as string).toLowerCase().includes(q);
          for (const email of emails) if (nameHit || email.includes(q)) push({ name: r.fn as string, email, kind: 'contact' });
        }
      }
      const dir = await db.selectFrom('contacts_directory').select(['display_name', 'email']).where('deleted_at', 'is', null)
        .where((eb) => eb.or([eb(eb.fn('lower', ['display_name']), 'like', eb.val(t)), eb(eb.fn('lower', ['email']), 'like', eb.val(t))]))
        .orderBy('display_name').limit(max).execute();
      for (const r of dir) push({ name: r.display_name as string, email: r.email as string, kind: 'directory' });
      if (ids.length > 0) {
        const groups = await db.selectFrom('contacts_cards').select(['book_id', 'card_id', 'fn']).where('book_id', 'in', ids).where('deleted_at', 'is', null)
          .where('kind', '=', 'group').where((eb) => eb(eb.fn('lower', ['fn']), 'like', eb.val(t))).orderBy('sort_key').limit(max).execute();
        for (const g of groups) push({ name: g.fn as string, email: '', kind: 'group', groupRef: `${g.book_id}/${g.card_id}` });
      }
      return out;
    },

    async expandGroup(userId, groupRef) {
      const user = await auth.userById(userId);
      const [bookId = '', cardId = ''] = groupRef.split('/');
      if (!user || !(await acc.access(user, bookId))) throw new NotFoundError('no such group');
      const g = await db.selectFrom('contacts_cards').select(['kind']).where('book_id', '=', bookId).where('card_id', '=', cardId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!g || g.kind !== 'group') throw new NotFoundError('no such group');
      const rows = await db.selectFrom('contacts_members as m')
        .innerJoin('contacts_cards as c', (j) => j.onRef('c.book_id', '=', 'm.book_id').onRef('c.uid_norm', '=', 'm.member_uid'))
        .select(['c.fn', 'c.emails']).where('m.book_id', '=', bookId).where('m.group_id', '=', cardId).where('c.deleted_at', 'is', null)
        .orderBy('c.sort_key').execute();
      return rows.filter((r) => r.emails).map((r) => ({ name: r.fn as string, email: (r.emails as string).split('\n')[0]! }));
    },
  };
}
