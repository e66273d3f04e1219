// Every size and count limit of the IMAP server, each with the reason for its value.
// createImapServer takes a Partial<ImapLimits> (tests and the benchmark lower or raise
// them); these are the defaults.
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP } from '../../../core/net/index.ts';

/**
 * Longest command line (bytes up to CRLF, literals excluded). RFC 7162 §4 asks servers to
 * take at least 8,192 octets; clients resynchronizing a large mailbox send long UID sets,
 * so we take 64 KiB — still small enough that a garbage stream is refused quickly.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Largest message APPEND accepts (advertised as APPENDLIMIT, RFC 7889). It matches the
 * store's own message size limit (50 MiB), which is also what SMTP accepts, so a message
 * that arrived by mail can always be appended back (a client moving mail between servers).
 */
export const APPEND_LIMIT = 50 * 1024 * 1024;

/**
 * Largest literal in any command other than APPEND (LOGIN passwords, SEARCH strings,
 * mailbox names). None of those needs more than a few kilobytes.
 */
export const MAX_LITERAL_BYTES = 64 * 1024;

/**
 * Largest literal before authentication: only LOGIN and AUTHENTICATE arguments are
 * legal there, and an anonymous peer must not make us hold more.
 */
export const MAX_LITERAL_BYTES_UNAUTHENTICATED = 8 * 1024;

/**
 * Largest whole command (lines plus literals) other than APPEND's message. Bounds what one
 * command can make us buffer; 1 MiB is far above any real SEARCH or STORE.
 */
export const MAX_COMMAND_BYTES = 1024 * 1024;

/**
 * Deepest parenthesized nesting in a command (SEARCH keys, FETCH lists). Real clients nest
 * two or three levels; the bound keeps the recursive-descent parser off the stack limit.
 */
export const MAX_NESTING_DEPTH = 16;

/**
 * Consecutive commands that fail with BAD before we say BYE: a client that keeps sending
 * garbage is either broken or probing, and no progress is being made.
 */
export const MAX_BAD_COMMANDS = 20;

/**
 * Commands a connection may send before it authenticates. A real client needs a handful
 * (CAPABILITY, ID, STARTTLS, LOGIN); more is a scanner keeping a slot busy.
 */
export const MAX_COMMANDS_BEFORE_AUTH = 50;

/**
 * Failed LOGIN / AUTHENTICATE attempts per connection before BYE. The auth service also
 * throttles per login and per IP; this makes a guesser pay a new connection every few tries.
 */
export const MAX_FAILED_AUTHS_PER_CONNECTION = 3;

/**
 * Authenticated connections per user at once, across the server. Thunderbird keeps 5 per
 * account and a user has a few devices; 50 leaves room while bounding a runaway client.
 */
export const MAX_CONNECTIONS_PER_USER = 50;

/**
 * Autologout timer: RFC 9051 §5.4 requires at least 30 minutes of inactivity before a
 * server may close an authenticated connection (clients re-IDLE every 29 minutes).
 */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Commands read ahead of the one running (pipelining). Past this we stop reading the socket
 * until the queue drains, so a client cannot make us buffer an unbounded backlog.
 */
export const MAX_PIPELINED_COMMANDS = 32;

/**
 * Messages loaded from the store per batch while answering FETCH: bounds the memory of
 * one `FETCH 1:* (ENVELOPE BODYSTRUCTURE)` on a large mailbox while keeping queries few.
 */
export const FETCH_BATCH = 1000;

/**
 * Bytes of each message a SEARCH TEXT/BODY scans when no search index is given. Bodies
 * beyond this are mostly attachments, which a substring scan of encoded bytes cannot match anyway.
 */
export const SEARCH_SCAN_BYTES = 256 * 1024;

/**
 * Messages a SEARCH TEXT/BODY scans without a search index; beyond it the search is
 * refused with NO [LIMIT] rather than reading gigabytes for one command.
 */
export const SEARCH_SCAN_MESSAGES = 20_000;

/**
 * Delay between a change-feed notice and the untagged responses sent to an idling client.
 * Coalesces a burst (a MOVE of 1,000 messages) into one batch of responses.
 */
export const IDLE_NOTIFY_DELAY_MS = 20;

export interface ImapLimits {
  maxLineBytes: number;
  appendLimit: number;
  maxLiteralBytes: number;
  maxLiteralBytesUnauthenticated: number;
  maxCommandBytes: number;
  maxNestingDepth: number;
  maxBadCommands: number;
  maxCommandsBeforeAuth: number;
  maxFailedAuths: number;
  maxConnectionsPerUser: number;
  /** Listener-level: see core/net DEFAULT_MAX_CONNECTIONS. */
  maxConnections: number;
  /** Listener-level: see core/net DEFAULT_MAX_CONNECTIONS_PER_IP. */
  maxConnectionsPerIp: number;
  idleTimeoutMs: number;
  maxPipelinedCommands: number;
  fetchBatch: number;
  searchScanBytes: number;
  searchScanMessages: number;
  idleNotifyDelayMs: number;
}

export const DEFAULT_IMAP_LIMITS: Readonly<ImapLimits> = Object.freeze({
  maxLineBytes: MAX_LINE_BYTES,
  appendLimit: APPEND_LIMIT,
  maxLiteralBytes: MAX_LITERAL_BYTES,
  maxLiteralBytesUnauthenticated: MAX_LITERAL_BYTES_UNAUTHENTICATED,
  maxCommandBytes: MAX_COMMAND_BYTES,
  maxNestingDepth: MAX_NESTING_DEPTH,
  maxBadCommands: MAX_BAD_COMMANDS,
  maxCommandsBeforeAuth: MAX_COMMANDS_BEFORE_AUTH,
  maxFailedAuths: MAX_FAILED_AUTHS_PER_CONNECTION,
  maxConnectionsPerUser: MAX_CONNECTIONS_PER_USER,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  maxConnectionsPerIp: DEFAULT_MAX_CONNECTIONS_PER_IP,
  idleTimeoutMs: IDLE_TIMEOUT_MS,
  maxPipelinedCommands: MAX_PIPELINED_COMMANDS,
  fetchBatch: FETCH_BATCH,
  searchScanBytes: SEARCH_SCAN_BYTES,
  searchScanMessages: SEARCH_SCAN_MESSAGES,
  idleNotifyDelayMs: IDLE_NOTIFY_DELAY_MS,
});
