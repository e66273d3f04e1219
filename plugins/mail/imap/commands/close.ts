// CLOSE (RFC 9051 §6.4.1): silently expunges \Deleted messages (unless read-only), then deselects.
import { SELECTED, defineCommand, noArgs } from './command.ts';

export const closeCommand = defineCommand({
  name: 'CLOSE',
  states: SELECTED,
  parse: noArgs,
  async run(s, _args, tag) {
    const sel = s.requireSelected();
    if (!sel.readOnly) {
      const metas = await s.ctx.store.messages(sel.id);
      const deleted = metas.filter((m) => m.flags.includes('\\Deleted') && sel.has(m.uid)).map((m) => m.uid);
      if (deleted.length > 0) await s.ctx.store.expunge(sel.id, deleted, s.meta(tag));
    }
    s.deselect();
    return {};
  },
});
