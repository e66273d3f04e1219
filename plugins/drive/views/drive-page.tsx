import { Button, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { NodeRow } from '../service/queries.ts';
import type { SharedHit } from '../service/search-shared.ts';
import { Icon, iconFor } from './icons.tsx';
import { DriveShell } from './drive-shell.tsx';
import { driveQuery, folderHref, formatBytes, formatTime } from './format.ts';

export interface DrivePageProps {
  csrfToken: string;
  folderId: string;
  crumbs: { id: string; name: string }[];
  items: NodeRow[];
  /** Folders the user may move things into (id → path), for the move form. */
  folders: { id: string; path: string }[];
  usage: { used: number; quota: number };
  sort: 'name' | 'size' | 'modified';
  dir: 'asc' | 'desc';
  view: 'list' | 'grid';
  flash?: FlashMessage;
  /** Set on the search page. */
  search?: string;
  /** On the search page: matches inside folders others shared with the viewer. */
  shared?: SharedHit[];
  /** A flat list (recent files, favorites) under this heading instead of a folder. */
  listTitle?: string;
  /** Ids the viewer starred. */
  favorites: Set<string>;
  /** '' in one's own drive; the drive id inside a folder someone shared. */
  drive: string;
  /** What the viewer may do here. */
  right: 'owner' | 'share' | 'write' | 'read';
}

function SortLink({ p, by, label }: { p: DrivePageProps; by: DrivePageProps['sort']; label: string }) {
  const active = p.sort === by;
  const dir = active && p.dir === 'asc' ? 'desc' : 'asc';
  return (
    <a href={folderHref(p.folderId, { sort: by, dir, view: p.view, drive: p.drive })} aria-sort={active ? (p.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      {label}{active ? (p.dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </a>
  );
}

function ItemActions({ n, p }: { n: NodeRow; p: DrivePageProps }) {
  const dq = driveQuery(p.drive);
  const canWrite = p.right !== 'read';
  const hidden = <><CsrfField token={p.csrfToken} /><input type="hidden" name="back" value={p.folderId} /><input type="hidden" name="drive" value={p.drive} /></>;
  return (
    <details class="drive-actions">
      <summary aria-label={`Actions for ${n.name}`}>⋯</summary>
      <div class="drive-menu stack">
        {n.kind === 'file' && previewable(n.content_type) ? <a href={`/drive/files/${n.node_id}/view${dq}`} target="_blank" rel="noopener">Open</a> : null}
        {n.kind === 'file' ? <a href={`/drive/files/${n.node_id}/download${dq}`}>Download</a> : null}
        {n.kind === 'file' ? <a href={`/drive/files/${n.node_id}/versions${dq}`}>Versions</a> : <a href={`/drive/nodes/${n.node_id}/zip${dq}`}>Download as .zip</a>}
        {p.right === 'owner' || p.right === 'share' ? <a href={`/drive/nodes/${n.node_id}/share${dq}`}>Share…</a> : null}
        <a href={`/drive/nodes/${n.node_id}/copy${dq}`}>Copy to…</a>
        <form method="post" action={`/drive/nodes/${n.node_id}/favorite`}>
          {hidden}
          <input type="hidden" name="on" value={p.favorites.has(n.node_id) ? '0' : '1'} />
          {p.listTitle === 'Favorites' ? <input type="hidden" name="back_to" value="favorites" /> : null}
          <Button small variant="ghost">{p.favorites.has(n.node_id) ? '★ Remove from favorites' : '☆ Add to favorites'}</Button>
        </form>
        {canWrite ? (
          <>
            <form method="post" action={`/drive/nodes/${n.node_id}/rename`} class="row">
              {hidden}
              <label class="visually-hidden" for={`rename-${n.node_id}`}>New name</label>
              <input id={`rename-${n.node_id}`} name="name" value={n.name} required maxlength={255} />
              <Button small variant="secondary">Rename</Button>
            </form>
            <form method="post" action={`/drive/nodes/${n.node_id}/move`} class="row">
              {hidden}
              <label class="visually-hidden" for={`move-${n.node_id}`}>Move to</label>
              <select id={`move-${n.node_id}`} name="to">
                {p.drive ? null : <option value="">/ (My files)</option>}
                {p.folders.filter((f) => f.id !== n.node_id && !f.path.startsWith(`${pathOf(p, n)}/`)).map((f) => <option value={f.id} selected={f.id === n.parent_id}>{f.path}</option>)}
              </select>
              <Button small variant="secondary">Move</Button>
            </form>
            <form method="post" action={`/drive/nodes/${n.node_id}/delete`}>
              {hidden}
              <Button small variant="danger">Move to trash</Button>
            </form>
          </>
        ) : null}
      </div>
    </details>
  );
}

/** Search matches in folders shared with the viewer: each opens in its own drive's pages. */
function SharedResults({ hits }: { hits: SharedHit[] }) {
  return (
    <section class="drive-shared-results" aria-labelledby="shared-results-title">
      <h2 id="shared-results-title">In folders shared with you</h2>
      <ul class="list">
        {hits.map(({ node: n, path }) => {
          const dq = driveQuery(n.drive_id);
          return (
            <li data-node-id={n.node_id}>
              <Icon name={iconFor(n.kind, n.content_type)} />{' '}
              <a href={n.kind === 'folder' ? folderHref(n.node_id, { drive: n.drive_id }) : `/drive/files/${n.node_id}/download${dq}`}>{n.name}</a>{' '}
              <span class="muted small">in <a href={folderHref(n.parent_id, { drive: n.drive_id })}>{path.join(' › ')}</a>{n.kind === 'file' ? ` · ${formatBytes(Number(n.size))}` : ''}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Types a browser shows by itself. */
const previewable = (type: string) => /^(image\/(png|jpeg|gif|webp)|video\/(mp4|webm)|audio\/|text\/plain|application\/pdf)/.test(type);

const pathOf = (p: DrivePageProps, n: NodeRow) => p.folders.find((f) => f.id === n.node_id)?.path ?? `\u0000${n.node_id}`;

export function DrivePage(p: DrivePageProps) {
  const pct = p.usage.quota > 0 ? Math.min(100, Math.round((p.usage.used / p.usage.quota) * 100)) : 0;
  return (
    <DriveShell current={p.listTitle === 'Favorites' ? 'favorites' : p.listTitle ? 'recent' : p.search !== undefined ? 'search' : 'files'}>
      <div class="drive-head">
        <nav class="crumbs" aria-label="Folder path">
          {p.drive ? <a href="/drive/shared">Shared with me</a> : <a href={folderHref('', p)}>My files</a>}
          {p.crumbs.map((c) => <> <span aria-hidden="true">›</span> <a href={folderHref(c.id, p)}>{c.name}</a></>)}
        </nav>
        <form method="get" action="/drive/search" class="drive-search" role="search">
          <label class="visually-hidden" for="drive-q">Search by name</label>
          <input id="drive-q" name="q" type="search" placeholder="Search by name" value={p.search ?? ''} maxlength={200} />
        </form>
      </div>
      <MaybeFlash message={p.flash} />
      {p.listTitle ? <h1>{p.listTitle}</h1> : null}
      {p.search === undefined && !p.listTitle && p.right !== 'read' ? (
        <div class="drive-toolbar">
          <form method="post" action="/drive/folders" class="row drive-newfolder">
            <CsrfField token={p.csrfToken} />
            <input type="hidden" name="parent" value={p.folderId} />
            <input type="hidden" name="drive" value={p.drive} />
            <label class="visually-hidden" for="new-folder">Folder name</label>
            <input id="new-folder" name="name" placeholder="New folder" required maxlength={255} />
            <Button variant="secondary">Create folder</Button>
          </form>
          <div class="drive-upload" data-upload-url={`/drive/upload${driveQuery(p.drive)}`} data-chunked-url="/drive/uploads" data-drive={p.drive} data-parent={p.folderId} data-csrf={p.csrfToken}>
            <label class="btn" for="upload-input">Upload files</label>
            <input id="upload-input" class="visually-hidden" type="file" multiple />
            <label class="btn btn-secondary" for="upload-folder-input">Upload folder</label>
            {/* webkitdirectory is not in the JSX attribute types; every current browser supports it. */}
            <input id="upload-folder-input" class="visually-hidden" type="file" multiple {...{ webkitdirectory: true }} />
            <progress class="upload-progress" max="100" value="0" hidden></progress>
            <span class="upload-status muted" aria-live="polite"></span>
          </div>
          <div class="drive-view">
            <a href={folderHref(p.folderId, { ...p, view: 'list' })} aria-current={p.view === 'list' ? 'true' : undefined}>List</a>
            <a href={folderHref(p.folderId, { ...p, view: 'grid' })} aria-current={p.view === 'grid' ? 'true' : undefined}>Grid</a>
            {p.drive ? null : <a href={`/drive/restore?folder=${encodeURIComponent(p.folderId)}`}>Restore this folder…</a>}
          </div>
        </div>
      ) : null}
      {p.items.length === 0 ? <p class="muted drive-empty" data-dropzone="true">{p.search !== undefined ? 'Nothing in your drive matches that name.' : p.listTitle ? 'Nothing here yet.' : 'This folder is empty. Drop files here or use “Upload files”.'}</p> : p.view === 'grid' ? (
        <ul class="drive-grid" data-dropzone="true">
          {p.items.map((n) => (
            <li class="drive-tile" data-node-id={n.node_id}>
              <a class="tile-main" href={n.kind === 'folder' ? folderHref(n.node_id, p) : `/drive/files/${n.node_id}/download${driveQuery(p.drive)}`}>
                <span class="tile-icon"><Icon name={iconFor(n.kind, n.content_type)} /></span>
                <span class="tile-name">{n.name}</span>
              </a>
              <span class="muted tile-meta">{n.kind === 'folder' ? 'Folder' : formatBytes(Number(n.size))}</span>
              <ItemActions n={n} p={p} />
            </li>
          ))}
        </ul>
      ) : (
        <table class="drive-table" data-dropzone="true">
          <thead>
            <tr>
              <th scope="col"><SortLink p={p} by="name" label="Name" /></th>
              <th scope="col" class="col-size"><SortLink p={p} by="size" label="Size" /></th>
              <th scope="col" class="col-date"><SortLink p={p} by="modified" label="Modified" /></th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((n) => (
              <tr data-node-id={n.node_id}>
                <td class="col-name">
                  <Icon name={iconFor(n.kind, n.content_type)} /> 
                  <a href={n.kind === 'folder' ? folderHref(n.node_id, p) : `/drive/files/${n.node_id}/download${driveQuery(p.drive)}`}>{n.name}</a>
                  {p.favorites.has(n.node_id) ? <span class="drive-star" title="Favorite"> ★</span> : null}
                </td>
                <td class="col-size">{n.kind === 'folder' ? '—' : formatBytes(Number(n.size))}</td>
                <td class="col-date"><time datetime={n.modified}>{formatTime(n.modified)}</time></td>
                <td class="col-actions"><ItemActions n={n} p={p} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.search !== undefined && p.shared && p.shared.length > 0 ? <SharedResults hits={p.shared} /> : null}
      {p.drive ? null : <p class="muted drive-usage">
        <meter min={0} max={100} value={pct} aria-label="Space used"></meter> {formatBytes(p.usage.used)} of {formatBytes(p.usage.quota)} used
      </p>}
    </DriveShell>
  );
}
