// "Restore my notes as they were at T", built on core's point-in-time helper: the
// notebook is every note stream of one owner; diff says which events make now equal T.
import type { CollectionSpec } from '../../../core/restore/point-in-time.ts';
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import { noteStream, notebookStreams } from '../events.ts';
import { evolveNote, type Note } from './state.ts';

export type Notebook = Map<string, Note>;

export function notebookSpec(owner: string): CollectionSpec<Notebook> {
  return {
    streams: notebookStreams(owner),
    initialState: () => new Map(),
    evolve(book: Notebook, e: StoredEvent) {
      const id = (e.data as { noteId: string }).noteId;
      const next = evolveNote(book.get(id), e);
      if (next) book.set(id, next);
      return book;
    },
    diff(current, target) {
      const out: { stream: string; events: NewEvent[] }[] = [];
      for (const [id, now] of current) {
        const then = target.get(id);
        const stream = noteStream(owner, id);
        if ((!then || then.deleted) && !now.deleted) out.push({ stream, events: [{ type: 'notes.NoteDeleted', data: { noteId: id } }] });
        else if (then && !then.deleted && now.deleted) out.push({ stream, events: [{ type: 'notes.NoteRestored', data: { noteId: id, owner, title: then.title, body: then.body } }] });
        else if (then && !then.deleted && (then.title !== now.title || then.body !== now.body)) out.push({ stream, events: [{ type: 'notes.NoteEdited', data: { noteId: id, title: then.title, body: then.body } }] });
      }
      return out;
    },
  };
}
