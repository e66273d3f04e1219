import { Card } from '../../../ui/components/index.ts';
import type { NodeRow } from '../service/queries.ts';
import { Icon } from './icons.tsx';
import { DriveShell } from './drive-shell.tsx';
import { folderHref } from './format.ts';

export function SharedPage({ items }: { items: { node: NodeRow; right: string; owner: string }[] }) {
  return (
    <DriveShell current="shared">
      <h1>Shared with me</h1>
      <Card title={`Folders (${items.length})`}>
        {items.length === 0 ? <p class="muted">Nobody has shared a folder with you yet.</p> : (
          <ul class="list" id="shared">
            {items.map(({ node, right, owner }) => (
              <li data-node-id={node.node_id}>
                <Icon name="folder" /> <a href={folderHref(node.node_id, { drive: node.drive_id })}>{node.name}</a>
                <span class="muted"> · from {owner} · {right === 'read' ? 'view only' : right === 'write' ? 'can edit' : 'can edit and share'}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </DriveShell>
  );
}
