// One outbound item (stream mail-outbound:<queueId>) as an aggregate, for what an
// administrator may do to it: "retry now" and "cancel". State + evolve and decide, pure;
// the time comes in the metadata. The worker appends its own events (attempt, outcome)
// at the item's version, so an administrator's command and an attempt never both win:
// whichever appends second gets a ConcurrencyError and is decided again.
import type { Decider } from '../../../../core/events/handle-command.ts';
import type { EventMetadata, NewEvent, StoredEvent } from '../../../../core/events/types.ts';
import { ConflictError, NotFoundError } from '../../../../core/errors.ts';
import type { OutboundEvent } from '../events.ts';
import type { OutboundStatus } from './outbound-projection.ts';

export interface OutboundItemState {
  /** undefined: no such item. */
  status: OutboundStatus | undefined;
  attempts: number;
  nextAttemptAt: number;
}

export type OutboundItemCommand = { type: 'retryNow'; queueId: string } | { type: 'cancel'; queueId: string };

export const initialOutboundItem = (): OutboundItemState => ({ status: undefined, attempts: 0, nextAttemptAt: 0 });

export function evolveOutboundItem(s: OutboundItemState, event: StoredEvent): OutboundItemState {
  const e = event as unknown as OutboundEvent;
  switch (e.type) {
    case 'mail.OutboundQueued': return { status: 'queued', attempts: 0, nextAttemptAt: e.data.nextAttemptAt };
    case 'mail.DeliveryAttempted': return { ...s, status: 'sending', attempts: e.data.attempt };
    case 'mail.DeliveryDeferred': return { ...s, status: 'deferred', nextAttemptAt: e.data.nextAttemptAt };
    case 'mail.Delivered': return { ...s, status: 'delivered' };
    case 'mail.Bounced': return { ...s, status: 'bounced' };
    case 'mail.DeliveryRescheduled': return { ...s, nextAttemptAt: e.data.nextAttemptAt };
    case 'mail.DeliveryCancelled': return { ...s, status: 'cancelled' };
    default: return s;
  }
}

/** Only a waiting item can be changed; one being sent right now is a conflict to retry in a moment. */
function waiting(s: OutboundItemState): void {
  if (s.status === undefined) throw new NotFoundError('No such message in the queue.', 'queue_item_not_found');
  if (s.status === 'sending') throw new ConflictError('The message is being sent right now; try again in a moment.', 'queue_item_sending');
  if (s.status !== 'queued' && s.status !== 'deferred') throw new ConflictError(`The message is already ${s.status}.`, 'queue_item_finished');
}

export function decideOutboundItem(c: OutboundItemCommand, s: OutboundItemState, meta: EventMetadata): NewEvent[] {
  if (c.type === 'cancel') {
    if (s.status === 'cancelled') return [];
    waiting(s);
    return [{ type: 'mail.DeliveryCancelled', data: { queueId: c.queueId, attempts: s.attempts } }];
  }
  waiting(s);
  const now = Date.parse(meta.time);
  if (s.nextAttemptAt <= now) return []; // already due: the worker takes it on its next look
  return [{ type: 'mail.DeliveryRescheduled', data: { queueId: c.queueId, nextAttemptAt: now } }];
}

export const outboundItemDecider: Decider<OutboundItemState, OutboundItemCommand> = {
  initialState: initialOutboundItem,
  evolve: evolveOutboundItem,
  decide: decideOutboundItem,
};
