import type { EventLog } from '../../core/events/event-log.ts';
import type { EventMetadata, NewEvent } from '../../core/events/types.ts';
import { APPEND_BATCH } from './limits.ts';

/**
 * Appends many card streams (imports, restores, group deletes) in batches of APPEND_BATCH,
 * all handed to the log at once so its group commit folds them into a few transactions
 * (one fsync each, not one per batch). Each batch is atomic; when one fails (a concurrent
 * edit of one of its cards) the call fails after the others have committed.
 */
export async function appendInBatches(events: EventLog, appends: readonly { stream: string; expected: number; events: NewEvent[] }[], metadata: EventMetadata): Promise<void> {
  const batches: Promise<unknown>[] = [];
  for (let i = 0; i < appends.length; i += APPEND_BATCH) batches.push(events.appendMulti(appends.slice(i, i + APPEND_BATCH), { metadata }));
  const results = await Promise.allSettled(batches);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
