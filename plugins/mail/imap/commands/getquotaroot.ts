// GETQUOTAROOT (RFC 9208 §4.3): every mailbox of an account shares the root "".
import { refused } from '../imap-error.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';
import { quotaLine } from './getquota.ts';

export const getquotarootCommand = defineCommand({
  name: 'GETQUOTAROOT',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const wire = r.astring('a mailbox name');
    const name = s.mailboxFromWire(wire);
    r.end();
    return { name, wire };
  },
  async run(s, { name }) {
    const mailbox = await s.ctx.store.mailboxByName(s.requireUser().id, name);
    if (!mailbox) throw refused('NONEXISTENT', 'No such mailbox');
    s.out.untagged(`QUOTAROOT ${s.mailboxToWire(mailbox.name)} ""`);
    s.out.untagged(await quotaLine(s));
    return {};
  },
});
