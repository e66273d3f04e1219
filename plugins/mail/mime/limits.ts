// Every bound the indexer applies, with why. The index travels inside the
// mail.MessageAppended event (MAX_EVENT_BYTES, 1 MB), so besides protecting CPU and
// memory the limits keep any message — hostile or just odd — appendable: when the
// index of a message comes out too large, it is built again with tighter limits.

/** Nesting of multiparts and encapsulated messages; real mail stays under 10, and recursion must stay far from the stack limit. */
export const MAX_MIME_DEPTH = 50;
/** Parts in one message; beyond it the rest of the enclosing body is one opaque part (clients cannot show more anyway). */
export const MAX_MIME_PARTS = 1000;
/** Addresses kept per address header: a "To" of thousands must not blow the event size. */
export const MAX_ADDRESSES_PER_LIST = 1000;
/** Characters kept of one header-derived string (a parameter, a Content-Description, a name): 998 is the RFC 5322 line limit, with room for folded values. */
export const MAX_VALUE_CHARS = 2048;
/** Parameters kept per Content-Type / Content-Disposition; real ones have 1–4. */
export const MAX_PARAMS = 64;
/** Message-ids kept from References (the first, the root of the thread, and the most recent ones, which threading uses). */
export const MAX_REFERENCES = 50;
/** JSON size of an index above which it is rebuilt with tighter limits: half the event limit, leaving room for the rest of the event. */
export const MAX_INDEX_JSON_CHARS = 512 * 1024;

export interface IndexLimits {
  maxDepth: number;
  maxParts: number;
  maxAddresses: number;
  maxValueChars: number;
  maxParams: number;
}

export const DEFAULT_LIMITS: IndexLimits = {
  maxDepth: MAX_MIME_DEPTH, maxParts: MAX_MIME_PARTS, maxAddresses: MAX_ADDRESSES_PER_LIST, maxValueChars: MAX_VALUE_CHARS, maxParams: MAX_PARAMS,
};

/** Second and third tries for messages whose index is too large with the defaults. */
export const FALLBACK_LIMITS: readonly IndexLimits[] = [
  { maxDepth: 20, maxParts: 200, maxAddresses: 100, maxValueChars: 512, maxParams: 16 },
  { maxDepth: 5, maxParts: 20, maxAddresses: 5, maxValueChars: 128, maxParams: 4 },
];

export function cap(value: string, limits: IndexLimits): string {
  return value.length > limits.maxValueChars ? value.slice(0, limits.maxValueChars) : value;
}

export function capOrNull(value: string | null, limits: IndexLimits): string | null {
  return value === null ? null : cap(value, limits);
}
