// RENAME (RFC 9051 §6.3.6): children move along; renaming INBOX moves its messages (the store does it).
import { refused } from '../imap-error.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';

export const renameCommand = defineCommand({
  name: 'RENAME',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const from = s.mailboxFromWire(r.astring('a mailbox name'));
    r.sp();
    const to = s.mailboxFromWire(r.astring('a mailbox name'));
    r.end();
    return { from, to };
  },
  async run(s, { from, to }) {
    const user = s.requireUser();
    const store = s.ctx.store;
    if (!(await store.mailboxByName(user.id, from))) throw refused('NONEXISTENT', 'No such mailbox');
    if (await store.mailboxByName(user.id, to)) throw refused('ALREADYEXISTS', 'Target mailbox exists');
    await store.renameMailbox(user.id, from, to, s.meta());
    return {};
  },
});
