// "Restore this address book as it was at T" for the service: into the same book (core's
// restoreCollection with addressBookSpec: one atomic append that can itself be undone), or
// into another or a new book (the book folded at T, its cards put there by copyInto).
import type { EventLog } from '../../../core/events/event-log.ts';
import type { EventMetadata, NewEvent } from '../../../core/events/types.ts';
import { ValidationError } from '../../../core/errors.ts';
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import { newId } from '../../../core/ids.ts';
import { checkRetention, foldAt, planRestore, restoreCollection } from '../../../core/restore/point-in-time.ts';
import type { RestorePoint } from '../../../core/restore/restore-point.ts';
import { appendInBatches } from '../append-in-batches.ts';
import type { BookView } from '../contacts-access.ts';
import { addressBookSpec, copyInto, type BookFold, type CopyPlan } from './addressbook-restore.ts';

export interface RestoreSummary {
  position: number;
  /** Into the same book: cards brought back, put back to their earlier content, removed (made later). */
  restored: string[]; edited: string[]; deleted: string[];
  /** Into another book: cards added there, and cards there (same UID) replaced. */
  added: string[]; updated: string[];
  /** The book the cards went (or would go) to ('' for a new book not made yet). */
  targetBookId: string;
}

export type RestoreTarget = { kind: 'same' } | { kind: 'book'; bookId: string } | { kind: 'new'; displayName: string };

export interface BookRestoreDeps {
  events: EventLog;
  auth: AuthService;
  requireAccess(user: SessionUser, bookId: string, need: 'write'): Promise<BookView>;
  createBook(user: SessionUser, input: { displayName: string }, metadata: EventMetadata): Promise<string>;
}

function summarizePlan(plan: { appends: { events: NewEvent[] }[]; current: BookFold }, position: number, targetBookId: string): RestoreSummary {
  const out: RestoreSummary = { position, restored: [], edited: [], deleted: [], added: [], updated: [], targetBookId };
  for (const a of plan.appends) {
    for (const e of a.events) {
      if (e.type === 'contacts.CardDeleted') {
        const id = (e.data as { cardId: string }).cardId;
        out.deleted.push(plan.current.cards.get(id)?.fn ?? id);
      } else if (e.type === 'contacts.CardPut') {
        const d = e.data as { cardId: string; fn: string };
        const now = plan.current.cards.get(d.cardId);
        (now && !now.deleted ? out.edited : out.restored).push(d.fn || d.cardId);
      }
    }
  }
  return out;
}

const copySummary = (position: number, plans: CopyPlan[], targetBookId: string): RestoreSummary => ({
  position, restored: [], edited: [], deleted: [], targetBookId,
  added: plans.filter((p) => p.action === 'added').map((p) => p.fn),
  updated: plans.filter((p) => p.action === 'updated').map((p) => p.fn),
});

export function createBookRestore(deps: BookRestoreDeps) {
  const { events, auth } = deps;

  async function foldCurrent(bookId: string): Promise<{ fold: BookFold; versions: Map<string, number> }> {
    const spec = addressBookSpec(bookId);
    let fold = spec.initialState();
    const versions = new Map<string, number>();
    for (const e of await events.readStreams(spec.streams)) { fold = spec.evolve(fold, e); versions.set(e.stream, e.streamPosition); }
    return { fold, versions };
  }

  async function planCopy(bookId: string, at: RestorePoint, destBookId: string | undefined) {
    const { state: source, position } = await foldAt(events, addressBookSpec(bookId), at);
    const dest = destBookId ? await foldCurrent(destBookId) : { fold: { book: undefined, cards: new Map() } as BookFold, versions: new Map<string, number>() };
    return { position, plans: copyInto(source, dest.fold, destBookId ?? '', dest.versions, () => `${newId()}.vcf`) };
  }

  return {
    async preview(user: SessionUser, bookId: string, at: RestorePoint, target: RestoreTarget, metadata: EventMetadata): Promise<RestoreSummary> {
      await deps.requireAccess(user, bookId, 'write');
      if (target.kind === 'same') {
        const plan = await planRestore(events, addressBookSpec(bookId), at, metadata, await auth.retentionDays());
        return summarizePlan(plan, plan.position, bookId);
      }
      checkRetention(at, await auth.retentionDays(), new Date(metadata.time));
      if (target.kind === 'book') await deps.requireAccess(user, target.bookId, 'write');
      const { position, plans } = await planCopy(bookId, at, target.kind === 'book' ? target.bookId : undefined);
      return copySummary(position, plans, target.kind === 'book' ? target.bookId : '');
    },
    async apply(user: SessionUser, bookId: string, at: RestorePoint, target: RestoreTarget, metadata: EventMetadata): Promise<RestoreSummary> {
      await deps.requireAccess(user, bookId, 'write');
      if (target.kind === 'same') {
        const { plan } = await restoreCollection(events, addressBookSpec(bookId), at, metadata, await auth.retentionDays());
        return summarizePlan(plan, plan.position, bookId);
      }
      checkRetention(at, await auth.retentionDays(), new Date(metadata.time));
      let destId: string;
      if (target.kind === 'book') {
        if (target.bookId === bookId) throw new ValidationError('choose another address book, or restore into this one');
        destId = (await deps.requireAccess(user, target.bookId, 'write')).id;
      } else destId = await deps.createBook(user, { displayName: target.displayName || 'Restored contacts' }, metadata);
      const { position, plans } = await planCopy(bookId, at, destId);
      await appendInBatches(events, plans, metadata);
      return copySummary(position, plans, destId);
    },
  };
}

export type BookRestore = ReturnType<typeof createBookRestore>;
