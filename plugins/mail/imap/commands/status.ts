// STATUS (RFC 9051 §6.3.11; SIZE RFC 8438; HIGHESTMODSEQ RFC 7162 §3.1.9). Also used by
// LIST-STATUS (RFC 5819).
import type { MailboxInfo } from '../../store/types.ts';
import { badSyntax, refused } from '../imap-error.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';

const ITEMS = new Set(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED', 'RECENT']);

export function parseStatusItems(r: ArgReader): string[] {
  return r.list(() => {
    const item = r.atom('a STATUS item').toUpperCase();
    if (!ITEMS.has(item)) throw badSyntax(`Unknown STATUS item ${item}`);
    return item;
  }, { allowEmpty: false });
}

/** "* STATUS <name> (<item> <value> ...)" */
export async function statusLine(s: ImapSession, info: MailboxInfo, items: readonly string[]): Promise<string> {
  if (items.includes('HIGHESTMODSEQ')) s.enableCondstore();
  let deleted = 0;
  if (items.includes('DELETED')) {
    const metas = await s.ctx.store.messages(info.id);
    for (const m of metas) if (m.flags.includes('\\Deleted')) deleted++;
  }
  const values: Record<string, number> = {
    MESSAGES: info.messages,
    UIDNEXT: info.uidNext,
    UIDVALIDITY: info.uidValidity,
    UNSEEN: info.unseen,
    HIGHESTMODSEQ: info.highestModseq,
    SIZE: info.size,
    DELETED: deleted,
    // \Recent is not kept (RFC 9051 §2.3.2).
    RECENT: 0,
  };
  return `STATUS ${s.mailboxToWire(info.name)} (${items.map((i) => `${i} ${values[i]}`).join(' ')})`;
}

export const statusCommand = defineCommand({
  name: 'STATUS',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const name = s.mailboxFromWire(r.astring('a mailbox name'));
    r.sp();
    const items = parseStatusItems(r);
    r.end();
    return { name, items };
  },
  async run(s, { name, items }) {
    const info = await s.ctx.store.mailboxByName(s.requireUser().id, name);
    if (!info) throw refused('NONEXISTENT', 'No such mailbox');
    s.out.untagged(await statusLine(s, info, items));
    return {};
  },
});
