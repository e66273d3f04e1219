// Which names a message mentions. The service turns names into user ids (the event
// stores ids, so renaming a user later does not change who was notified).

export interface ParsedMentions {
  /** Lowercase handles after @ (the local part of an email, or a bot's name). */
  names: string[];
  /** @channel or @all: every member. */
  channel: boolean;
  /** @here: the members online right now. */
  here: boolean;
}

export function parseMentions(text: string): ParsedMentions {
  // Code is quoted, not addressed: mentions inside `code` or fenced blocks do not count.
  const plain = text.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const names = new Set<string>();
  let channel = false;
  let here = false;
  for (const m of plain.matchAll(/(?:^|[^\w@.])@([a-z0-9][a-z0-9._-]{0,63}[a-z0-9]|[a-z0-9])(?![\w@])/gi)) {
    const n = m[1]!.toLowerCase();
    if (n === 'channel' || n === 'all') channel = true;
    else if (n === 'here') here = true;
    else names.add(n);
  }
  return { names: [...names], channel, here };
}

/** The handle people type after @: the local part of the email, lowercased. */
export const handleOf = (email: string) => email.split('@')[0]!.toLowerCase();
