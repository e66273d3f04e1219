// The HTML shell of every page: theme, header with the apps' navigation, the account
// link and sign-out, then the page's content. Plugins render through `c.render(...)`
// (core/http/page-renderer.ts), which fills in the chrome from the request.
import type { Child } from 'hono/jsx';
import type { SessionUser, Theme } from '../core/identity/auth-service.ts';
import type { NavItem, Presence } from '../core/plugins/define-plugin.ts';
import { assetUrl, themeColors } from './assets.ts';
import { CsrfField } from './components/csrf-field.tsx';

/** What the shell needs to know about the request. */
export interface PageChrome {
  user: SessionUser | undefined;
  nav: readonly NavItem[];
  /** The request path, to mark the current app in the navigation. */
  path: string;
  csrfToken: string;
  /** The user's presence and custom status, when a plugin provides presence. */
  status?: { presence: Presence; emoji?: string; text?: string } | undefined;
}

const PRESENCE_LABEL: Record<Presence, string> = { online: 'Online', away: 'Away', dnd: 'Do not disturb', offline: 'Offline' };

export interface LayoutProps extends PageChrome {
  title: string;
  children?: Child;
}

/**
 * htmx settings: no eval, no inline <script>/<style> (the CSP forbids them), no history
 * snapshots in localStorage (pages are personal), and 422 responses are swapped so forms
 * can show their validation errors in place.
 */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  selfRequestsOnly: true,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    { code: '[45]..', swap: false, error: true },
  ],
});

export function isCurrent(path: string, href: string): boolean {
  return path === href || path.startsWith(href.endsWith('/') ? href : `${href}/`);
}

function ThemeColor({ theme }: { theme: Theme }) {
  if (theme === 'auto') {
    return (
      <>
        <meta name="theme-color" content={themeColors.light} media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content={themeColors.dark} media="(prefers-color-scheme: dark)" />
      </>
    );
  }
  return <meta name="theme-color" content={themeColors[theme]} />;
}

export function Layout({ title, user, nav, path, csrfToken, status, children }: LayoutProps) {
  const theme: Theme = user?.theme ?? 'auto';
  // Guests see only the apps opened to them (NavItem.guests); core refuses them the others.
  const visible = user?.role === 'guest' ? nav.filter((n) => n.guests === true) : nav;
  const items: NavItem[] = user ? [...visible, { label: 'Account', href: '/account', icon: '⚙' }] : [];
  return (
    <html lang="en" data-theme={theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>{title === 'Cairn' ? title : `${title} · Cairn`}</title>
        <meta name="csrf-token" content={csrfToken} />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <meta name="color-scheme" content={theme === 'auto' ? 'light dark' : theme} />
        <ThemeColor theme={theme} />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="icon" href={assetUrl('/static/icon.svg')} type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/static/icon-192.png" />
        <link rel="stylesheet" href={assetUrl('/static/app.css')} />
        <script src={assetUrl('/static/htmx.min.js')} defer></script>
        <script src={assetUrl('/static/app.js')} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="topbar">
          <a class="brand" href="/" aria-label="Cairn home">
            <img src={assetUrl('/static/icon.svg')} alt="" width="28" height="28" />
            <span>Cairn</span>
          </a>
          {user ? (
            <>
              <nav class="appnav" aria-label="Apps">
                {items.map((item) => (
                  <a href={item.href} aria-current={isCurrent(path, item.href) ? 'page' : undefined}>
                    {item.icon ? <span aria-hidden="true">{item.icon}</span> : null}
                    {item.label}
                  </a>
                ))}
              </nav>
              <div class="userbox">
                {status ? (
                  <span class="status" title={`${PRESENCE_LABEL[status.presence]}${status.text ? ` · ${status.text}` : ''}`}>
                    <span class={`presence presence-${status.presence}`} data-user={user.id} aria-label={PRESENCE_LABEL[status.presence]} role="img"></span>
                    {status.emoji ? <span class="status-emoji" aria-hidden="true">{status.emoji}</span> : null}
                  </span>
                ) : null}
                <a class="who" id="user-name" href="/account" title={user.email}>{user.displayName || user.email}</a>
                <form method="post" action="/logout">
                  <CsrfField token={csrfToken} />
                  <button type="submit" class="btn btn-ghost btn-small">Sign out</button>
                </form>
              </div>
            </>
          ) : null}
        </header>
        <div id="global-flash" aria-live="polite"></div>
        <main id="main" class="container">{children}</main>
      </body>
    </html>
  );
}

/** A complete HTML document (doctype + Layout) as a string. */
export async function renderDocument(props: LayoutProps): Promise<string> {
  return `<!DOCTYPE html>${await (<Layout {...props} />).toString()}`;
}
