import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { FolderRestoreSummary } from '../service/drive-service.ts';
import { DriveShell } from './drive-shell.tsx';

const PRESETS: [string, string][] = [['24h', '24 hours ago'], ['48h', '48 hours ago'], ['7d', '7 days ago'], ['30d', '30 days ago']];

export interface RestorePageProps {
  csrfToken: string;
  folderId: string;
  folderName: string;
  /** Folders to choose from (id → path). */
  folders: { id: string; path: string }[];
  flash?: FlashMessage;
  preview?: { at: string; label: string; summary: FolderRestoreSummary };
}

export function RestorePage(p: RestorePageProps) {
  const s = p.preview?.summary;
  return (
    <DriveShell current="restore">
      <h1>Restore a folder</h1>
      <MaybeFlash message={p.flash} />
      <Card title="As it was" description="Bring a folder and everything in it back to how it was at an earlier moment. Nothing is lost: items added since go to the trash, and a restore can itself be undone.">
        <form method="get" action="/drive/restore" class="row">
          <div class="field">
            <label for="folder">Folder</label>
            <select id="folder" name="folder">
              <option value="">/ (all my files)</option>
              {p.folders.map((f) => <option value={f.id} selected={f.id === p.folderId}>{f.path}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="preset">As it was</label>
            <select id="preset" name="preset">{PRESETS.map(([v, l]) => <option value={v}>{l}</option>)}</select>
          </div>
          <div class="field">
            <label for="at">or at (UTC)</label>
            <input id="at" name="at" type="datetime-local" step="1" />
          </div>
          <Button variant="secondary">Preview</Button>
        </form>
        {p.preview && s ? (
          <div class="stack" id="restore-preview">
            <p>Restoring <strong>{p.folderName}</strong> to <strong>{p.preview.label}</strong> will:</p>
            {s.broughtBack.length + s.removed.length + s.reverted.length === 0 ? <p class="muted">change nothing — it already looks like that.</p> : (
              <ul>
                {s.broughtBack.map((n) => <li>bring back <strong>{n}</strong></li>)}
                {s.reverted.map((n) => <li>put back the earlier content or place of <strong>{n}</strong></li>)}
                {s.removed.map((n) => <li>move <strong>{n}</strong> to the trash (added later)</li>)}
              </ul>
            )}
            <form method="post" action="/drive/restore">
              <CsrfField token={p.csrfToken} />
              <input type="hidden" name="folder" value={p.folderId} />
              <input type="hidden" name="at" value={p.preview.at} />
              <Button>Restore</Button>
            </form>
          </div>
        ) : null}
      </Card>
    </DriveShell>
  );
}
