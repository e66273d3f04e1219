// CHECK (RFC 3501 §6.4.1; removed in RFC 9051, kept for rev1 clients): every write is
// already durable when acknowledged, so there is nothing to do but report updates.
import { SELECTED, defineCommand, noArgs } from './command.ts';

export const checkCommand = defineCommand({
  name: 'CHECK',
  states: SELECTED,
  parse: noArgs,
  async run() {
    return {};
  },
});
