// Blobs the outbound queue still needs: every item not yet delivered or bounced. Blob GC
// keeps blobs referenced by events inside the retention window anyway, but an item can
// outlive a short window (retention of 0-4 days against a 5-day queue lifetime), and its
// bytes must stay until it is finished. Register with `r.blobRefs(smtpBlobRefs)`.
import type { Kysely } from 'kysely';

export async function* smtpBlobRefs(db: Kysely<any>): AsyncIterable<string> {
  const rows = await db.selectFrom('mail_outbound').select('sha256').distinct()
    .where('status', 'in', ['queued', 'deferred', 'sending']).execute();
  for (const r of rows) yield r.sha256 as string;
}
