// NOOP (RFC 9051 §6.1.2): does nothing; the session reports pending mailbox updates after it.
import { ANY_STATE, defineCommand, noArgs } from './command.ts';

export const noopCommand = defineCommand({
  name: 'NOOP',
  states: ANY_STATE,
  parse: noArgs,
  async run() {
    return {};
  },
});
