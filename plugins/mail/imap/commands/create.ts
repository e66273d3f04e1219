// CREATE (RFC 9051 §6.3.4) with USE (CREATE-SPECIAL-USE, RFC 6154 §3).
import type { SpecialUse } from '../../store/types.ts';
import { badSyntax, refused } from '../imap-error.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';

const USES = new Map<string, SpecialUse>(
  (['\\Drafts', '\\Sent', '\\Archive', '\\Junk', '\\Trash', '\\All', '\\Flagged'] as SpecialUse[]).map((u) => [u.toLowerCase(), u]),
);

export const createCommand = defineCommand({
  name: 'CREATE',
  states: AUTHENTICATED,
  parse(r, s) {
    r.sp();
    const name = s.mailboxFromWire(r.astring('a mailbox name'));
    let uses: string[] = [];
    if (r.accept(' ')) {
      r.list(() => {
        const p = r.atom('a CREATE parameter').toUpperCase();
        if (p !== 'USE') throw badSyntax(`Unknown CREATE parameter ${p}`);
        r.sp();
        uses = r.list(() => r.flag(), { allowEmpty: false });
      }, { allowEmpty: false });
    }
    r.end();
    return { name, uses };
  },
  async run(s, { name, uses }) {
    const user = s.requireUser();
    // RFC 9051 §6.3.4: creating INBOX is an error.
    if (name === 'INBOX') throw refused('ALREADYEXISTS', 'INBOX always exists');
    if (uses.length > 1) throw refused('USEATTR', 'One special use per mailbox');
    let specialUse: SpecialUse | null = null;
    if (uses.length === 1) {
      const u = USES.get(uses[0]!.toLowerCase());
      // RFC 6154 §3: USEATTR when the attribute is not supported.
      if (!u) throw refused('USEATTR', `Special use ${uses[0]!.slice(0, 30)} not supported`);
      specialUse = u;
    }
    await s.ctx.store.createMailbox(user.id, name, { specialUse }, s.meta());
    return {};
  },
});
