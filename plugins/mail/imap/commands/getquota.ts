// GETQUOTA (RFC 9208 §4.2): one quota root, "", with the STORAGE resource in KiB.
import { refused } from '../imap-error.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';

/** "* QUOTA "" (STORAGE <used KiB> <limit KiB>)"; no resources when unlimited. */
export async function quotaLine(s: ImapSession): Promise<string> {
  const q = await s.ctx.store.quota(s.requireUser().id);
  // RFC 9208 §5.1: STORAGE is in units of 1024 octets.
  const resources = q.limitBytes === null ? '' : `STORAGE ${Math.ceil(q.usedBytes / 1024)} ${Math.floor(q.limitBytes / 1024)}`;
  return `QUOTA "" (${resources})`;
}

export const getquotaCommand = defineCommand({
  name: 'GETQUOTA',
  states: AUTHENTICATED,
  parse(r) {
    r.sp();
    const root = r.astring('a quota root');
    r.end();
    return root;
  },
  async run(s, root) {
    if (root !== '') throw refused('NONEXISTENT', 'No such quota root');
    s.out.untagged(await quotaLine(s));
    return {};
  },
});
