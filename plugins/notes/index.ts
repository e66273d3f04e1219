// The example plugin: copy this folder (or run `npm run new-plugin <id>`) to start one.
// Wiring only: what the plugin contributes is declared in register(), the work is in
// the files it imports.
import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { notesEvents } from './events.ts';
import { createNotes } from './migrations/0001_notes.ts';
import { createNotesService, type NotesService } from './notes-service.ts';
import { notesList } from './projections/notes-list.ts';
import { notesRoutes } from './routes/notes-routes.tsx';

export default definePlugin({
  id: 'notes',
  version: '1.0.0',
  description: 'Personal notes with restore: the example of how a Cairn plugin is made.',
  needs: ['db', 'events', 'auth'],
  register(r) {
    // State lives in the registration, not the module: two appliances in one process
    // (tests, an instance restore) each get their own service.
    let service: NotesService | undefined;
    const notes = () => (service ??= createNotesService(r.services()));
    r.events(notesEvents);
    r.migrations([createNotes]);
    r.projection(notesList);
    r.nav({ label: 'Notes', href: '/notes', icon: '✎', order: 60 });
    r.app(notesRoutes(notes));
    r.provide('service', notes);
  },
});
