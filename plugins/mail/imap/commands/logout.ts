// LOGOUT (RFC 9051 §6.1.3): BYE, then the tagged OK, then the server closes.
import { ANY_STATE, defineCommand, noArgs } from './command.ts';

export const logoutCommand = defineCommand({
  name: 'LOGOUT',
  states: ANY_STATE,
  parse: noArgs,
  async run(s, _args, tag) {
    s.deselect();
    s.out.untagged('BYE Logging out');
    s.out.write(`${tag} OK LOGOUT completed\r\n`);
    s.closeAfterReply();
    return null;
  },
});
