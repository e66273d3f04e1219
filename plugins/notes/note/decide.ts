import type { Decider } from '../../../core/events/handle-command.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { NotesEvent } from '../events.ts';
import { evolveNote, initialNote, type NoteState } from './state.ts';

export type NoteCommand =
  | { type: 'create'; noteId: string; owner: string; title: string; body: string }
  | { type: 'edit'; title: string; body: string }
  | { type: 'delete' }
  /** Bring a deleted note back with the content it had (from "recently deleted"). */
  | { type: 'undelete' };

const MAX_TITLE = 200; // a title is a line in a list, not a document

function clean(title: string, body: string) {
  const t = title.trim();
  if (t.length === 0) throw new ValidationError('a note needs a title');
  if (t.length > MAX_TITLE) throw new ValidationError(`a title has at most ${MAX_TITLE} characters`);
  return { title: t, body };
}

export function decideNote(command: NoteCommand, state: NoteState): NotesEvent[] {
  switch (command.type) {
    case 'create': {
      if (state) throw new ConflictError('that note already exists', 'note_exists');
      return [{ type: 'notes.NoteCreated', data: { noteId: command.noteId, owner: command.owner, ...clean(command.title, command.body) } }];
    }
    case 'edit': {
      if (!state || state.deleted) throw new NotFoundError('no such note');
      const next = clean(command.title, command.body);
      if (next.title === state.title && next.body === state.body) return [];
      return [{ type: 'notes.NoteEdited', data: { noteId: state.id, ...next } }];
    }
    case 'delete':
      if (!state || state.deleted) return [];
      return [{ type: 'notes.NoteDeleted', data: { noteId: state.id } }];
    case 'undelete':
      if (!state) throw new NotFoundError('no such note');
      if (!state.deleted) return [];
      return [{ type: 'notes.NoteRestored', data: { noteId: state.id, owner: state.owner, title: state.title, body: state.body } }];
  }
}

export const noteDecider: Decider<NoteState, NoteCommand, NotesEvent> = {
  initialState: initialNote,
  evolve: evolveNote,
  decide: (c, s) => decideNote(c, s),
};
