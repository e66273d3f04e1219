import type { createMailStore } from './mail-store.ts';

export interface Recipient { name?: string; email: string }

/** Sent messages looked at: the last few hundred are who the user writes to now. */
export const RECENT_SENT_MESSAGES = 300;

/**
 * People the user recently wrote to, from the To and Cc of their Sent messages, newest
 * first, one entry per address (compose autocomplete, contacts' "suggested contacts").
 */
export async function recentRecipients(store: ReturnType<typeof createMailStore>, userId: string, limit = RECENT_SENT_MESSAGES): Promise<Recipient[]> {
  const sent = await store.mailboxBySpecialUse(userId, '\\Sent');
  if (!sent) return [];
  const metas = await store.messages(sent.id);
  const uids = metas.slice(-limit).map((m) => m.uid);
  const recs = await store.messageRecords(sent.id, uids);
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const r of recs.reverse()) {
    for (const a of [...(r.envelope.to ?? []), ...(r.envelope.cc ?? [])]) {
      const email = a.mailbox && a.host ? `${a.mailbox}@${a.host}` : undefined;
      if (!email || seen.has(email.toLowerCase())) continue;
      seen.add(email.toLowerCase());
      out.push(a.name ? { name: a.name, email } : { email });
    }
  }
  return out;
}

/** `Name <address>` or the bare address, as typed in an address field. */
export function formatRecipient(r: Recipient): string {
  return r.name ? `${/[",<>@]/.test(r.name) ? JSON.stringify(r.name) : r.name} <${r.email}>` : r.email;
}
