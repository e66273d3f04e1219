import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { NodeRow } from '../service/queries.ts';
import { Icon, iconFor } from './icons.tsx';
import { DriveShell } from './drive-shell.tsx';
import { formatBytes, formatTime } from './format.ts';

export function TrashPage({ items, csrfToken, flash }: { items: NodeRow[]; csrfToken: string; flash?: FlashMessage }) {
  return (
    <DriveShell current="trash">
      <h1>Trash</h1>
      <MaybeFlash message={flash} />
      <Card title={`In the trash (${items.length})`} description="Deleted files and folders stay here until you purge them. A folder comes back with everything that was in it.">
        {items.length === 0 ? <p class="muted">The trash is empty.</p> : (
          <ul class="list" id="trash">
            {items.map((n) => (
              <li class="row drive-trash-item" data-node-id={n.node_id}>
                <span class="grow"><Icon name={iconFor(n.kind, n.content_type)} /> <strong>{n.name}</strong>
                  <span class="muted"> · {n.kind === 'folder' ? 'folder' : formatBytes(Number(n.size))} · deleted <time datetime={n.trashed_at!}>{formatTime(n.trashed_at!)}</time></span></span>
                <form method="post" action={`/drive/trash/${n.node_id}/restore`}>
                  <CsrfField token={csrfToken} />
                  <Button small variant="secondary">Restore</Button>
                </form>
                <form method="post" action={`/drive/trash/${n.node_id}/purge`}>
                  <CsrfField token={csrfToken} />
                  <Button small variant="danger">Delete forever</Button>
                </form>
              </li>
            ))}
          </ul>
        )}
        {items.length > 0 ? (
          <form method="post" action="/drive/trash/empty">
            <CsrfField token={csrfToken} />
            <Button variant="danger">Empty the trash</Button>
          </form>
        ) : null}
      </Card>
    </DriveShell>
  );
}
