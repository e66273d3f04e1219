/**
 * Directories of the data directory that hold keys rather than user data: not events,
 * but a copy or restore without them would not be the same server (new TLS pair, DKIM
 * keys that no longer match the DNS records published for them).
 */
export const KEY_DIRS = ['tls', 'dkim'] as const;
