// DELETE (RFC 9051 §6.3.5): INBOX and mailboxes with children cannot be deleted (the store decides).
import { refused } from '../imap-error.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';

export const deleteCommand = defineCommand({
  name: 'DELETE',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const name = s.mailboxFromWire(r.astring('a mailbox name'));
    r.end();
    return name;
  },
  async run(s, name) {
    const user = s.requireUser();
    if (name === 'INBOX') throw refused('CANNOT', 'INBOX cannot be deleted');
    if (!(await s.ctx.store.mailboxByName(user.id, name))) throw refused('NONEXISTENT', 'No such mailbox');
    await s.ctx.store.deleteMailbox(user.id, name, s.meta());
    return {};
  },
});
