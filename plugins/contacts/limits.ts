// Every size and count limit of the contacts plugin, with the reason for its value.

/**
 * Largest vCard accepted (PUT, form, import), in UTF-8 bytes. The text travels inside
 * one event, and core caps an event's JSON at 1,000,000 bytes (MAX_EVENT_BYTES);
 * JSON escaping of CRLF and folding adds ~7 %, so 768 KiB leaves room for the other
 * fields. It still holds a ~550 KiB photo after base64, several times what phones and
 * Google/Apple exports attach (they scale contact photos to well under 100 KiB).
 */
export const MAX_CARD_BYTES = 768 * 1024;
/** Largest photo upload from the browser form, before base64 (which adds a third). */
export const MAX_PHOTO_BYTES = 512 * 1024;
/** Properties in one vCard: real cards have tens; this bounds parse work per card. */
export const MAX_CARD_PROPERTIES = 2_000;
/** A .vcf import file: 10,000 typical cards are ~5–10 MiB; 64 MiB leaves room for photos. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Cards in one import file: bounds one request's work (and the UI's summary). */
export const MAX_IMPORT_CARDS = 50_000;
/** Card streams appended together during an import or restore: one group commit each, under core's 10,000 events per append. */
export const APPEND_BATCH = 500;
/** Address books a user may own: a list in a sidebar, not a database. */
export const MAX_BOOKS_PER_USER = 200;
/** Display name and description of an address book. */
export const MAX_BOOK_NAME = 200;
export const MAX_BOOK_DESCRIPTION = 2_000;
/** Dead properties a client may store on a book (PROPPATCH), and their total size. */
export const MAX_DEAD_PROPS = 50;
export const MAX_DEAD_PROPS_BYTES = 32 * 1024;
/** Contacts shown per page in the browser list; search narrows further. */
export const LIST_PAGE = 500;
/** Suggestions answered to the mail composer: a dropdown, not a listing. */
export const MAX_SUGGESTIONS = 50;
/** Recently deleted contacts listed for undelete. */
export const RECENTLY_DELETED_PAGE = 200;
/** SQLite bound-parameter budget per statement (the limit is 32,766): rows per multi-row insert. */
export const ROWS_PER_INSERT = 400;
