// The page a share link opens, signed in or not: a file to download, or a folder to
// browse (and drop files into, for upload links). It shows nothing of the owner's
// drive beyond the shared item.
import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { NodeRow } from '../service/queries.ts';
import { Icon, iconFor } from './icons.tsx';
import { driveAssetUrl } from '../routes/assets.ts';
import { formatBytes, formatTime } from './format.ts';

export interface PublicLinkProps {
  token: string;
  csrfToken: string;
  root: NodeRow;
  /** Names from the shared folder down to the one shown. */
  path: string[];
  node: NodeRow;
  items: NodeRow[];
  canUpload: boolean;
  flash?: FlashMessage;
}

const at = (token: string, path: string[], suffix = '') =>
  `/drive/s/${token}${suffix}${path.length ? `?path=${encodeURIComponent(path.join('/'))}` : ''}`;

export function PublicLinkPage(p: PublicLinkProps) {
  return (
    <div class="drive stack drive-public">
      <link rel="stylesheet" href={driveAssetUrl('drive.css')} />
      <script src={driveAssetUrl('drive.js')} defer></script>
      <h1>{p.root.name}</h1>
      <MaybeFlash message={p.flash} />
      {p.node.kind === 'file' ? (
        <Card title={p.node.name} description={`${formatBytes(Number(p.node.size))} · ${formatTime(p.node.modified)}`}>
          <a class="btn" href={at(p.token, p.path, '/download')}>Download</a>
        </Card>
      ) : (
        <Card title={p.path.length ? p.path[p.path.length - 1]! : p.root.name}>
          <p class="row">{p.path.length > 0 ? <a href={at(p.token, p.path.slice(0, -1))}>← Up</a> : null}<a class="btn btn-small btn-secondary" href={at(p.token, p.path, '/zip')}>Download all as .zip</a></p>
          {p.items.length === 0 ? <p class="muted">This folder is empty.</p> : (
            <ul class="list" id="shared-items">
              {p.items.map((n) => (
                <li class="row">
                  <span class="grow"><Icon name={iconFor(n.kind, n.content_type)} /> 
                    {n.kind === 'folder' ? <a href={at(p.token, [...p.path, n.name])}>{n.name}</a> : <a href={at(p.token, [...p.path, n.name], '/download')}>{n.name}</a>}</span>
                  <span class="muted">{n.kind === 'folder' ? '' : formatBytes(Number(n.size))}</span>
                </li>
              ))}
            </ul>
          )}
          {p.canUpload ? (
            <div class="drive-upload" data-upload-url={at(p.token, p.path, '/upload')} data-csrf={p.csrfToken}>
              <label class="btn btn-small" for="upload-input">Upload files</label>
              <input id="upload-input" class="visually-hidden" type="file" multiple />
              <progress class="upload-progress" max="100" value="0" hidden></progress>
              <span class="upload-status muted" aria-live="polite"></span>
            </div>
          ) : null}
        </Card>
      )}
    </div>
  );
}

export function LinkPasswordPage({ token, csrfToken, wrong }: { token: string; csrfToken: string; wrong: boolean }) {
  return (
    <div class="drive stack drive-public">
      <Card title="This link is protected" description="Enter the password you were given.">
        <MaybeFlash message={wrong ? { kind: 'error', text: 'That password is not right.' } : undefined} />
        <form method="post" action={`/drive/s/${token}/unlock`} class="stack">
          <CsrfField token={csrfToken} />
          <div class="field">
            <label for="link-pw">Password</label>
            <input id="link-pw" name="password" type="password" required autofocus maxlength={1024} autocomplete="off" />
          </div>
          <Button>Open</Button>
        </form>
      </Card>
    </div>
  );
}

export function LinkGonePage() {
  return (
    <div class="drive stack drive-public">
      <Card title="This link does not work">
        <p>It may have expired or been revoked, or it was mistyped. Ask the person who sent it for a new one.</p>
      </Card>
    </div>
  );
}

export type { FlashMessage };
