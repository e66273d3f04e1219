// FETCH / UID FETCH (RFC 9051 §6.4.5, §6.4.9) with CHANGEDSINCE (RFC 7162 §3.1.4.1) and
// VANISHED (RFC 7162 §3.2.6). Messages are loaded from the store in batches and their
// bytes read (only the range the requested sections need) a few at a time ahead of the
// one being written; responses are flushed as they grow, so memory stays bounded.
import type { MessageMeta, MessageRecord } from '../../store/types.ts';
import { badSyntax, refused } from '../imap-error.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import { parseFetchRequest, type FetchRequest } from '../parser/fetch-items.ts';
import { formatSequenceSet, resolveUids, type SequenceSet } from '../parser/sequence-set.ts';
import { bytesNeeded, fetchAttributes, planFetch } from '../response/fetch-attributes.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SELECTED, defineCommand } from './command.ts';

/** Message bodies read ahead of the one being written: overlaps blob reads with socket writes. */
const READ_AHEAD = 8;

interface FetchArgs {
  set: SequenceSet;
  req: FetchRequest;
}

function parseFetch(r: ArgReader): FetchArgs {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  return { set, req: parseFetchRequest(r) };
}

type Msg = MessageMeta & Partial<MessageRecord>;

async function runFetch(s: ImapSession, { set, req }: FetchArgs, byUid: boolean, tag: string) {
  const sel = s.requireSelected();
  const store = s.ctx.store;
  if (req.changedSince !== null || req.items.some((i) => i.kind === 'MODSEQ')) s.enableCondstore();
  if (req.vanished) {
    // RFC 7162 §3.2.6: VANISHED only with UID FETCH, and only once QRESYNC is enabled.
    if (!byUid) throw badSyntax('VANISHED needs UID FETCH');
    if (!s.qresync) throw badSyntax('QRESYNC is not enabled');
    const gone = (await store.vanished(sel.id, req.changedSince!)).sort((a, b) => a - b);
    const inSet = resolveUids(set, gone);
    if (inSet.length > 0) s.out.untagged(`VANISHED (EARLIER) ${formatSequenceSet(inSet)}`);
  }
  const uids = sel.resolve(set, byUid, s.savedSearch).filter((u) => !sel.isPendingExpunge(u));
  const plan = planFetch(req.items);
  const setsSeen = plan.setsSeen && !sel.readOnly;
  const batchSize = s.ctx.limits.fetchBatch;
  let unknownCte = false;

  for (let i = 0; i < uids.length; i += batchSize) {
    const batch = uids.slice(i, i + batchSize);
    let msgs: Msg[];
    if (plan.needsRecord) msgs = await store.messageRecords(sel.id, batch);
    else {
      const wanted = new Set(batch);
      msgs = (await store.messages(sel.id, { fromUid: batch[0]!, toUid: batch[batch.length - 1]! })).filter((m) => wanted.has(m.uid));
    }
    if (req.changedSince !== null) msgs = msgs.filter((m) => m.modseq > req.changedSince!);

    const seenNow = new Set<number>();
    if (setsSeen) {
      // RFC 9051 §6.4.5: BODY[section] (not PEEK) sets \Seen, and the FETCH then includes FLAGS.
      const unseen = msgs.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
      if (unseen.length > 0) {
        const res = await store.setFlags(sel.id, unseen, 'add', ['\\Seen'], {}, s.meta(tag));
        const byUidChanged = new Map(res.changed.map((c) => [c.uid, c]));
        for (const m of msgs) {
          const c = byUidChanged.get(m.uid);
          if (!c) continue;
          m.flags = c.flags;
          m.modseq = c.modseq;
          seenNow.add(m.uid);
          sel.noteReported(c.uid, c.modseq);
        }
      }
    }

    const reads: (Promise<{ data: Buffer | null; start: number }> | undefined)[] = [];
    const readAt = (k: number) => {
      if (!plan.needsBytes || k >= msgs.length || reads[k]) return;
      const m = msgs[k]!;
      const range = m.structure ? bytesNeeded(plan, m as MessageRecord) : null;
      reads[k] = !range
        ? Promise.resolve({ data: null, start: 0 })
        : (range.start === 0 && range.end >= m.size ? store.readMessage(m.sha256) : store.readMessage(m.sha256, range)).then((data) => ({ data, start: range.start }));
      // Keep a rejected read-ahead from being reported as unhandled before its turn comes.
      reads[k]!.catch(() => {});
    };
    for (let k = 0; k < msgs.length; k++) {
      for (let a = k; a < k + READ_AHEAD; a++) readAt(a);
      const m = msgs[k]!;
      const seq = sel.seqOf(m.uid);
      const bytes = plan.needsBytes ? await reads[k]! : { data: null, start: 0 };
      reads[k] = undefined;
      if (seq === 0) continue;
      const res = fetchAttributes(plan, m, { uid: byUid, condstore: s.condstore, utf8: s.utf8, forceFlags: seenNow.has(m.uid) }, bytes.data, bytes.start);
      if (res.unknownCte) unknownCte = true;
      s.out.write(`* ${seq} FETCH (`);
      for (const c of res.chunks) s.out.write(c);
      s.out.write(')\r\n');
      await s.out.maybeFlush();
    }
  }
  // RFC 3516 §4.3: a BINARY fetch of a part in an unknown transfer encoding.
  if (unknownCte) throw refused('UNKNOWN-CTE', 'Unknown Content-Transfer-Encoding');
  return {};
}

export const fetchCommand = defineCommand({
  name: 'FETCH',
  states: SELECTED,
  holdsExpunges: true,
  parse: parseFetch,
  run: (s, a, tag) => runFetch(s, a, false, tag),
});

export const uidFetchCommand = defineCommand({
  name: 'UID FETCH',
  states: SELECTED,
  parse: parseFetch,
  run: (s, a, tag) => runFetch(s, a, true, tag),
});
