// "People you write to": addresses the user recently sent mail to (the mail plugin's
// `mail.recipients` service) that are in none of their own address books and are not
// members of the organization (those are in the directory already).
import type { Kysely } from 'kysely';
import type { AuthService, SessionUser } from '../../core/identity/auth-service.ts';

/** What contacts expects of the mail plugin's `mail.recipients` service (plugins never import each other). */
export interface RecentRecipients {
  recent(userId: string, limit?: number): Promise<{ name?: string; email: string }[]>;
}

export interface Suggestion { name: string; email: string }

/** Suggestions shown at once: a page, not an inbox to triage. */
export const MAX_SUGGESTIONS = 50;

export async function suggestedContacts(deps: { db: Kysely<any>; auth: AuthService; recipients: RecentRecipients | undefined }, user: SessionUser): Promise<Suggestion[]> {
  if (!deps.recipients) return [];
  const recent = await deps.recipients.recent(user.id);
  if (recent.length === 0) return [];
  const rows = await deps.db.selectFrom('contacts_cards as c').innerJoin('contacts_books as b', 'b.book_id', 'c.book_id')
    .select('c.emails').where('b.owner', '=', user.id).where('b.deleted_at', 'is', null).where('c.deleted_at', 'is', null).execute();
  const known = new Set<string>();
  for (const r of rows) for (const e of String(r.emails).split('\n')) if (e) known.add(e);
  for (const u of await deps.auth.listUsers()) known.add(u.email.toLowerCase());
  const out: Suggestion[] = [];
  for (const r of recent) {
    const email = r.email.toLowerCase();
    if (known.has(email)) continue;
    known.add(email);
    out.push({ name: r.name ?? '', email: r.email });
    if (out.length >= MAX_SUGGESTIONS) break;
  }
  return out;
}
