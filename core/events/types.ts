// Events are facts, past tense, plain JSON. See DESIGN.md "The shape".

export type EventSource = 'ui' | 'api' | 'imap' | 'smtp' | 'dav' | 'cli' | 'system';

export interface EventMetadata {
  /** Who caused it: a user id, 'system', or 'cli'. */
  actor: string;
  source: EventSource;
  requestId?: string;
  /** The command's time (ISO 8601). decide() sees the same value, so it stays pure. */
  time: string;
  [key: string]: unknown;
}

export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  /** sha256 ids of blobs this event refers to (kept by GC while the event is in the retention window). */
  blobs?: readonly string[];
}

export interface StoredEvent<T extends string = string, D = unknown> {
  /** Global position: the appliance's clock (IMAP MODSEQ, DAV sync token, ETag source). */
  position: number;
  stream: string;
  /** 1-based position inside the stream; the stream's version after this event. */
  streamPosition: number;
  type: T;
  data: D;
  metadata: EventMetadata;
  /** Wall-clock ms when it was appended (non-decreasing within a process). */
  recordedAt: number;
}

/**
 * What the writer believes about the stream: an exact version (0 = empty), or one of
 * the three symbolic checks. All four are enforced inside the append transaction.
 */
export type ExpectedVersion = number | 'no-stream' | 'stream-exists' | 'any';

export interface AppendOptions {
  metadata: EventMetadata;
  /** A retried command (SMTP client re-sending, DAV client re-PUTting) carrying the same key appends nothing the second time. */
  idempotencyKey?: string;
}

export interface AppendResult {
  stream: string;
  /** Global positions of the first and last appended event (of the original append when duplicate). */
  firstPosition: number;
  lastPosition: number;
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** True when the idempotency key had been seen: nothing was appended now. */
  duplicate: boolean;
  events: StoredEvent[];
}

export interface StreamRead {
  upToPosition?: number;
  /** ms epoch or Date: only events recorded at or before this time. */
  upToTime?: number | Date;
  fromStreamPosition?: number;
}

export type Evolve<S, E extends StoredEvent = StoredEvent> = (state: S, event: E) => S;
