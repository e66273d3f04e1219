// A folder-by-folder chooser of drive files that turns a file into a share link, for
// the pages of other apps that attach drive files as links (mail compose, calendar
// events). The page owns the routes: `base` lists a folder (?folder=&parent=) and
// `${base}/link` makes the link from {node, access}; this is only the markup, driven by htmx.
import type { Child } from 'hono/jsx';

export interface DrivePickerItem { id: string; name: string; kind: 'folder' | 'file'; size?: number }

export interface DriveFilePickerProps {
  items: DrivePickerItem[];
  folder: string | undefined;
  parent: string | undefined;
  /** The page's listing route, e.g. /mail/compose/drive. */
  base: string;
  /** Id of this picker's element (it replaces itself when browsing). */
  id: string;
  /** Selector the new link's markup is appended to. */
  linksTarget: string;
  /** Class of the list (the page's own styling). */
  listClass: string;
  labels: { public: string; restricted: string };
  /** Shown after a file's name (its size, when the page shows one). */
  detail?: (item: DrivePickerItem) => Child;
}

export function DriveFilePicker(p: DriveFilePickerProps) {
  const browse = (folder: string | undefined, parent?: string) => {
    const q = new URLSearchParams();
    if (folder) q.set('folder', folder);
    if (parent) q.set('parent', parent);
    const s = q.toString();
    return s ? `${p.base}?${s}` : p.base;
  };
  const nav = { 'hx-target': `#${p.id}`, 'hx-swap': 'outerHTML' };
  const link = (id: string, access: 'public' | 'restricted', label: string) => (
    <button type="button" class="btn btn-small btn-secondary" hx-post={`${p.base}/link`} hx-vals={JSON.stringify({ node: id, access })} hx-target={p.linksTarget} hx-swap="beforeend">{label}</button>
  );
  return (
    <div id={p.id}>
      {p.folder ? <p><a href="#" hx-get={browse(p.parent)} {...nav}>← Up</a></p> : null}
      {p.items.length === 0 ? <p class="muted">This folder is empty.</p> : null}
      <ul class={p.listClass}>
        {p.items.map((i) => i.kind === 'folder'
          ? <li><a href="#" hx-get={browse(i.id, p.folder)} {...nav}>📁 {i.name}</a></li>
          : <li><span>{i.name}</span>{p.detail ? <> {p.detail(i)}</> : null}{' '}{link(i.id, 'public', p.labels.public)}{' '}{link(i.id, 'restricted', p.labels.restricted)}</li>)}
      </ul>
    </div>
  );
}
