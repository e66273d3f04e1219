// DELETE (RFC 9051 §6.3.5): INBOX and mailboxes with children cannot be deleted (the store decides).
import { refused } from '../imap-error.ts';
import { AUTHENTICATED, defineCommand, mailboxArg } from './command.ts';

export const deleteCommand = defineCommand({
  name: 'DELETE',
  states: AUTHENTICATED,
  parse: mailboxArg,
  async run(s, name) {
    const user = s.requireUser();
    if (name === 'INBOX') throw refused('CANNOT', 'INBOX cannot be deleted');
    if (!(await s.ctx.store.mailboxByName(user.id, name))) throw refused('NONEXISTENT', 'No such mailbox');
    await s.ctx.store.deleteMailbox(user.id, name, s.meta());
    return {};
  },
});
