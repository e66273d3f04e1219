// Events of the outbound queue. One stream per queued item, `mail-outbound:<queueId>`;
// an item is one message to one recipient, so every event speaks of exactly one
// delivery and a DSN names exactly one Final-Recipient (RFC 3464 §2.3).
//
// Lifecycle: OutboundQueued → (DeliveryAttempted → DeliveryDeferred)* →
// DeliveryAttempted → Delivered | Bounced. Times the worker decided (next attempt) are
// in the payload so the projection stays a pure function of the events. An
// administrator may, while an item waits (queued or deferred), move its next attempt
// to now (DeliveryRescheduled) or cancel it (DeliveryCancelled: dropped, no DSN).
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const queueId = z.string().min(1).max(64);
/** Envelope addresses: '' is the null sender (RFC 5321 §4.5.5). */
const address = z.string().max(320);
const text = z.string().max(2_000);

export const outboundQueued = z.object({
  queueId,
  /** The user on whose behalf it is sent (submission, redirection, auto reply). */
  userId: z.string().nullable(),
  sender: address,
  recipient: address.min(3),
  /** The message bytes as they will be sent (DKIM-signed, Bcc removed), a blob. */
  sha256,
  size: z.number().int().nonnegative(),
  origin: z.enum(['submission', 'redirect', 'autoreply']),
  /** Message-ID header, for the DSN. */
  messageId: z.string().max(998).nullable(),
  /** ms epoch: first attempt (now) and give-up time (RFC 5321 §4.5.4.1). */
  nextAttemptAt: z.number().int(),
  expiresAt: z.number().int(),
});

export const deliveryAttempted = z.object({
  queueId,
  attempt: z.number().int().positive(),
});

export const delivered = z.object({
  queueId,
  attempt: z.number().int().positive(),
  /** The host that took it (MX name or smarthost), and its reply. */
  host: z.string().max(255),
  response: text,
});

export const deliveryDeferred = z.object({
  queueId,
  attempt: z.number().int().positive(),
  host: z.string().max(255).nullable(),
  /** SMTP reply code when a server answered, null for connection/DNS errors. */
  code: z.number().int().nullable(),
  error: text,
  nextAttemptAt: z.number().int(),
});

export const bounced = z.object({
  queueId,
  attempt: z.number().int().nonnegative(),
  host: z.string().max(255).nullable(),
  code: z.number().int().nullable(),
  /** RFC 3463 status, e.g. 5.1.1; 4.4.7 when the item expired. */
  status: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/),
  error: text,
  reason: z.enum(['rejected', 'expired']),
  /** Whether a DSN went to the sender (never for the null sender). */
  dsnSent: z.boolean(),
});

export const deliveryRescheduled = z.object({
  queueId,
  /** ms epoch: the new next attempt (the time of the request: "retry now"). */
  nextAttemptAt: z.number().int(),
});

export const deliveryCancelled = z.object({
  queueId,
  /** Attempts made before it was cancelled. */
  attempts: z.number().int().nonnegative(),
});

export const smtpEvents: Record<string, z.ZodType> = {
  'mail.OutboundQueued': outboundQueued,
  'mail.DeliveryAttempted': deliveryAttempted,
  'mail.Delivered': delivered,
  'mail.DeliveryDeferred': deliveryDeferred,
  'mail.Bounced': bounced,
  'mail.DeliveryRescheduled': deliveryRescheduled,
  'mail.DeliveryCancelled': deliveryCancelled,
};

export type OutboundQueued = z.infer<typeof outboundQueued>;
export type DeliveryAttempted = z.infer<typeof deliveryAttempted>;
export type Delivered = z.infer<typeof delivered>;
export type DeliveryDeferred = z.infer<typeof deliveryDeferred>;
export type Bounced = z.infer<typeof bounced>;
export type DeliveryRescheduled = z.infer<typeof deliveryRescheduled>;
export type DeliveryCancelled = z.infer<typeof deliveryCancelled>;

export type OutboundEvent =
  | { type: 'mail.OutboundQueued'; data: OutboundQueued }
  | { type: 'mail.DeliveryAttempted'; data: DeliveryAttempted }
  | { type: 'mail.Delivered'; data: Delivered }
  | { type: 'mail.DeliveryDeferred'; data: DeliveryDeferred }
  | { type: 'mail.Bounced'; data: Bounced }
  | { type: 'mail.DeliveryRescheduled'; data: DeliveryRescheduled }
  | { type: 'mail.DeliveryCancelled'; data: DeliveryCancelled };

export const outboundStream = (id: string) => `mail-outbound:${id}`;
