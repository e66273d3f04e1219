// Size and count limits shared by the MX and submission servers, each with why.

/** Largest message accepted (SIZE, RFC 1870): 50 MiB, what the big providers take after base64 (~37 MiB of attachments). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
/** RCPT TO per transaction: RFC 5321 §4.5.3.1.8 requires accepting at least 100. */
export const MAX_RECIPIENTS = 100;
/** Received fields after which a message is taken to be looping (RFC 5321 §6.3: "a very large number, at least 100"). */
export const MAX_RECEIVED_HEADERS = 100;
/** Open connections per client address: a busy remote MTA uses a handful; more is a flood. */
export const MAX_CONNECTIONS_PER_IP = 50;
/** Open connections per server: bounds memory (each can buffer one message). */
export const MAX_CLIENTS = 1_000;
/** Idle time before we hang up: RFC 5321 §4.5.3.2.7 asks servers to wait at least 5 minutes. */
export const SERVER_SOCKET_TIMEOUT_MS = 5 * 60_000;
/** At shutdown, how long open sessions get to finish their transaction. */
export const SHUTDOWN_GRACE_MS = 5_000;
/**
 * Pause before the 220 greeting. smtp-server's fixed 100 ms early-talker trap is a spam
 * heuristic that Cairn does not score anyway, and it costs every connection 100 ms: with
 * 0 the greeting goes out as soon as the client is accepted, and a client that speaks
 * before it is still refused ("421 You talk too soon").
 */
export const GREETING_DELAY_MS = 0;

/** The smtp-server options every Cairn SMTP port shares: limits, timeouts, no reverse lookups of its own. */
export function commonServerOptions(opts: { hostname: string; banner: string; sizeLimit: number; greetingDelayMs?: number }) {
  return {
    name: opts.hostname,
    banner: opts.banner,
    greetingDelayMs: opts.greetingDelayMs ?? GREETING_DELAY_MS,
    logger: false,
    size: opts.sizeLimit,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    maxRecipients: MAX_RECIPIENTS,
    maxClients: MAX_CLIENTS,
    socketTimeout: SERVER_SOCKET_TIMEOUT_MS,
    closeTimeout: SHUTDOWN_GRACE_MS,
    // Reverse lookups go through our injectable resolver (which skips local addresses).
    disableReverseLookup: true,
  } as const;
}
