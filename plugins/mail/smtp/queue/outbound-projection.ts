// mail_outbound: one row per queued item, its state and when to try next. Inline, so
// the worker that appended an event reads the new state right after; a pure function
// of the events (times come from payloads and metadata, never the clock).
import type { Kysely } from 'kysely';
import { defineProjection, type Projection } from '../../../../core/projections/types.ts';
import type { StoredEvent } from '../../../../core/events/types.ts';
import type { OutboundEvent } from '../events.ts';

export type OutboundStatus = 'queued' | 'sending' | 'deferred' | 'delivered' | 'bounced' | 'cancelled';

export interface OutboundRow {
  queue_id: string;
  user_id: string | null;
  sender: string;
  recipient: string;
  sha256: string;
  size: number;
  origin: string;
  message_id: string | null;
  status: OutboundStatus;
  attempts: number;
  next_attempt_at: number;
  expires_at: number;
  last_host: string | null;
  last_code: number | null;
  last_error: string | null;
  queued_at: number;
  updated_at: number;
  /** Stream version after the last event: the expected version of the next append. */
  version: number;
}

async function apply(event: StoredEvent, db: Kysely<any>): Promise<void> {
  const e = event as unknown as OutboundEvent & StoredEvent;
  const at = Date.parse(event.metadata.time);
  const version = event.streamPosition;
  switch (e.type) {
    case 'mail.OutboundQueued': {
      const d = e.data;
      await db.insertInto('mail_outbound').values({
        queue_id: d.queueId, user_id: d.userId, sender: d.sender, recipient: d.recipient, sha256: d.sha256, size: d.size,
        origin: d.origin, message_id: d.messageId, status: 'queued', attempts: 0, next_attempt_at: d.nextAttemptAt,
        expires_at: d.expiresAt, last_host: null, last_code: null, last_error: null, queued_at: at, updated_at: at, version,
      }).execute();
      return;
    }
    case 'mail.DeliveryAttempted':
      await db.updateTable('mail_outbound').set({ status: 'sending', attempts: e.data.attempt, updated_at: at, version })
        .where('queue_id', '=', e.data.queueId).execute();
      return;
    case 'mail.Delivered':
      await db.updateTable('mail_outbound').set({ status: 'delivered', last_host: e.data.host, last_code: null, last_error: null, updated_at: at, version })
        .where('queue_id', '=', e.data.queueId).execute();
      return;
    case 'mail.DeliveryDeferred':
      await db.updateTable('mail_outbound').set({
        status: 'deferred', last_host: e.data.host, last_code: e.data.code, last_error: e.data.error,
        next_attempt_at: e.data.nextAttemptAt, updated_at: at, version,
      }).where('queue_id', '=', e.data.queueId).execute();
      return;
    case 'mail.Bounced':
      await db.updateTable('mail_outbound').set({ status: 'bounced', last_host: e.data.host, last_code: e.data.code, last_error: e.data.error, updated_at: at, version })
        .where('queue_id', '=', e.data.queueId).execute();
      return;
    case 'mail.DeliveryRescheduled':
      // The status stays (queued or deferred): only the due time moves.
      await db.updateTable('mail_outbound').set({ next_attempt_at: e.data.nextAttemptAt, updated_at: at, version })
        .where('queue_id', '=', e.data.queueId).execute();
      return;
    case 'mail.DeliveryCancelled':
      await db.updateTable('mail_outbound').set({ status: 'cancelled', updated_at: at, version })
        .where('queue_id', '=', e.data.queueId).execute();
      return;
  }
}

export const smtpOutboundProjection: Projection = defineProjection({
  name: 'mail.outbound',
  version: 1,
  // Version 1 still: the two administrator events were added without changing how the
  // others are handled, and no log holds them from before, so nothing needs a rebuild.
  handles: ['mail.OutboundQueued', 'mail.DeliveryAttempted', 'mail.Delivered', 'mail.DeliveryDeferred', 'mail.Bounced', 'mail.DeliveryRescheduled', 'mail.DeliveryCancelled'],
  handle: apply,
  async truncate(db) {
    await db.deleteFrom('mail_outbound').execute();
  },
});

export const smtpProjections: readonly Projection[] = [smtpOutboundProjection];
