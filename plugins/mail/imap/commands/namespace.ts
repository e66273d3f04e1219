// NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace, "/" as delimiter.
import { AUTHENTICATED, defineCommand, noArgs } from './command.ts';

export const namespaceCommand = defineCommand({
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  parse: noArgs,
  async run(s) {
    s.out.untagged('NAMESPACE (("" "/")) NIL NIL');
    return {};
  },
});
