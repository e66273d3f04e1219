// SUBSCRIBE (RFC 9051 §6.3.7)
import { AUTHENTICATED, defineCommand, mailboxArg } from './command.ts';

export const subscribeCommand = defineCommand({
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  parse: mailboxArg,
  async run(s, name) {
    await s.ctx.store.subscribe(s.requireUser().id, name, s.meta());
    return {};
  },
});
