// The drive's own stylesheet and script (served by routes/assets.ts), and its sub-navigation.
import type { Child } from 'hono/jsx';
import { driveAssetUrl } from '../routes/assets.ts';

export function DriveShell({ children, current }: { children?: Child; current?: 'files' | 'recent' | 'favorites' | 'shared' | 'trash' | 'links' | 'restore' | 'search' }) {
  const tab = (key: string, href: string, label: string) => <a href={href} aria-current={current === key ? 'page' : undefined}>{label}</a>;
  return (
    <div class="drive stack">
      <link rel="stylesheet" href={driveAssetUrl('drive.css')} />
      <script src={driveAssetUrl('drive.js')} defer></script>
      <nav class="drive-tabs" aria-label="Drive">
        {tab('files', '/drive', 'My files')}
        {tab('recent', '/drive/recent', 'Recent')}
        {tab('favorites', '/drive/favorites', 'Favorites')}
        {tab('shared', '/drive/shared', 'Shared with me')}
        {tab('trash', '/drive/trash', 'Trash')}
        {tab('links', '/drive/links', 'Share links')}
        {tab('restore', '/drive/restore', 'Restore')}
      </nav>
      {children}
    </div>
  );
}
