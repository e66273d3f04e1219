// SELECT / EXAMINE (RFC 9051 §6.3.2, §6.3.3) with the CONDSTORE (RFC 7162 §3.1.8) and
// QRESYNC (RFC 7162 §3.2.5) parameters.
import { badSyntax, refused } from '../imap-error.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import { formatSequenceSet, resolveUids, type SequenceSet } from '../parser/sequence-set.ts';
import { FLAGS_RESPONSE, PERMANENT_FLAGS, formatFlags } from '../response/flags.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SelectedMailbox } from '../session/selected-mailbox.ts';
import { AUTHENTICATED, defineCommand, type CommandResult } from './command.ts';

interface SelectArgs {
  name: string;
  condstore: boolean;
  qresync: { uidValidity: number; modseq: number; knownUids: SequenceSet | null } | null;
}

function parseSelect(r: ArgReader, s: ImapSession): SelectArgs {
  r.sp();
  const name = s.mailboxFromWire(r.astring('a mailbox name'));
  let condstore = false;
  let qresync: SelectArgs['qresync'] = null;
  if (r.accept(' ')) {
    r.list(() => {
      const p = r.atom('a SELECT parameter').toUpperCase();
      if (p === 'CONDSTORE') condstore = true;
      else if (p === 'QRESYNC') {
        // QRESYNC (uidvalidity mod-sequence [known-uids [seq-match-data]]) (RFC 7162 §3.2.5)
        r.sp();
        r.open();
        const uidValidity = r.nzNumber('a UIDVALIDITY');
        r.sp();
        const modseq = r.number('a mod-sequence');
        let knownUids: SequenceSet | null = null;
        if (r.accept(' ')) {
          if (r.peek() !== '(') {
            knownUids = r.sequenceSet();
            r.accept(' ');
          }
          // seq-match-data only helps servers that lost track; we keep every expunge in the window, so it is read and ignored.
          if (r.peek() === '(') {
            r.open();
            r.sequenceSet();
            r.sp();
            r.sequenceSet();
            r.close();
          }
        }
        r.close();
        qresync = { uidValidity, modseq, knownUids };
      } else throw badSyntax(`Unknown SELECT parameter ${p}`);
    }, { allowEmpty: false });
  }
  r.end();
  return { name, condstore, qresync };
}

async function runSelect(s: ImapSession, args: SelectArgs, readOnly: boolean): Promise<CommandResult> {
  const user = s.requireUser();
  // RFC 7162 §3.2.11: the end of the previous mailbox's responses.
  if (s.selected) {
    s.deselect();
    s.out.untagged('OK [CLOSED] Previous mailbox closed');
  }
  if (args.qresync && !s.qresync) throw badSyntax('QRESYNC is not enabled');
  if (args.condstore) s.enableCondstore();
  const store = s.ctx.store;
  const info = await store.mailboxByName(user.id, args.name);
  // RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected (done above).
  if (!info) throw refused('NONEXISTENT', 'No such mailbox');
  const view = new SelectedMailbox({ id: info.id, name: info.name, readOnly, uidValidity: info.uidValidity, uids: [], knownModseq: info.highestModseq, store });
  // Subscribe before reading the snapshot so no change can fall between the two.
  view.setUnsubscribe(s.ctx.feed.subscribe({ streams: [store.mailboxStream(info.id)] }, () => view.markDirty()));
  const metas = await store.messages(info.id);
  view.uids = Uint32Array.from(metas, (m) => m.uid);
  s.selected = view;
  s.state = 'selected';

  const out = s.out;
  out.untagged(FLAGS_RESPONSE);
  out.untagged(`${view.exists} EXISTS`);
  if (!s.rev2) {
    // \Recent is not kept (RFC 9051 §2.3.2 removed it); rev1 clients still expect the line.
    out.untagged('0 RECENT');
    const firstUnseen = metas.findIndex((m) => !m.flags.includes('\\Seen'));
    if (firstUnseen >= 0) out.untagged(`OK [UNSEEN ${firstUnseen + 1}] First unseen`);
  }
  out.untagged(readOnly ? 'OK [PERMANENTFLAGS ()] Read-only mailbox' : `OK [${PERMANENT_FLAGS}] Flags permitted`);
  out.untagged(`OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`);
  out.untagged(`OK [UIDNEXT ${info.uidNext}] Predicted next UID`);
  // RFC 7162 §3.1.2.1: HIGHESTMODSEQ on every SELECT of a server that supports CONDSTORE.
  out.untagged(`OK [HIGHESTMODSEQ ${info.highestModseq}] Highest`);
  if (s.rev2) out.untagged(`LIST () "/" ${s.mailboxToWire(info.name)}`);

  if (args.qresync && args.qresync.uidValidity === info.uidValidity) {
    // RFC 7162 §3.2.5.2: expunges since the client's modseq as VANISHED (EARLIER), then changed flags.
    const since = args.qresync.modseq;
    let vanished = await store.vanished(info.id, since);
    if (args.qresync.knownUids) {
      const known = new Set(resolveUids(args.qresync.knownUids, [...vanished].sort((a, b) => a - b)));
      vanished = vanished.filter((u) => known.has(u));
    }
    if (vanished.length > 0) out.untagged(`VANISHED (EARLIER) ${formatSequenceSet(vanished)}`);
    for (const m of metas) {
      if (m.modseq <= since) continue;
      out.untagged(`${view.seqOf(m.uid)} FETCH (UID ${m.uid} FLAGS ${formatFlags(m.flags)} MODSEQ (${m.modseq}))`);
      await out.maybeFlush();
    }
  }
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed` };
}

export const selectCommand = defineCommand({
  name: 'SELECT',
  states: AUTHENTICATED,
  parse: parseSelect,
  run: (s, args) => runSelect(s, args, false),
});

export const examineCommand = defineCommand({
  name: 'EXAMINE',
  states: AUTHENTICATED,
  parse: parseSelect,
  run: (s, args) => runSelect(s, args, true),
});
