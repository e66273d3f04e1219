// Flags on the wire (RFC 9051 §2.3.2).

/** The system flags we store; \Recent is not kept (removed in IMAP4rev2, RFC 9051 §2.3.2). */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

const CANONICAL = new Map<string, string>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));

/** "(\Seen $Forwarded)" */
export function formatFlags(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

/** System flags in their RFC spelling; keywords as given. */
export function canonicalFlag(flag: string): string {
  return CANONICAL.get(flag.toLowerCase()) ?? flag;
}

/** The FLAGS response at SELECT (RFC 9051 §7.3.5). */
export const FLAGS_RESPONSE = `FLAGS ${formatFlags(SYSTEM_FLAGS)}`;
/** "\*": clients may create keywords (RFC 9051 §7.1, PERMANENTFLAGS). */
export const PERMANENT_FLAGS = `PERMANENTFLAGS ${formatFlags([...SYSTEM_FLAGS, '\\*'])}`;
