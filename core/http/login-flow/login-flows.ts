// Implementation notes — Nextcloud Login Flow v2 state.
// - A flow is transient state, not user data (DESIGN.md "Not everything is an event"):
//   it lives in memory for at most FLOW_LIFETIME_MS, so a restart simply makes the
//   client start a new one. The app password a grant creates *is* user data (an
//   identity event); only its clear text waits here, until the client polls once.
// - Two secrets per flow: the poll token (only the client knows it; it buys the
//   password) and the flow token (in the URL the browser opens; it only shows the
//   grant page to a signed-in user). Both come from crypto.randomBytes and are kept
//   only as SHA-256 digests, so looking one up compares digests, never the secret, and
//   a memory dump does not hold usable tokens.
// - The start endpoint is anonymous, so the table is bounded twice: in total and per
//   client address (IPv6 by /64, as login throttling does). Flows are created in time
//   order with one lifetime, so the expired ones are always at the front of the map.
// - A grant claims the flow first (synchronously), so two concurrent Grant clicks
//   cannot make two app passwords for one flow.
import { createHash, randomBytes } from 'node:crypto';
import { RateLimitedError } from '../../errors.ts';
import { ipBucket } from '../../identity/throttle.ts';

/** How long a flow waits for the grant and the poll: Nextcloud's own 20 minutes, which clients are written against. */
export const FLOW_LIFETIME_MS = 20 * 60_000;
/** Flows pending at once: each is a few hundred bytes, and no organization starts this many device sign-ins within 20 minutes. */
export const MAX_PENDING_FLOWS = 1000;
/** Flows pending from one address: a person setting up a few devices, while a loop from one host cannot fill the table for everyone. */
export const MAX_PENDING_FLOWS_PER_IP = 10;
/** Random bytes per token: 48 bytes are 64 base64url characters, as many as Nextcloud's clients expect at least. */
const TOKEN_BYTES = 48;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{64}$/;

export interface LoginFlowCredentials {
  server: string;
  loginName: string;
  appPassword: string;
}

export interface LoginFlowView {
  /** The device as named from the client's User-Agent (device-label.ts). */
  device: string;
  state: 'pending' | 'granting' | 'granted';
}

interface Flow {
  flowKey: string;
  pollKey: string;
  ip: string;
  device: string;
  server: string;
  expiresAt: number;
  state: LoginFlowView['state'];
  credentials?: LoginFlowCredentials;
}

export interface LoginFlowsOptions {
  now?: () => number;
  lifetimeMs?: number;
  maxPending?: number;
  maxPendingPerIp?: number;
}

/** A flow claimed for granting; hand it back to grant() or release(). */
export interface LoginFlowClaim { readonly key: string; readonly device: string }

export class LoginFlows {
  readonly #byFlow = new Map<string, Flow>();
  readonly #byPoll = new Map<string, Flow>();
  readonly #perIp = new Map<string, number>();
  readonly #now: () => number;
  readonly #lifetimeMs: number;
  readonly #maxPending: number;
  readonly #maxPendingPerIp: number;

  constructor(opts: LoginFlowsOptions = {}) {
    this.#now = opts.now ?? (() => Date.now());
    this.#lifetimeMs = opts.lifetimeMs ?? FLOW_LIFETIME_MS;
    this.#maxPending = opts.maxPending ?? MAX_PENDING_FLOWS;
    this.#maxPendingPerIp = opts.maxPendingPerIp ?? MAX_PENDING_FLOWS_PER_IP;
  }

