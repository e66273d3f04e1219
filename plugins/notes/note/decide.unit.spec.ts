import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { NotesEvent } from '../events.ts';
import { decideNote, type NoteCommand } from './decide.ts';
import { notebookSpec } from './notebook-restore.ts';
import { evolveNote, type NoteState } from './state.ts';

let pos = 0;
const stored = (e: NotesEvent, stream = 'notes-note:u1/n1'): StoredEvent => ({
  ...e, position: ++pos, stream, streamPosition: pos, recordedAt: 0,
  metadata: { actor: 'u1', source: 'ui', time: '2026-01-01T00:00:00.000Z' },
});
const given = (...events: NotesEvent[]): NoteState => events.map((e) => stored(e)).reduce(evolveNote, undefined as NoteState);
const when = (state: NoteState, c: NoteCommand) => decideNote(c, state);
const created: NotesEvent = { type: 'notes.NoteCreated', data: { noteId: 'n1', owner: 'u1', title: 'Shopping', body: 'milk' } };

describe('note decide', () => {
  it('creates a note once, trimming the title', () => {
    expect(when(given(), { type: 'create', noteId: 'n1', owner: 'u1', title: '  Shopping ', body: 'milk' })).toEqual([created]);
    expect(() => when(given(created), { type: 'create', noteId: 'n1', owner: 'u1', title: 'x', body: '' })).toThrow(ConflictError);
    expect(() => when(given(), { type: 'create', noteId: 'n1', owner: 'u1', title: '   ', body: '' })).toThrow(ValidationError);
    expect(() => when(given(), { type: 'create', noteId: 'n1', owner: 'u1', title: 'x'.repeat(201), body: '' })).toThrow(/at most 200/);
  });

  it('edits only existing notes and appends nothing when nothing changed', () => {
    expect(when(given(created), { type: 'edit', title: 'Shopping', body: 'milk' })).toEqual([]);
    expect(when(given(created), { type: 'edit', title: 'Shopping', body: 'eggs' })).toEqual([{ type: 'notes.NoteEdited', data: { noteId: 'n1', title: 'Shopping', body: 'eggs' } }]);
    expect(() => when(given(), { type: 'edit', title: 'a', body: '' })).toThrow(NotFoundError);
    expect(() => when(given(created, { type: 'notes.NoteDeleted', data: { noteId: 'n1' } }), { type: 'edit', title: 'a', body: '' })).toThrow(NotFoundError);
  });

  it('deletes idempotently and undeletes with the content the note had', () => {
    const deleted = given(created, { type: 'notes.NoteEdited', data: { noteId: 'n1', title: 'Shopping', body: 'eggs' } }, { type: 'notes.NoteDeleted', data: { noteId: 'n1' } });
    expect(when(deleted, { type: 'delete' })).toEqual([]);
    expect(when(deleted, { type: 'undelete' })).toEqual([{ type: 'notes.NoteRestored', data: { noteId: 'n1', owner: 'u1', title: 'Shopping', body: 'eggs' } }]);
    expect(when(given(created), { type: 'undelete' })).toEqual([]);
  });
});

describe('notebook restore diff', () => {
  const spec = notebookSpec('u1');
  const book = (...events: [string, NotesEvent][]) => events.map(([id, e]) => stored(e, `notes-note:u1/${id}`)).reduce(spec.evolve, spec.initialState());
  const c = (id: string, title: string): NotesEvent => ({ type: 'notes.NoteCreated', data: { noteId: id, owner: 'u1', title, body: '' } });

  it('brings back deleted notes, reverts edits and removes notes created later', () => {
    const then = book(['a', c('a', 'A')], ['b', c('b', 'B')]);
    const now = book(['a', c('a', 'A')], ['a', { type: 'notes.NoteEdited', data: { noteId: 'a', title: 'A2', body: '' } }], ['b', c('b', 'B')], ['b', { type: 'notes.NoteDeleted', data: { noteId: 'b' } }], ['c', c('c', 'C')]);
    const diff = spec.diff(now, then, { actor: 'u1', source: 'ui', time: '' });
    expect(diff).toEqual([
      { stream: 'notes-note:u1/a', events: [{ type: 'notes.NoteEdited', data: { noteId: 'a', title: 'A', body: '' } }] },
      { stream: 'notes-note:u1/b', events: [{ type: 'notes.NoteRestored', data: { noteId: 'b', owner: 'u1', title: 'B', body: '' } }] },
      { stream: 'notes-note:u1/c', events: [{ type: 'notes.NoteDeleted', data: { noteId: 'c' } }] },
    ]);
    expect(spec.diff(then, then, { actor: 'u1', source: 'ui', time: '' })).toEqual([]);
  });
});
