import { z } from 'zod';

const title = z.string().max(200);
const body = z.string().max(100_000);

export const notesEvents = {
  'notes.NoteCreated': z.object({ noteId: z.string(), owner: z.string(), title, body }),
  'notes.NoteEdited': z.object({ noteId: z.string(), title, body }),
  'notes.NoteDeleted': z.object({ noteId: z.string() }),
  /** Brought back by a restore (or from "recently deleted") with the content it had then. */
  'notes.NoteRestored': z.object({ noteId: z.string(), owner: z.string(), title, body }),
};

export type NotesEventType = keyof typeof notesEvents;
export type NotesEvent = { [K in NotesEventType]: { type: K; data: z.infer<(typeof notesEvents)[K]> } }[NotesEventType];

/** One stream per note, grouped under its owner so a notebook is a stream prefix. */
export const noteStream = (owner: string, noteId: string) => `notes-note:${owner}/${noteId}`;
export const notebookStreams = (owner: string) => [`notes-note:${owner}/*`];
