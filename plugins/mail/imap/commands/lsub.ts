// LSUB (RFC 3501 §6.3.9; deprecated by RFC 9051 but still used by rev1 clients).
import { hasChildren, patternMatcher } from '../message/mailbox-pattern.ts';
import { decodeModifiedUtf7 } from '../response/modified-utf7.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';
import { sortMailboxes } from './list.ts';

export const lsubCommand = defineCommand({
  name: 'LSUB',
  states: AUTHENTICATED,
  parse(r, s) {
    const dec = (w: string) => (s.utf8 ? w : decodeModifiedUtf7(w) ?? w);
    r.sp();
    const reference = dec(r.astring('a reference name'));
    r.sp();
    const pattern = dec(r.listMailbox());
    r.end();
    return { reference, pattern };
  },
  async run(s, { reference, pattern }) {
    const user = s.requireUser();
    const [subs, all] = await Promise.all([s.ctx.store.subscriptions(user.id), s.ctx.store.mailboxes(user.id)]);
    const names = all.map((m) => m.name);
    const existing = new Set(names);
    const match = patternMatcher(reference, pattern);
    for (const { name } of sortMailboxes(subs.map((name) => ({ name })))) {
      if (!match(name)) continue;
      const attrs = existing.has(name) ? (hasChildren(name, names) ? '\\HasChildren' : '\\HasNoChildren') : '\\Noselect';
      s.out.untagged(`LSUB (${attrs}) "/" ${s.mailboxToWire(name)}`);
    }
    return {};
  },
});
