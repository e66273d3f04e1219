// STORE / UID STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE and MODIFIED (CONDSTORE,
// RFC 7162 §3.1.3).
import type { FlagOperation } from '../../store/types.ts';
import { badSyntax, refused } from '../imap-error.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import { formatSequenceSet, type SequenceSet } from '../parser/sequence-set.ts';
import { canonicalFlag, formatFlags } from '../response/flags.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SELECTED, defineCommand } from './command.ts';

interface StoreArgs {
  set: SequenceSet;
  unchangedSince: number | null;
  op: FlagOperation;
  silent: boolean;
  flags: string[];
}

function parseStore(r: ArgReader): StoreArgs {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  let unchangedSince: number | null = null;
  if (r.peek() === '(') {
    // store-modifiers (RFC 4466 §2.5, RFC 7162 §3.1.3)
    r.list(() => {
      const m = r.atom('a STORE modifier').toUpperCase();
      if (m !== 'UNCHANGEDSINCE') throw badSyntax(`Unknown STORE modifier ${m}`);
      r.sp();
      unchangedSince = r.number('a mod-sequence');
    }, { allowEmpty: false });
    r.sp();
  }
  const item = r.atom('a STORE item').toUpperCase();
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) throw badSyntax(`Unknown STORE item ${item}`);
  r.sp();
  let flags: string[];
  if (r.peek() === '(') flags = r.list(() => r.flag());
  else {
    flags = [r.flag()];
    while (r.accept(' ')) flags.push(r.flag());
  }
  r.end();
  const op: FlagOperation = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  return { set, unchangedSince, op, silent: m[2] !== undefined, flags };
}

async function runStore(s: ImapSession, a: StoreArgs, byUid: boolean, tag: string) {
  const sel = s.requireSelected();
  if (sel.readOnly) throw refused('READ-ONLY', 'Mailbox is read-only');
  if (a.unchangedSince !== null) s.enableCondstore();
  const flags = a.flags.map(canonicalFlag).filter((f) => f !== '\\Recent');
  if (flags.includes('\\*')) throw badSyntax('\\* is not a flag');
  const uids = sel.resolve(a.set, byUid, s.savedSearch).filter((u) => !sel.isPendingExpunge(u));
  if (uids.length === 0) return {};
  const store = s.ctx.store;
  const opts: { unchangedSince?: number } = {};
  if (a.unchangedSince !== null) opts.unchangedSince = a.unchangedSince;
  const res = await store.setFlags(sel.id, uids, a.op, flags, opts, s.meta(tag));
  const failed = new Set(res.failed);
  const changed = new Map(res.changed.map((c) => [c.uid, c]));
  for (const c of res.changed) sel.noteReported(c.uid, c.modseq);

  // Messages left alone because nothing changed still get their FETCH FLAGS (RFC 9051 §6.4.6), unless .SILENT.
  let current = new Map<number, { flags: string[]; modseq: number }>();
  if (!a.silent && uids.some((u) => !changed.has(u) && !failed.has(u))) {
    const metas = await store.messages(sel.id, { fromUid: uids[0]!, toUid: uids[uids.length - 1]! });
    current = new Map(metas.map((m) => [m.uid, m]));
  }
  for (const uid of uids) {
    if (failed.has(uid)) continue;
    const c = changed.get(uid) ?? current.get(uid);
    if (!c) continue;
    const seq = sel.seqOf(uid);
    const items: string[] = [];
    if (byUid || s.qresync) items.push(`UID ${uid}`);
    // RFC 7162 §3.1.3: under CONDSTORE a FETCH with MODSEQ goes out even for .SILENT.
    if (!a.silent) items.push(`FLAGS ${formatFlags(c.flags)}`);
    if (s.condstore && (changed.has(uid) || !a.silent)) items.push(`MODSEQ (${c.modseq})`);
    if (a.silent && !(s.condstore && changed.has(uid))) continue;
    s.out.untagged(`${seq} FETCH (${items.join(' ')})`);
    await s.out.maybeFlush();
  }
  if (failed.size > 0) {
    // RFC 7162 §3.1.3: MODIFIED lists the messages that failed the UNCHANGEDSINCE test.
    const list = byUid ? [...failed] : [...failed].map((u) => sel.seqOf(u)).filter((n) => n > 0);
    return { code: `MODIFIED ${formatSequenceSet(list)}`, text: 'Conditional STORE failed for some messages' };
  }
  return {};
}

export const storeCommand = defineCommand({
  name: 'STORE',
  states: SELECTED,
  holdsExpunges: true,
  parse: parseStore,
  run: (s, a, tag) => runStore(s, a, false, tag),
});

export const uidStoreCommand = defineCommand({
  name: 'UID STORE',
  states: SELECTED,
  parse: parseStore,
  run: (s, a, tag) => runStore(s, a, true, tag),
});
