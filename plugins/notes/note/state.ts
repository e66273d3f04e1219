import type { StoredEvent } from '../../../core/events/types.ts';
import type { NotesEvent } from '../events.ts';

export interface Note { id: string; owner: string; title: string; body: string; deleted: boolean }
export type NoteState = Note | undefined;

export const initialNote = (): NoteState => undefined;

export function evolveNote(state: NoteState, event: StoredEvent): NoteState {
  const e = event as unknown as NotesEvent;
  switch (e.type) {
    case 'notes.NoteCreated':
    case 'notes.NoteRestored':
      return { id: e.data.noteId, owner: e.data.owner, title: e.data.title, body: e.data.body, deleted: false };
    case 'notes.NoteEdited':
      return state && { ...state, title: e.data.title, body: e.data.body };
    case 'notes.NoteDeleted':
      return state && { ...state, deleted: true };
    default:
      return state;
  }
}
