// UNSUBSCRIBE (RFC 9051 §6.3.8)
import { AUTHENTICATED, defineCommand } from './command.ts';

export const unsubscribeCommand = defineCommand({
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const name = s.mailboxFromWire(r.astring('a mailbox name'));
    r.end();
    return name;
  },
  async run(s, name) {
    await s.ctx.store.unsubscribe(s.requireUser().id, name, s.meta());
    return {};
  },
});
