import type { MiddlewareHandler } from 'hono';
import { renderDocument } from '../../ui/layout.tsx';
import type { NavItem, PresenceProvider } from '../plugins/define-plugin.ts';
import type { CairnEnv } from './env.ts';

/** What a page passes to `c.render` besides its content. */
export interface PageProps {
  title: string;
}

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>;
  }
}

/**
 * Lets every route — core's and plugins' — render a full page with
 * `c.render(<View />, { title })`: the layout with the navigation, the signed-in user,
 * theme and CSRF token. Set `c.status(…)` first for a non-200 page.
 */
export function pageRenderer(nav: readonly NavItem[], presence?: PresenceProvider): MiddlewareHandler<CairnEnv> {
  return async (c, next) => {
    c.setRenderer(async (content, props) => {
      const user = c.var.user;
      // Presence is a nicety: a failing provider must not take the page down with it.
      const status = user && presence ? (await presence.statusOf([user.id]).catch(() => undefined))?.get(user.id) : undefined;
      return c.html(await renderDocument({ title: props.title, user, nav, path: c.req.path, csrfToken: c.var.csrfToken, status, children: await content }));
    });
    await next();
  };
}
