// The browser side of mail, mounted at /mail: each area is its own folder and router.
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { adminRoutes } from '../admin/admin-routes.tsx';
import { importRoutes } from '../import/import-routes.tsx';
import { setupRoutes } from '../autoconfig/setup-routes.tsx';
import { mailConfigXmlApp } from '../autoconfig/well-known-apps.ts';
import { composeRoutes } from './compose/compose-routes.tsx';
import type { MailWebDepsFn } from './mail-web-deps.ts';
import { readRoutes } from './read/read-routes.tsx';
import { settingsRoutes } from './settings/settings-routes.tsx';

export function mailWebApp(deps: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.route('/compose', composeRoutes(deps));
  app.route('/settings', settingsRoutes(deps));
  app.route('/setup', setupRoutes(deps));
  app.route('/import', importRoutes(deps));
  app.route('/admin', adminRoutes(deps));
  // Thunderbird's second autoconfig location, /mail/config-v1.1.xml (no login: clients ask before they have one).
  app.route('/', mailConfigXmlApp(() => deps().config));
  app.route('/', readRoutes(deps));
  return app;
}
