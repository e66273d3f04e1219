import { Button, Card, CsrfField, FormField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { NoteRow, RestoreSummary } from '../notes-service.ts';

export interface NotesPageProps {
  notes: NoteRow[];
  deleted: NoteRow[];
  csrfToken: string;
  flash?: FlashMessage;
  preview?: { at: string; label: string; summary: RestoreSummary };
}

const PRESETS: [string, string][] = [['24h', '24 hours ago'], ['48h', '48 hours ago'], ['7d', '7 days ago'], ['30d', '30 days ago']];

function when(iso: string) {
  return <time datetime={iso}>{new Date(iso).toISOString().replace('T', ' ').slice(0, 16)} UTC</time>;
}

export function NotesPage({ notes, deleted, csrfToken, flash, preview }: NotesPageProps) {
  return (
    <div class="stack">
      <h1>Notes</h1>
      <MaybeFlash message={flash} />
      <Card title="New note">
        <form method="post" action="/notes" class="stack">
          <CsrfField token={csrfToken} />
          <FormField label="Title" name="title" required maxlength={200} />
          <div class="field">
            <label for="body">Text</label>
            <textarea id="body" name="body" rows={4}></textarea>
          </div>
          <Button>Add note</Button>
        </form>
      </Card>
      <Card title={`My notes (${notes.length})`}>
        {notes.length === 0 ? <p class="muted">No notes yet.</p> : (
          <ul class="list" id="notes">
            {notes.map((n) => (
              <li class="note" data-note-id={n.id}>
                <details>
                  <summary><strong>{n.title}</strong> <span class="muted">· {when(n.updated_at)}</span></summary>
                  <form method="post" action={`/notes/${n.id}`} class="stack">
                    <CsrfField token={csrfToken} />
                    <FormField label="Title" name="title" id={`title-${n.id}`} value={n.title} required maxlength={200} />
                    <div class="field">
                      <label for={`body-${n.id}`}>Text</label>
                      <textarea id={`body-${n.id}`} name="body" rows={4}>{n.body}</textarea>
                    </div>
                    <div class="row">
                      <Button small>Save</Button>
                    </div>
                  </form>
                  <form method="post" action={`/notes/${n.id}/delete`}>
                    <CsrfField token={csrfToken} />
                    <Button small variant="danger">Delete</Button>
                  </form>
                </details>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Restore my notes" description="Bring every note back to how it was at an earlier moment. Nothing is lost: a restore can itself be undone.">
        <form method="get" action="/notes/restore" class="row">
          <div class="field">
            <label for="preset">As they were</label>
            <select id="preset" name="preset">
              {PRESETS.map(([v, label]) => <option value={v}>{label}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="at">or at (UTC)</label>
            <input id="at" name="at" type="datetime-local" step="1" />
          </div>
          <Button variant="secondary">Preview</Button>
        </form>
        {preview ? (
          <div class="stack" id="restore-preview">
            <p>Restoring to <strong>{preview.label}</strong> will:</p>
            {preview.summary.restored.length + preview.summary.deleted.length + preview.summary.edited.length === 0
              ? <p class="muted">change nothing — your notes already look like that.</p>
              : (
                <ul>
                  {preview.summary.restored.map((t) => <li>bring back <strong>{t}</strong></li>)}
                  {preview.summary.edited.map((t) => <li>put back the earlier text of <strong>{t}</strong></li>)}
                  {preview.summary.deleted.map((t) => <li>remove <strong>{t}</strong> (created later)</li>)}
                </ul>
              )}
            <form method="post" action="/notes/restore">
              <CsrfField token={csrfToken} />
              <input type="hidden" name="at" value={preview.at} />
              <Button>Restore</Button>
            </form>
          </div>
        ) : null}
      </Card>
      <Card title="Recently deleted">
        {deleted.length === 0 ? <p class="muted">Nothing deleted recently.</p> : (
          <ul class="list">
            {deleted.map((n) => (
              <li class="row">
                <span><strong>{n.title}</strong> <span class="muted">deleted {when(n.deleted_at!)}</span></span>
                <form method="post" action={`/notes/${n.id}/undelete`}>
                  <CsrfField token={csrfToken} />
                  <Button small variant="secondary">Restore</Button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
