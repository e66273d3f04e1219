// The frame every mail page shares: the folder tree on the left, the page's content on
// the right, mail.css and mail.js (served by mailStaticRoutes under /mail/static/).
// Other mail areas (compose, settings) render inside it with <MailShell>.
import type { Child } from 'hono/jsx';
import type { MailboxInfo, SpecialUse } from '../../store/types.ts';
import { Icon, type IconName } from './icons.tsx';
import { mailAssetUrl } from './mail-static.ts';

const ICONS: Record<SpecialUse | 'INBOX' | 'folder', IconName> = {
  INBOX: 'inbox', '\\Drafts': 'drafts', '\\Sent': 'sent', '\\Archive': 'archive', '\\Junk': 'junk', '\\Trash': 'trash', '\\All': 'all', '\\Flagged': 'flagged', folder: 'folder',
};
const ORDER: (SpecialUse | 'INBOX' | null)[] = ['INBOX', '\\Drafts', '\\Sent', '\\Archive', '\\Junk', '\\Trash'];

export function mailboxIcon(mb: Pick<MailboxInfo, 'name' | 'specialUse'>): IconName {
  return mb.name === 'INBOX' ? ICONS.INBOX : ICONS[mb.specialUse ?? 'folder'];
}

/** Display name: the last level of the hierarchy. */
export function leafName(name: string): string {
  return name.split('/').at(-1) ?? name;
}

/** Special-use folders first in the usual order, the rest alphabetically (parents before children). */
export function sortMailboxes(boxes: readonly MailboxInfo[]): MailboxInfo[] {
  const rank = (m: MailboxInfo) => {
    const top = boxes.find((b) => b.name === m.name.split('/')[0]) ?? m;
    const i = ORDER.indexOf(top.name === 'INBOX' ? 'INBOX' : top.specialUse);
    return i === -1 ? ORDER.length : i;
  };
  return [...boxes].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function FolderTree({ mailboxes, currentId, currentPath }: { mailboxes: readonly MailboxInfo[]; currentId?: string | undefined; currentPath?: string | undefined }) {
  return (
    <nav class="mail-folders" id="mail-folders" aria-label="Folders">
      <a class="btn btn-block mail-compose" href="/mail/compose" data-key="c">Compose</a>
      <ul>
        {sortMailboxes(mailboxes).map((m) => {
          const depth = m.name.split('/').length - 1;
          return (
            <li class={`depth-${Math.min(depth, 6)}`}>
              <a href={`/mail/m/${m.id}`} data-drop-mailbox={m.id} aria-current={m.id === currentId ? 'page' : undefined}
                data-special={m.name === 'INBOX' ? 'inbox' : m.specialUse ? m.specialUse.slice(1).toLowerCase() : undefined}>
                <span class="icon"><Icon name={mailboxIcon(m)} /></span>
                <span class="name">{leafName(m.name)}</span>
                {m.unseen > 0 ? <span class="count" aria-label={`${m.unseen} unread`}>{m.unseen}</span> : null}
              </a>
            </li>
          );
        })}
      </ul>
      <p class="mail-folder-links">
        <a href="/mail/deleted" aria-current={currentPath === '/mail/deleted' ? 'page' : undefined}>Recently deleted</a>
        <a href="/mail/folders" aria-current={currentPath === '/mail/folders' ? 'page' : undefined}>Manage folders</a>
      </p>
    </nav>
  );
}

export interface MailShellProps {
  mailboxes: readonly MailboxInfo[];
  currentId?: string | undefined;
  /** Extra class on the frame: `reading` shows the reading pane first on small screens. */
  mode?: string;
  /** The search box's current values. */
  q?: string;
  /** The page's path, to mark "Recently deleted" / "Manage folders" as current. */
  path?: string;
  children?: Child;
}

export function MailShell({ mailboxes, currentId, mode, q, path, children }: MailShellProps) {
  return (
    <>
      <link rel="stylesheet" href={mailAssetUrl('mail.css')} />
      <script src={mailAssetUrl('mail.js')} defer></script>
      <div class={`mail-app ${mode ?? ''}`} data-mail-events="/mail/events">
        <form class="mail-search" method="get" action="/mail/search" role="search">
          <label class="visually-hidden" for="mail-q">Search mail</label>
          <input id="mail-q" type="search" name="q" value={q ?? ''} placeholder="Search mail  ( / )" />
          {currentId ? <input type="hidden" name="in" value="all" /> : null}
          <button class="btn btn-secondary btn-small" type="submit">Search</button>
        </form>
        <FolderTree mailboxes={mailboxes} currentId={currentId} currentPath={path} />
        <div class="mail-content">{children}</div>
      </div>
    </>
  );
}
