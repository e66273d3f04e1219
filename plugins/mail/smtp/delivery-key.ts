// Idempotency keys for deliveries, so that a client retrying a transaction whose 250 it
// never saw (connection dropped after we committed) does not produce a second copy.
//
// The key hashes what the client sent — the message bytes exactly as received (before
// we prepend Received/Authentication-Results, which carry a timestamp), the envelope
// (MAIL FROM and every RCPT TO, sorted) — and what this delivery is for (the local user,
// or the outbound recipient). Each part is length-prefixed so no two different inputs
// hash alike. The event log keeps the key with the append (core_idempotency), so the
// retried append returns the first one's result and writes nothing.
import { createHash } from 'node:crypto';

export type DeliveryKind = 'inbound' | 'submission' | 'sent-copy' | 'outbound' | 'redirect' | 'autoreply' | 'dsn' | 'rule';

export interface KeyEnvelope {
  from: string;
  to: readonly string[];
}

export function deliveryKey(kind: DeliveryKind, raw: Buffer, envelope: KeyEnvelope, target: string): string {
  const h = createHash('sha256');
  const part = (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    h.update(`${b.length}:`);
    h.update(b);
  };
  part(kind);
  part(envelope.from.toLowerCase());
  part([...envelope.to].map((a) => a.toLowerCase()).sort().join('\n'));
  part(target);
  part(raw);
  return `smtp-${kind}:${h.digest('hex')}`;
}

/** A per-target key from the transaction's key: retries of the transaction map to the same derived keys. */
export function derivedKey(base: string, ...parts: string[]): string {
  return `smtp-derived:${createHash('sha256').update([base, ...parts].join('\n')).digest('hex')}`;
}
