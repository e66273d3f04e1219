// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (UIDPLUS, RFC 4315 §2.1).
import { refused } from '../imap-error.ts';
import type { SequenceSet } from '../parser/sequence-set.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SELECTED, defineCommand, noArgs } from './command.ts';

async function expungeDeleted(s: ImapSession, set: SequenceSet | null, tag: string) {
  const sel = s.requireSelected();
  if (sel.readOnly) throw refused('READ-ONLY', 'Mailbox is read-only');
  const limit = set ? new Set(sel.resolve(set, true, s.savedSearch)) : null;
  const metas = await s.ctx.store.messages(sel.id);
  const targets = metas.filter((m) => m.flags.includes('\\Deleted') && sel.has(m.uid) && (!limit || limit.has(m.uid))).map((m) => m.uid);
  if (targets.length > 0) {
    const gone = await s.ctx.store.expunge(sel.id, targets, s.meta(tag));
    sel.expungeNow(gone, s.out, s.viewOptions());
  }
  // RFC 7162 §3.2.10... §3.1.11: the new HIGHESTMODSEQ in the tagged OK under CONDSTORE.
  if (s.condstore) {
    const info = await s.ctx.store.mailbox(sel.id);
    if (info) return { code: `HIGHESTMODSEQ ${info.highestModseq}` };
  }
  return {};
}

export const expungeCommand = defineCommand({
  name: 'EXPUNGE',
  states: SELECTED,
  parse: noArgs,
  run: (s, _a, tag) => expungeDeleted(s, null, tag),
});

export const uidExpungeCommand = defineCommand({
  name: 'UID EXPUNGE',
  states: SELECTED,
  parse(r) {
    r.sp();
    const set = r.sequenceSet();
    r.end();
    return set;
  },
  run: (s, set, tag) => expungeDeleted(s, set, tag),
});
