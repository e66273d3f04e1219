// Limits of chunked uploads (Nextcloud chunking v2 over WebDAV, and the browser's
// resumable uploads), each with the reason for its value.

/** Chunks in one upload: Nextcloud's chunking v2 numbers them 1–10,000, and its clients stay within that count. */
export const MAX_CHUNKS = 10_000;

/**
 * Largest chunk: Nextcloud clients send 10–100 MiB; past 1 GiB a failed chunk costs
 * as much to send again as the whole file would, which defeats chunking.
 */
export const MAX_CHUNK_BYTES = 1024 ** 3;

/**
 * Uploads a user may have open at once: sync clients run a handful in parallel; more
 * is a leak (abandoned transfers) that would hold disk until the purge.
 */
export const MAX_OPEN_UPLOADS_PER_USER = 50;

/** An upload nobody touched for this long is abandoned: the purge removes it and its chunks. */
export const UPLOAD_TTL_MS = 24 * 60 * 60_000;

/** How often abandoned uploads are looked for: hourly keeps them within an hour of due. */
export const UPLOAD_PURGE_INTERVAL_MS = 60 * 60_000;

/** Upload ids are chosen by clients (Nextcloud's are random words): plain segments only, so they are safe as directory names. */
export const UPLOAD_ID_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

