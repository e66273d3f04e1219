// APPEND (RFC 9051 §6.3.12) with APPENDUID (UIDPLUS, RFC 4315 §3), APPENDLIMIT (RFC 7889)
// and the UTF8 form for UTF8=ACCEPT (RFC 6855 §4). The literal was read by the command
// reader, bounded by APPENDLIMIT.
import { refused } from '../imap-error.ts';
import { parseDateTime } from '../parser/dates.ts';
import { canonicalFlag } from '../response/flags.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';

export const appendCommand = defineCommand({
  name: 'APPEND',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const name = s.mailboxFromWire(r.astring('a mailbox name'));
    r.sp();
    let flags: string[] = [];
    let internalDate: number | undefined;
    if (r.peek() === '(') {
      flags = r.list(() => r.flag());
      r.sp();
    }
    if (r.peek() === '"') {
      internalDate = parseDateTime(r.quoted());
      r.sp();
    }
    let raw: Buffer;
    if (r.acceptKeyword('UTF8')) {
      // append-data =/ "UTF8" SP "(" literal8 ")" (RFC 6855 §4)
      r.sp();
      r.open();
      raw = r.literal();
      r.close();
    } else raw = r.literal();
    r.end();
    return { name, flags, internalDate, raw };
  },
  async run(s, { name, flags, internalDate, raw }) {
    const user = s.requireUser();
    if (raw.length > s.ctx.limits.appendLimit) throw refused('TOOBIG', 'Message too large for APPENDLIMIT');
    if (raw.length === 0) throw refused('CANNOT', 'Empty message');
    const store = s.ctx.store;
    const mailbox = await store.mailboxByName(user.id, name);
    // RFC 9051 §6.3.12: TRYCREATE when the target does not exist.
    if (!mailbox) throw refused('TRYCREATE', 'No such mailbox');
    const input: { raw: Buffer; flags: string[]; internalDate?: number } = { raw, flags: flags.map(canonicalFlag).filter((f) => f !== '\\Recent') };
    if (internalDate !== undefined) input.internalDate = internalDate;
    const res = await store.appendMessage(mailbox.id, input, s.meta());
    if (s.selected?.id === mailbox.id) s.selected.markDirty();
    return { code: `APPENDUID ${res.uidValidity} ${res.uid}`, text: 'APPEND completed' };
  },
});
