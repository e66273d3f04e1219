import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { NodeRow } from '../service/queries.ts';
import { destinationValue, type DestinationGroup } from '../routes/copy-destinations.ts';
import { DriveShell } from './drive-shell.tsx';
import { folderHref, formatBytes } from './format.ts';

export interface CopyPageProps {
  csrfToken: string;
  node: NodeRow;
  /** '' when the item is in the viewer's own drive, else its drive id. */
  drive: string;
  groups: DestinationGroup[];
  flash?: FlashMessage;
}

/** "Copy to…": a folder picker over every drive the viewer may write, one group per drive. */
export function CopyPage(p: CopyPageProps) {
  const what = p.node.kind === 'folder' ? 'folder and everything in it' : `file (${formatBytes(Number(p.node.size))})`;
  return (
    <DriveShell current={p.drive ? 'shared' : 'files'}>
      <p><a href={folderHref(p.node.parent_id, { drive: p.drive })}>← Back to the folder</a></p>
      <h1>Copy “{p.node.name}”</h1>
      <MaybeFlash message={p.flash} />
      <Card title="Copy to…" description={`Puts a copy of this ${what} into a folder of your drive or a folder shared with you that you may edit. The copy counts against the space of the drive it goes to; if the name is taken there, it is called “name (2)”.`}>
        <form method="post" action={`/drive/nodes/${p.node.node_id}/copy`} class="stack" id="copy-form">
          <CsrfField token={p.csrfToken} />
          <input type="hidden" name="drive" value={p.drive} />
          <div class="field">
            <label for="copy-to">Folder</label>
            <select id="copy-to" name="to" required>
              {p.groups.map((g) => (
                <optgroup label={g.label}>
                  {g.folders.map((f) => <option value={destinationValue(g.driveId, f.id)}>{f.path}</option>)}
                </optgroup>
              ))}
            </select>
          </div>
          <div class="row">
            <Button>Copy here</Button>
            <a class="btn btn-secondary" href={folderHref(p.node.parent_id, { drive: p.drive })}>Cancel</a>
          </div>
        </form>
      </Card>
    </DriveShell>
  );
}
