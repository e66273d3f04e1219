// Every size and count limit of chat, each with the reason it exists.

/** Characters in one message: long enough for a pasted log excerpt, short enough to render fast. */
export const MAX_MESSAGE_CHARS = 16_000;
/** Channel names are sidebar labels. */
export const MAX_CHANNEL_NAME = 64;
/** Purpose and header are one or two lines under the channel name. */
export const MAX_CHANNEL_TEXT = 500;
/** A group DM bigger than this is a channel (matches Slack and Mattermost). */
export const MAX_GROUP_DM_MEMBERS = 8;
/** Messages per page in a channel or thread: one screenful and a bit. */
export const PAGE_SIZE = 50;
/** Upper bound a client may ask for per page; keeps a single response small. */
export const MAX_PAGE_SIZE = 200;
/** A reaction is one emoji or a short :shortcode:. */
export const MAX_EMOJI_CHARS = 32;
/** Distinct users one message may mention; beyond that use @channel. */
export const MAX_MENTIONS = 50;
/** Custom status text is shown beside a name. */
export const MAX_STATUS_TEXT = 100;
/** Search results per query; a search is for finding, not exporting. */
export const MAX_SEARCH_RESULTS = 100;
/** Members above which /call warns before ringing everyone. */
export const CALL_WARN_MEMBERS = 7;
/** Events replayed to a reconnecting SSE client; a longer gap reloads the page instead. */
export const MAX_CATCH_UP_EVENTS = 5_000;
/** Keep-alive comment interval on SSE; proxies close idle connections after ~60 s. */
export const SSE_PING_MS = 25_000;
/** A typing indicator disappears if not renewed within this. */
export const TYPING_TTL_MS = 6_000;
/** No activity for this long turns an online user "away". */
export const AWAY_AFTER_MS = 10 * 60_000;
/** How long an invitation link is valid. */
export const INVITATION_TTL_MS = 14 * 86_400_000;
/** Bytes of a JSON request body the chat API reads. */
export const MAX_JSON_BODY = 64 * 1024;
/** Bot command names: /[a-z0-9-] so they are typed easily and never collide with paths. */
export const COMMAND_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
/** How long an outgoing call (bot command, assistant) may take before we give up. */
export const OUTGOING_TIMEOUT_MS = 10_000;
/** Messages of context sent to the assistant. */
export const ASSISTANT_CONTEXT_MESSAGES = 20;
/** One attached file: big enough for photos, documents and short clips; bigger belongs in drive. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** Files on one message. */
export const MAX_ATTACHMENTS = 10;
/** An upload must be attached within this long (uploads are remembered per user in memory). */
export const UPLOAD_TTL_MS = 60 * 60_000;
/** Unread messages counted per channel; the badge shows "999+" beyond (counting further costs time and tells nothing). */
export const MAX_UNREAD_COUNT = 1_000;
