// UNSELECT (RFC 3691, RFC 9051 §6.4.2): deselect without expunging.
import { SELECTED, defineCommand, noArgs } from './command.ts';

export const unselectCommand = defineCommand({
  name: 'UNSELECT',
  states: SELECTED,
  parse: noArgs,
  async run(s) {
    s.deselect();
    return {};
  },
});
