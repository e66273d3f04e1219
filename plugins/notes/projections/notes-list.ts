import { defineProjection } from '../../../core/projections/types.ts';
import type { NotesEvent } from '../events.ts';

/** notes_notes: one row per note (deleted ones kept with deleted_at, for "recently deleted"). */
export const notesList = defineProjection({
  name: 'notes.list',
  version: 1,
  handles: ['notes.NoteCreated', 'notes.NoteEdited', 'notes.NoteDeleted', 'notes.NoteRestored'],
  async handle(event, db) {
    const e = event as unknown as NotesEvent & { metadata: { time: string } };
    const time = event.metadata.time;
    const version = event.position;
    switch (e.type) {
      case 'notes.NoteCreated':
        await db.insertInto('notes_notes').values({ id: e.data.noteId, owner: e.data.owner, title: e.data.title, body: e.data.body, created_at: time, updated_at: time, deleted_at: null, version }).execute();
        return;
      case 'notes.NoteRestored':
        await db.updateTable('notes_notes').set({ title: e.data.title, body: e.data.body, updated_at: time, deleted_at: null, version }).where('id', '=', e.data.noteId).execute();
        return;
      case 'notes.NoteEdited':
        await db.updateTable('notes_notes').set({ title: e.data.title, body: e.data.body, updated_at: time, version }).where('id', '=', e.data.noteId).execute();
        return;
      case 'notes.NoteDeleted':
        await db.updateTable('notes_notes').set({ deleted_at: time, version }).where('id', '=', e.data.noteId).execute();
        return;
    }
  },
  async truncate(db) { await db.deleteFrom('notes_notes').execute(); },
});
