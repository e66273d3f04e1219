// SUBSCRIBE (RFC 9051 §6.3.7)
import { AUTHENTICATED, defineCommand } from './command.ts';

export const subscribeCommand = defineCommand({
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const name = s.mailboxFromWire(r.astring('a mailbox name'));
    r.end();
    return name;
  },
  async run(s, name) {
    await s.ctx.store.subscribe(s.requireUser().id, name, s.meta());
    return {};
  },
});
