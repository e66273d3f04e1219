// A session's view of its selected mailbox (RFC 9051 §2.3.1.2, §7.5).
//
// Invariants
// - `uids` is the snapshot the client knows: ascending UIDs; message sequence number n is
//   uids[n - 1]. It changes only when we tell the client: EXISTS appends, EXPUNGE /
//   VANISHED removes. Nothing else renumbers.
// - Changes made by anyone (this session, another session, SMTP, the UI, another process)
//   are learnt the same way: the change feed marks the view dirty, and sync() asks the
//   store what changed since `knownModseq` (messages with a higher modseq, UIDs vanished
//   since). The event payloads are not interpreted here.
// - Expunges the client may not hear yet (during FETCH/STORE/SEARCH, RFC 9051 §7.5.1) stay
//   in the view, pending, and are announced at the next point that allows it; EXISTS
//   always counts them until then.
// - Flag changes this session already reported (its own STORE) are not reported twice.
import { formatFlags } from '../response/flags.ts';
import { formatSequenceSet, resolveSequenceNumbers, resolveUids, type SequenceSet } from '../parser/sequence-set.ts';
import type { MailStore, MessageMeta } from '../../store/types.ts';
import type { ResponseWriter } from './response-writer.ts';

export interface ViewOptions {
  condstore: boolean;
  qresync: boolean;
}

export class SelectedMailbox {
  readonly id: string;
  readonly name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  /** Ascending; a typed array because 1,000 idling sessions on a 100,000-message mailbox each hold one. */
  uids: Uint32Array;
  knownModseq: number;
  /** Set when the mailbox itself is gone (deleted by another session). */
  deleted = false;
  #dirty = false;
  readonly #pendingExpunges = new Set<number>();
  /** uid → modseq this session already reported (own STORE, FETCH setting \Seen). */
  readonly #reported = new Map<number, number>();
  readonly #store: MailStore;
  #unsubscribe: () => void = () => {};
  /** Called when the view becomes dirty (IDLE pushes then). */
  onDirty: (() => void) | null = null;

  constructor(init: { id: string; name: string; readOnly: boolean; uidValidity: number; uids: ArrayLike<number>; knownModseq: number; store: MailStore }) {
    this.id = init.id;
    this.name = init.name;
    this.readOnly = init.readOnly;
    this.uidValidity = init.uidValidity;
    this.uids = Uint32Array.from(init.uids);
    this.knownModseq = init.knownModseq;
    this.#store = init.store;
  }

  setUnsubscribe(fn: () => void): void {
    this.#unsubscribe = fn;
  }

  close(): void {
    this.#unsubscribe();
    this.onDirty = null;
  }

  get exists(): number {
    return this.uids.length;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  markDirty(): void {
    this.#dirty = true;
    this.onDirty?.();
  }

  /** Sequence number of a UID in the view, 0 when absent. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  has(uid: number): boolean {
    return this.seqOf(uid) > 0;
  }

  isPendingExpunge(uid: number): boolean {
    return this.#pendingExpunges.has(uid);
  }

  /** The view as a plain array (for callers that filter and map it). */
  uidList(): number[] {
    return Array.from(this.uids);
  }

  /** UIDs a sequence set names, ascending. `saved` is the SEARCH SAVE result (RFC 5182), as UIDs. */
  resolve(set: SequenceSet, byUid: boolean, saved: readonly number[] | null): number[] {
    if (set.saved) return (saved ?? []).filter((u) => this.has(u));
    if (byUid) return resolveUids(set, this.uids);
    return resolveSequenceNumbers(set, this.uids.length).map((n) => this.uids[n - 1]!);
  }

  noteReported(uid: number, modseq: number): void {
    this.#reported.set(uid, Math.max(modseq, this.#reported.get(uid) ?? 0));
  }

  /** The session removed these itself (EXPUNGE, MOVE): announce now and drop from the view. */
  expungeNow(uids: readonly number[], out: ResponseWriter, opts: ViewOptions): void {
    for (const u of uids) if (this.has(u)) this.#pendingExpunges.add(u);
    this.#announceExpunges(out, opts);
  }

  /**
   * Reports what changed since the client last heard (RFC 9051 §7.5): flag changes as
   * FETCH, expunges as EXPUNGE (or VANISHED under QRESYNC, RFC 7162 §3.2.10) when
   * `allowExpunge`, new messages as EXISTS.
   */
  async sync(out: ResponseWriter, opts: ViewOptions & { allowExpunge: boolean }): Promise<void> {
    if (this.#dirty) {
      this.#dirty = false;
      const info = await this.#store.mailbox(this.id);
      if (!info) {
        this.deleted = true;
        return;
      }
      const target = info.highestModseq;
      if (target > this.knownModseq) {
        const since = this.knownModseq;
        const [changed, vanished] = await Promise.all([
          this.#store.messages(this.id, { changedSince: since }),
          this.#store.vanished(this.id, since),
        ]);
        this.#applyChanges(changed, vanished, out, opts);
        let known = target;
        for (const m of changed) if (m.modseq > known) known = m.modseq;
        this.knownModseq = known;
      }
      this.#reported.clear();
    }
    if (opts.allowExpunge) this.#announceExpunges(out, opts);
  }

  #applyChanges(changed: MessageMeta[], vanished: number[], out: ResponseWriter, opts: ViewOptions): void {
    const last = this.uids[this.uids.length - 1] ?? 0;
    const gone = new Set(vanished);
    for (const u of vanished) if (this.has(u)) this.#pendingExpunges.add(u);
    const added: number[] = [];
    for (const m of changed) {
      if (gone.has(m.uid)) continue;
      if (m.uid > last) {
        added.push(m.uid);
        continue;
      }
      const seq = this.seqOf(m.uid);
      if (seq === 0 || this.#pendingExpunges.has(m.uid)) continue;
      if ((this.#reported.get(m.uid) ?? 0) >= m.modseq) continue;
      // Unsolicited FETCH with the new flags (RFC 9051 §7.5.2); UID always, MODSEQ under CONDSTORE (RFC 7162 §3.1.4).
      out.untagged(`${seq} FETCH (UID ${m.uid} FLAGS ${formatFlags(m.flags)}${opts.condstore ? ` MODSEQ (${m.modseq})` : ''})`);
    }
    if (added.length > 0) {
      added.sort((a, b) => a - b);
      const grown = new Uint32Array(this.uids.length + added.length);
      grown.set(this.uids);
      grown.set(added, this.uids.length);
      this.uids = grown;
      out.untagged(`${this.uids.length} EXISTS`);
    }
  }

  #announceExpunges(out: ResponseWriter, opts: ViewOptions): void {
    if (this.#pendingExpunges.size === 0) return;
    const gone = [...this.#pendingExpunges].sort((a, b) => a - b);
    this.#pendingExpunges.clear();
    if (opts.qresync) {
      out.untagged(`VANISHED ${formatSequenceSet(gone)}`);
    } else {
      // Highest sequence number first: each EXPUNGE renumbers only the messages after it (RFC 9051 §7.5.1).
      for (let i = gone.length - 1; i >= 0; i--) {
        const seq = this.seqOf(gone[i]!);
        if (seq > 0) out.untagged(`${seq} EXPUNGE`);
      }
    }
    const set = new Set(gone);
    this.uids = this.uids.filter((u) => !set.has(u));
  }
}
