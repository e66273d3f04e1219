// Blob garbage collection: a blob stays while any event inside the retention window
// or any read model refers to it (DESIGN.md "Bulk bytes are blobs").
import type { Appliance } from '../appliance.ts';

export async function referencedBlobs(a: Pick<Appliance, 'db' | 'auth' | 'plugins'>, now = Date.now()): Promise<Set<string>> {
  const keep = new Set<string>();
  const days = await a.auth.retentionDays();
  const since = now - days * 86400_000;
  const rows = a.db.raw.prepare('select distinct b.sha256 as sha from core_event_blobs b join core_events e on e.position = b.position where e.recorded_at >= ?').all(since) as { sha: string }[];
  for (const r of rows) keep.add(r.sha);
  for (const p of a.plugins) {
    for (const refs of p.blobRefs) for await (const sha of refs(a.db.kysely)) keep.add(sha);
  }
  return keep;
}

export async function collectBlobGarbage(a: Pick<Appliance, 'db' | 'auth' | 'plugins' | 'blobs'>, opts: { now?: number; graceMs?: number } = {}) {
  const keep = await referencedBlobs(a, opts.now);
  return a.blobs.gc({ isReferenced: (sha) => keep.has(sha), ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}), ...(opts.now !== undefined ? { now: opts.now } : {}) });
}
