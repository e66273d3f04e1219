import { describe, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../../core/errors.ts';
import { SPEC_TIME, spec } from '../../../../core/identity/spec-helpers.ts';
import { outboundItemDecider } from './outbound-item.ts';

const item = spec(outboundItemDecider);
const now = Date.parse(SPEC_TIME);
const queueId = 'q1';
const queued = { type: 'mail.OutboundQueued', data: { queueId, userId: 'U1', sender: 'a@example.org', recipient: 'b@remote.test', sha256: 'a'.repeat(64), size: 10, origin: 'submission', messageId: null, nextAttemptAt: now - 1_000, expiresAt: now + 86_400_000 } };
const attempted = (attempt: number) => ({ type: 'mail.DeliveryAttempted', data: { queueId, attempt } });
const deferred = (attempt: number, nextAttemptAt: number) => ({ type: 'mail.DeliveryDeferred', data: { queueId, attempt, host: 'mx.remote.test', code: 451, error: 'try later', nextAttemptAt } });
const cancelled = { type: 'mail.DeliveryCancelled', data: { queueId, attempts: 0 } };
const waitingLater = [queued, attempted(1), deferred(1, now + 300_000)];

describe('an outbound item, for the administrator', () => {
  it('retry now moves a later attempt to now; an item already due is left alone', () => {
    item.given(waitingLater).when({ type: 'retryNow', queueId }).then([{ type: 'mail.DeliveryRescheduled', data: { queueId, nextAttemptAt: now } }]);
    item.given([queued]).when({ type: 'retryNow', queueId }).thenNothing();
    item.given([...waitingLater, { type: 'mail.DeliveryRescheduled', data: { queueId, nextAttemptAt: now } }]).when({ type: 'retryNow', queueId }).thenNothing();
  });

  it('cancel drops a waiting item, once', () => {
    item.given(waitingLater).when({ type: 'cancel', queueId }).then([{ type: 'mail.DeliveryCancelled', data: { queueId, attempts: 1 } }]);
    item.given([queued]).when({ type: 'cancel', queueId }).then([cancelled]);
    item.given([queued, cancelled]).when({ type: 'cancel', queueId }).thenNothing();
  });

  it('refuses an item being sent right now, a finished one, and an unknown one', () => {
    item.given([queued, attempted(1)]).when({ type: 'cancel', queueId }).thenThrows(ConflictError, 'queue_item_sending');
    item.given([queued, attempted(1)]).when({ type: 'retryNow', queueId }).thenThrows(ConflictError, 'queue_item_sending');
    item.given([queued, attempted(1), { type: 'mail.Delivered', data: { queueId, attempt: 1, host: 'mx', response: '250 ok' } }]).when({ type: 'cancel', queueId }).thenThrows(ConflictError, 'queue_item_finished');
    item.given([queued, cancelled]).when({ type: 'retryNow', queueId }).thenThrows(ConflictError, 'queue_item_finished');
    item.given([]).when({ type: 'retryNow', queueId }).thenThrows(NotFoundError, 'queue_item_not_found');
  });
});
