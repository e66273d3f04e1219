import type { Kysely } from 'kysely';
import type { EventLog } from '../../core/events/event-log.ts';
import { handleCommand } from '../../core/events/handle-command.ts';
import type { EventMetadata } from '../../core/events/types.ts';
import type { AuthService } from '../../core/identity/auth-service.ts';
import { newId } from '../../core/ids.ts';
import { planRestore, restoreCollection } from '../../core/restore/point-in-time.ts';
import type { RestorePoint } from '../../core/restore/restore-point.ts';
import { noteStream } from './events.ts';
import { noteDecider } from './note/decide.ts';
import { notebookSpec } from './note/notebook-restore.ts';

export interface NoteRow { id: string; owner: string; title: string; body: string; created_at: string; updated_at: string; deleted_at: string | null }

/** Newest notes shown in the list; a notebook is for notes, not an archive. */
export const NOTES_PAGE = 200;

export interface RestoreSummary { position: number; restored: string[]; deleted: string[]; edited: string[] }

export function createNotesService(deps: { events: EventLog; db: Kysely<any>; auth: AuthService }) {
  const run = (owner: string, noteId: string, command: Parameters<typeof noteDecider.decide>[0], metadata: EventMetadata) =>
    handleCommand(deps.events, noteStream(owner, noteId), noteDecider, command, { metadata });

  const summarize = (plan: Awaited<ReturnType<typeof planRestore<ReturnType<ReturnType<typeof notebookSpec>['initialState']>>>>): RestoreSummary => {
    const out: RestoreSummary = { position: plan.position, restored: [], deleted: [], edited: [] };
    for (const a of plan.appends) {
      const e = a.events[0]!;
      const id = (e.data as { noteId: string }).noteId;
      const title = plan.target.get(id)?.title ?? plan.current.get(id)?.title ?? id;
      if (e.type === 'notes.NoteRestored') out.restored.push(title);
      else if (e.type === 'notes.NoteDeleted') out.deleted.push(title);
      else out.edited.push(title);
    }
    return out;
  };

  return {
    async create(owner: string, input: { title: string; body: string }, metadata: EventMetadata): Promise<string> {
      const noteId = newId();
      await run(owner, noteId, { type: 'create', noteId, owner, title: input.title, body: input.body }, metadata);
      return noteId;
    },
    async edit(owner: string, noteId: string, input: { title: string; body: string }, metadata: EventMetadata) {
      await run(owner, noteId, { type: 'edit', ...input }, metadata);
    },
    async remove(owner: string, noteId: string, metadata: EventMetadata) {
      await run(owner, noteId, { type: 'delete' }, metadata);
    },
    async undelete(owner: string, noteId: string, metadata: EventMetadata) {
      await run(owner, noteId, { type: 'undelete' }, metadata);
    },
    async list(owner: string, opts: { deleted?: boolean } = {}): Promise<NoteRow[]> {
      let q = deps.db.selectFrom('notes_notes').selectAll().where('owner', '=', owner);
      q = opts.deleted ? q.where('deleted_at', 'is not', null) : q.where('deleted_at', 'is', null);
      return (await q.orderBy('updated_at', 'desc').limit(NOTES_PAGE).execute()) as NoteRow[];
    },
    async get(owner: string, noteId: string): Promise<NoteRow | undefined> {
      return (await deps.db.selectFrom('notes_notes').selectAll().where('owner', '=', owner).where('id', '=', noteId).executeTakeFirst()) as NoteRow | undefined;
    },
    async previewRestore(owner: string, at: RestorePoint, metadata: EventMetadata): Promise<RestoreSummary> {
      return summarize(await planRestore(deps.events, notebookSpec(owner), at, metadata, await deps.auth.retentionDays()));
    },
    async restore(owner: string, at: RestorePoint, metadata: EventMetadata): Promise<RestoreSummary> {
      const { plan } = await restoreCollection(deps.events, notebookSpec(owner), at, metadata, await deps.auth.retentionDays());
      return summarize(plan);
    },
  };
}

export type NotesService = ReturnType<typeof createNotesService>;