  /** Opens a flow; RateLimitedError when the table or the address has too many pending. */
  start(opts: { ip: string; device: string; server: string }): { pollToken: string; flowToken: string } {
    const now = this.#now();
    this.#sweep(now);
    const ip = ipBucket(opts.ip);
    if (this.#byFlow.size >= this.#maxPending) throw new RateLimitedError(this.#retryAfter(now), 'too many sign-ins are pending, try again later');
    if ((this.#perIp.get(ip) ?? 0) >= this.#maxPendingPerIp) throw new RateLimitedError(this.#retryAfter(now, ip), 'too many sign-ins are pending from this address, try again later');
    const flowToken = randomBytes(TOKEN_BYTES).toString('base64url');
    const pollToken = randomBytes(TOKEN_BYTES).toString('base64url');
    const flow: Flow = { flowKey: digest(flowToken), pollKey: digest(pollToken), ip, device: opts.device, server: opts.server, expiresAt: now + this.#lifetimeMs, state: 'pending' };
    this.#byFlow.set(flow.flowKey, flow);
    this.#byPoll.set(flow.pollKey, flow);
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    return { pollToken, flowToken };
  }

  /** What the grant page shows; undefined for unknown or expired flow tokens. */
  view(flowToken: string): LoginFlowView | undefined {
    const flow = this.#live(this.#byFlow, flowToken);
    return flow ? { device: flow.device, state: flow.state } : undefined;
  }

  /** Claims a pending flow for granting; undefined when it is unknown, expired, or already claimed. */
  claim(flowToken: string): LoginFlowClaim | undefined {
    const flow = this.#live(this.#byFlow, flowToken);
    if (!flow || flow.state !== 'pending') return undefined;
    flow.state = 'granting';
    return { key: flow.flowKey, device: flow.device };
  }

  /** A claim that did not end in a password (the app password could not be made): pending again. */
  release(claim: LoginFlowClaim): void {
    const flow = this.#byFlow.get(claim.key);
    if (flow?.state === 'granting') flow.state = 'pending';
  }

  /**
   * Stores the credentials for the client's next poll. False when the flow expired
   * meanwhile: the caller then revokes the app password nobody will ever receive.
   */
  grant(claim: LoginFlowClaim, credentials: Omit<LoginFlowCredentials, 'server'>): boolean {
    const flow = this.#byFlow.get(claim.key);
    if (!flow || flow.state !== 'granting' || flow.expiresAt <= this.#now()) return false;
    flow.state = 'granted';
    flow.credentials = { server: flow.server, ...credentials };
    return true;
  }

  /** The user said no: a pending flow is gone (its link shows nothing, its poll finds nothing). False when there was none to refuse. */
  deny(flowToken: string): boolean {
    const flow = this.#live(this.#byFlow, flowToken);
    if (!flow || flow.state !== 'pending') return false;
    this.#delete(flow);
    return true;
  }

  /** The credentials, once: the flow is gone after a successful poll. Undefined until granted. */
  poll(pollToken: string): LoginFlowCredentials | undefined {
    const flow = this.#live(this.#byPoll, pollToken);
    const credentials = flow?.credentials;
    if (!flow || !credentials) return undefined;
    this.#delete(flow);
    return credentials;
  }

  get size(): number {
    return this.#byFlow.size;
  }

  #live(map: Map<string, Flow>, token: string): Flow | undefined {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const now = this.#now();
    this.#sweep(now);
    const flow = map.get(digest(token));
    return flow && flow.expiresAt > now ? flow : undefined;
  }

  /** Drops expired flows (and with them any password not collected): they sit at the front of the map. */
  #sweep(now: number): void {
    for (const flow of this.#byFlow.values()) {
      if (flow.expiresAt > now) break;
      this.#delete(flow);
    }
  }

  #delete(flow: Flow): void {
    this.#byFlow.delete(flow.flowKey);
    this.#byPoll.delete(flow.pollKey);
    const n = (this.#perIp.get(flow.ip) ?? 1) - 1;
    if (n > 0) this.#perIp.set(flow.ip, n);
    else this.#perIp.delete(flow.ip);
    delete flow.credentials;
  }

  /** Seconds until the oldest pending flow (of the address, when given) expires and frees a place. */
  #retryAfter(now: number, ip?: string): number {
    for (const flow of this.#byFlow.values()) {
      if (ip === undefined || flow.ip === ip) return Math.max(1, Math.ceil((flow.expiresAt - now) / 1000));
    }
    return 1;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
