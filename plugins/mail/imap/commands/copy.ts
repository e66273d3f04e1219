// COPY / UID COPY (RFC 9051 §6.4.7) with COPYUID (UIDPLUS, RFC 4315 §3).
import type { CopyResult } from '../../store/types.ts';
import { refused } from '../imap-error.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import { formatUidList, type SequenceSet } from '../parser/sequence-set.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SELECTED, defineCommand } from './command.ts';

/** The store copies or moves at most this many messages per call (its MAX_COPY). */
export const COPY_CHUNK = 10_000;

export interface CopyArgs {
  set: SequenceSet;
  target: string;
}

export function parseCopy(r: ArgReader, s: ImapSession): CopyArgs {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  const target = s.mailboxFromWire(r.astring('a mailbox name'));
  r.end();
  return { set, target };
}

/** Copies or moves the messages named; returns the COPYUID code (or null when nothing matched). */
export async function transfer(s: ImapSession, args: CopyArgs, byUid: boolean, op: 'copy' | 'move', tag: string): Promise<{ code: string | null; moved: number[] }> {
  const user = s.requireUser();
  const sel = s.requireSelected();
  const store = s.ctx.store;
  const dest = await store.mailboxByName(user.id, args.target);
  // RFC 9051 §6.4.7: TRYCREATE when the destination does not exist.
  if (!dest) throw refused('TRYCREATE', 'No such mailbox');
  const uids = sel.resolve(args.set, byUid, s.savedSearch).filter((u) => !sel.isPendingExpunge(u));
  if (uids.length === 0) return { code: null, moved: [] };
  if (op === 'move' && dest.id === sel.id) throw refused('CANNOT', 'Source and destination are the same mailbox');
  const pairs: [number, number][] = [];
  let uidValidity = dest.uidValidity;
  for (let i = 0; i < uids.length; i += COPY_CHUNK) {
    const chunk = uids.slice(i, i + COPY_CHUNK);
    const res: CopyResult = op === 'copy' ? await store.copy(sel.id, chunk, dest.id, s.meta(tag)) : await store.move(sel.id, chunk, dest.id, s.meta(tag));
    uidValidity = res.uidValidity;
    pairs.push(...res.pairs);
  }
  if (dest.id === sel.id) sel.markDirty();
  if (pairs.length === 0) return { code: null, moved: [] };
  const code = `COPYUID ${uidValidity} ${formatUidList(pairs.map((p) => p[0]))} ${formatUidList(pairs.map((p) => p[1]))}`;
  return { code, moved: pairs.map((p) => p[0]) };
}

export const copyCommand = defineCommand({
  name: 'COPY',
  states: SELECTED,
  parse: parseCopy,
  async run(s, args, tag) {
    const { code } = await transfer(s, args, false, 'copy', tag);
    return { code };
  },
});

export const uidCopyCommand = defineCommand({
  name: 'UID COPY',
  states: SELECTED,
  parse: parseCopy,
  async run(s, args, tag) {
    const { code } = await transfer(s, args, true, 'copy', tag);
    return { code };
  },
});
