import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { NodeRow, VersionRow } from '../service/queries.ts';
import { DriveShell } from './drive-shell.tsx';
import { folderHref, formatBytes, formatTime } from './format.ts';

export function VersionsPage({ node, versions, csrfToken, flash }: { node: NodeRow; versions: VersionRow[]; csrfToken: string; flash?: FlashMessage }) {
  return (
    <DriveShell current="files">
      <p><a href={folderHref(node.parent_id)}>← Back to the folder</a></p>
      <h1>Versions of {node.name}</h1>
      <MaybeFlash message={flash} />
      <Card title={`${versions.length} version${versions.length === 1 ? '' : 's'}`} description="Restoring a version makes it the current one; the versions in between are kept.">
        <ul class="list" id="versions">
          {versions.map((v) => (
            <li class="row" data-version={String(v.version)}>
              <span class="grow"><strong>Version {v.version}</strong>{v.version === node.version ? <span class="badge"> current</span> : null}
                <span class="muted"> · {formatBytes(Number(v.size))} · <time datetime={v.time}>{formatTime(v.time)}</time></span></span>
              <a class="btn btn-small btn-secondary" href={`/drive/files/${node.node_id}/download?version=${v.version}`}>Download</a>
              {v.version !== node.version ? (
                <form method="post" action={`/drive/files/${node.node_id}/versions/${v.version}/restore`}>
                  <CsrfField token={csrfToken} />
                  <Button small>Restore this version</Button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
    </DriveShell>
  );
}
