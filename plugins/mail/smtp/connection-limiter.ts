// Open-connection count per client address, for onConnect/onClose. smtp-server only
// has a global maxClients; one address opening hundreds of sessions is a flood whatever
// the global count.
import type { SMTPServerSession } from 'smtp-server';

export class ConnectionLimiter {
  readonly #perIp = new Map<string, number>();
  readonly #counted = new WeakSet<SMTPServerSession>();

  constructor(readonly maxPerIp: number) {}

  /** False when the address already has maxPerIp sessions. */
  acquire(session: SMTPServerSession): boolean {
    const n = this.#perIp.get(session.remoteAddress) ?? 0;
    if (n >= this.maxPerIp) return false;
    this.#perIp.set(session.remoteAddress, n + 1);
    this.#counted.add(session);
    return true;
  }

  /** Safe to call for every closing session, counted or not. */
  release(session: SMTPServerSession): void {
    if (!this.#counted.has(session)) return;
    this.#counted.delete(session);
    const n = (this.#perIp.get(session.remoteAddress) ?? 1) - 1;
    if (n > 0) this.#perIp.set(session.remoteAddress, n);
    else this.#perIp.delete(session.remoteAddress);
  }
}
