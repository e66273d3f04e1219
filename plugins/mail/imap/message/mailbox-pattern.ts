// LIST / LSUB patterns (RFC 9051 §6.3.9): "*" matches anything, "%" anything but the
// hierarchy delimiter; the reference name is prefixed to the pattern.
import { MAILBOX_DELIMITER } from '../../store/types.ts';

export function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  let full = reference + pattern;
  // INBOX is case-insensitive (RFC 9051 §5.1): "inbox", "Inbox/%" name INBOX.
  if (/^inbox(?=$|[/*%])/i.test(full)) full = 'INBOX' + full.slice(5);
  let re = '^';
  for (const ch of full) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += `[^${escape(MAILBOX_DELIMITER)}]*`;
    else re += escape(ch);
  }
  const rx = new RegExp(re + '$', 's');
  return (name) => rx.test(name);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Does any mailbox lie below `name`? (\HasChildren, RFC 3348 / RFC 9051 §7.3.1) */
export function hasChildren(name: string, all: readonly string[]): boolean {
  const prefix = name + MAILBOX_DELIMITER;
  return all.some((n) => n.startsWith(prefix));
}
