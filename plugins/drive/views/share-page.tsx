import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { LinkRow } from '../link/link-service.ts';
import type { NodeRow } from '../service/queries.ts';
import { DriveShell } from './drive-shell.tsx';
import { driveQuery, folderHref, formatTime } from './format.ts';

export interface LinkView { link: LinkRow; url: string; itemName: string }

export function LinkList({ links, csrfToken }: { links: LinkView[]; csrfToken: string }) {
  if (links.length === 0) return <p class="muted">No share links.</p>;
  return (
    <ul class="list" id="links">
      {links.map(({ link, url, itemName }) => (
        <li class="stack drive-link" data-link-id={link.link_id}>
          <div><strong>{itemName}</strong> <span class="muted">· {link.access === 'public' ? 'anyone with the link' : 'signed-in people with access'}
            · {link.permission === 'upload' ? 'view and upload' : 'view and download'}
            {link.password_hash ? ' · password' : ''}
            {link.expires_at ? <> · until <time datetime={link.expires_at}>{formatTime(link.expires_at)}</time></> : ''}</span></div>
          <div class="row">
            <input class="grow mono" readonly value={url} aria-label={`Link to ${itemName}`} />
            <button type="button" class="btn btn-small btn-secondary" data-copy={url}>Copy</button>
            <form method="post" action={`/drive/links/${link.link_id}/revoke`}>
              <CsrfField token={csrfToken} />
              <Button small variant="danger">Revoke</Button>
            </form>
          </div>
        </li>
      ))}
    </ul>
  );
}

export interface PersonView { key: string; label: string; right: 'read' | 'write' | 'share'; presence?: string }

export interface SharePageProps { node: NodeRow; links: LinkView[]; csrfToken: string; flash?: FlashMessage; drive: string; people: PersonView[] }

const RIGHTS: [string, string][] = [['read', 'can view'], ['write', 'can edit'], ['share', 'can edit and share']];

export function SharePage({ node, links, csrfToken, flash, drive, people }: SharePageProps) {
  const dq = driveQuery(drive);
  return (
    <DriveShell current="links">
      <p><a href={folderHref(node.parent_id, { drive })}>← Back to the folder</a></p>
      <h1>Share {node.name}</h1>
      <MaybeFlash message={flash} />
      {node.kind === 'folder' ? (
        <Card title="People" description="People you share a folder with find it under “Shared with me”, and over WebDAV in Shared/.">
          {people.length === 0 ? <p class="muted">Only you.</p> : (
            <ul class="list" id="people">
              {people.map((p) => (
                <li class="row" data-principal={p.key}>
                  <span class="grow">{p.presence ? <><span class={`presence presence-${p.presence}`} role="img" aria-label={p.presence}></span>{' '}</> : null}{p.label} <span class="muted">· {RIGHTS.find(([r]) => r === p.right)?.[1]}</span></span>
                  <form method="post" action={`/drive/nodes/${node.node_id}/people/remove${dq}`}>
                    <CsrfField token={csrfToken} />
                    <input type="hidden" name="principal" value={p.key} />
                    <Button small variant="danger">Remove</Button>
                  </form>
                </li>
              ))}
            </ul>
          )}
          <form method="post" action={`/drive/nodes/${node.node_id}/people${dq}`} class="row">
            <CsrfField token={csrfToken} />
            <div class="field">
              <label for="share-email">Email of a colleague</label>
              <input id="share-email" name="email" type="email" required maxlength={320} />
            </div>
            <div class="field">
              <label for="share-right">They</label>
              <select id="share-right" name="right">{RIGHTS.map(([v, l]) => <option value={v}>{l}</option>)}</select>
            </div>
            <Button>Share</Button>
          </form>
        </Card>
      ) : null}
      <Card title="New link">
        <form method="post" action={`/drive/nodes/${node.node_id}/links${dq}`} class="stack">
          <CsrfField token={csrfToken} />
          <fieldset class="field">
            <legend>Who can open it</legend>
            <label><input type="radio" name="access" value="public" checked /> Anyone with the link</label>
            <label><input type="radio" name="access" value="restricted" /> Only signed-in people who have access</label>
          </fieldset>
          {node.kind === 'folder' ? (
            <fieldset class="field">
              <legend>What they can do</legend>
              <label><input type="radio" name="permission" value="download" checked /> View and download</label>
              <label><input type="radio" name="permission" value="upload" /> Also upload files (drop box)</label>
            </fieldset>
          ) : <input type="hidden" name="permission" value="download" />}
          <div class="row">
            <div class="field">
              <label for="link-password">Password (optional)</label>
              <input id="link-password" name="password" type="password" autocomplete="new-password" maxlength={1024} />
            </div>
            <div class="field">
              <label for="link-expires">Expires (UTC, optional)</label>
              <input id="link-expires" name="expires" type="datetime-local" />
            </div>
          </div>
          <Button>Create link</Button>
        </form>
      </Card>
      <Card title="Links to this item">
        <LinkList links={links} csrfToken={csrfToken} />
      </Card>
    </DriveShell>
  );
}

export function LinksPage({ links, csrfToken, flash }: { links: LinkView[]; csrfToken: string; flash?: FlashMessage }) {
  return (
    <DriveShell current="links">
      <h1>Share links</h1>
      <MaybeFlash message={flash} />
      <Card title={`Active links (${links.length})`} description="Create a link from a file's or folder's menu. Revoking a link stops it working at once.">
        <LinkList links={links} csrfToken={csrfToken} />
      </Card>
    </DriveShell>
  );
}
