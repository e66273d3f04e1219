// CAPABILITY (RFC 9051 §6.1.1)
import { ANY_STATE, defineCommand, noArgs } from './command.ts';

export const capabilityCommand = defineCommand({
  name: 'CAPABILITY',
  states: ANY_STATE,
  parse: noArgs,
  async run(s) {
    s.out.untagged(`CAPABILITY ${s.capabilities()}`);
    return {};
  },
});
