// ID (RFC 2971): the client's parameters are read and ignored; we name ourselves.
import { nstring } from '../response/imap-string.ts';
import { ANY_STATE, defineCommand } from './command.ts';

/** RFC 2971 §3.3: at most 30 field-value pairs. */
const MAX_ID_PAIRS = 30;

export const idCommand = defineCommand({
  name: 'ID',
  states: ANY_STATE,
  parse(r) {
    r.sp();
    if (r.acceptKeyword('NIL')) {
      r.end();
      return null;
    }
    const items = r.list(() => (r.acceptKeyword('NIL') ? null : r.string()));
    r.end();
    return items.slice(0, MAX_ID_PAIRS * 2);
  },
  async run(s) {
    s.out.untagged(`ID ("name" "Cairn" "vendor" "Cairn" "support-url" ${nstring(`https://${s.ctx.hostname}/`)})`);
    return {};
  },
});
