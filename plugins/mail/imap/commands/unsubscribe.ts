// UNSUBSCRIBE (RFC 9051 §6.3.8)
import { AUTHENTICATED, defineCommand, mailboxArg } from './command.ts';

export const unsubscribeCommand = defineCommand({
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  parse: mailboxArg,
  async run(s, name) {
    await s.ctx.store.unsubscribe(s.requireUser().id, name, s.meta());
    return {};
  },
});
