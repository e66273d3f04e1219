import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { FolderRestoreSummary } from '../service/drive-service.ts';
import { DriveShell } from './drive-shell.tsx';
import { folderHref } from './format.ts';

const PRESETS: [string, string][] = [['24h', '24 hours ago'], ['48h', '48 hours ago'], ['7d', '7 days ago'], ['30d', '30 days ago']];

export interface RestorePageProps {
  csrfToken: string;
  folderId: string;
  folderName: string;
  /** Folders to choose from (id → path). */
  folders: { id: string; path: string }[];
  /** What the form was filled with, shown again beside its preview. */
  choice?: { preset?: string; at?: string };
  flash?: FlashMessage;
  preview?: { at: string; label: string; summary: FolderRestoreSummary };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function RestorePage(p: RestorePageProps) {
  const s = p.preview?.summary;
  const changes = s ? s.broughtBack.length + s.removed.length + s.reverted.length + s.moved.length : 0;
  return (
    <DriveShell current="restore">
      <h1>Restore a folder</h1>
      <MaybeFlash message={p.flash} />
      <Card title="As it was" description="Bring a folder and everything in it back to how it was at an earlier moment. Nothing is lost: items added since go to the trash, and a restore can itself be undone.">
        <form method="get" action="/drive/restore" class="row restore-form">
          <div class="field">
            <label for="folder">Folder</label>
            <select id="folder" name="folder">
              <option value="">/ (all my files)</option>
              {p.folders.map((f) => <option value={f.id} selected={f.id === p.folderId}>{f.path}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="preset">Back to</label>
            <select id="preset" name="preset">
              {PRESETS.map(([v, l]) => <option value={v} selected={!p.choice?.at && v === p.choice?.preset}>{l}</option>)}
              {/* Said so when the exact time was used, rather than showing a preset that did not count. */}
              <option value="" selected={!!p.choice?.at}>the moment on the right</option>
            </select>
          </div>
          <div class="field">
            <label for="at">or exactly at (UTC)</label>
            <input id="at" name="at" type="datetime-local" step="1" value={p.choice?.at ?? ''} />
          </div>
          <Button variant="secondary">Preview</Button>
        </form>
        {p.preview && s ? (
          <section class="stack restore-preview" id="restore-preview" aria-labelledby="restore-preview-title">
            <h3 id="restore-preview-title">Preview</h3>
            <p>Restoring <strong>{p.folderName}</strong> to how it was at <strong><time datetime={p.preview.at}>{p.preview.label}</time></strong> will {changes === 0 ? 'change nothing: it already looks like that.' : `change ${plural(changes, 'item', 'items')}:`}</p>
            {changes === 0 ? null : (
              <ul class="restore-changes">
                {s.broughtBack.map((n) => <li><span class="restore-verb">bring back</span> <strong>{n}</strong></li>)}
                {s.reverted.map((n) => <li><span class="restore-verb">put back the earlier version of</span> <strong>{n}</strong></li>)}
                {s.moved.map((m) => m.from === m.to
                  ? <li><span class="restore-verb">put back where it was</span> <strong>{m.to}</strong></li>
                  : <li><span class="restore-verb">rename</span> <strong>{m.from}</strong> <span class="restore-verb">back to</span> <strong>{m.to}</strong></li>)}
                {s.removed.map((n) => <li><span class="restore-verb">move to the trash</span> <strong>{n}</strong> <span class="muted">(added later)</span></li>)}
              </ul>
            )}
            {changes === 0 ? null : (
              <form method="post" action="/drive/restore" class="row">
                <CsrfField token={p.csrfToken} />
                <input type="hidden" name="folder" value={p.folderId} />
                <input type="hidden" name="at" value={p.preview.at} />
                <Button>Restore</Button>
                <a class="btn btn-secondary" href={folderHref(p.folderId)}>Cancel</a>
              </form>
            )}
          </section>
        ) : null}
      </Card>
    </DriveShell>
  );
}
