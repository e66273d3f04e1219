// The appliance's HTTP app: core middleware, the pages core owns (login, account),
// static assets, and every plugin's sub-app mounted at /<id>.
//
// Order matters: request id and security headers wrap everything (error responses
// included); /healthz and static assets answer before any session lookup; then
// session → CSRF → page renderer run for every other route, plugins included.
import { Hono } from 'hono';
import type { ResolvedConfig } from '../config/load-config.ts';
import type { AuthService } from '../identity/auth-service.ts';
import type { IdentityApi } from '../identity/identity-api.ts';
import type { Logger } from '../logger.ts';
import type { NavItem, PresenceProvider } from '../plugins/define-plugin.ts';
import { ForbiddenError } from '../errors.ts';
import { csrfProtection } from './csrf.ts';
import { createDavApp, wellKnownDavApp } from '../dav/dav-app.ts';
import { nextcloudCompatApp } from '../dav/nextcloud-compat.ts';
import type { DavCollectionBackend, DavTreeBackend } from '../dav/types.ts';
import type { CairnEnv } from './env.ts';
import { errorHandler, notFoundHandler } from './error-handler.tsx';
import { LoginFlows, loginFlowApi, loginFlowPages } from './login-flow/index.ts';
import { pageRenderer } from './page-renderer.ts';
import { requestId } from './request-id.ts';
import { accountRoutes } from './routes/account.tsx';
import { loginRoutes } from './routes/login.tsx';
import { securityHeaders } from './security-headers.ts';
import { session } from './session.ts';
import { staticRoutes } from './static-routes.ts';

export interface HttpDeps {
  config: ResolvedConfig;
  logger: Logger;
  identity: IdentityApi;
  auth: AuthService;
  /** From plugins, sorted by order. */
  nav: NavItem[];
  /** Each mounted at /<id>. */
  plugins: { id: string; app: Hono<CairnEnv> }[];
  /** Root-path apps of plugins (well-known URIs, Autodiscover): no session, no CSRF token. */
  mounts?: { path: string; app: Hono<CairnEnv> }[];
  /** Collection trees served at /dav/ (CalDAV, CardDAV); /dav/ and its well-known URIs exist only when one is registered. */
  dav?: (DavCollectionBackend | DavTreeBackend)[];
  /** Presence of the signed-in user in every page's header (a plugin provides it). */
  presence?: PresenceProvider;
  /** Path prefixes exempt from CSRF (plugins' publicPosts: incoming webhooks). */
  csrfExempt?: string[];
  /** Extra fields for /healthz (e.g. log position). */
  health(): Promise<Record<string, unknown>>;
  /** True when the UI is served over TLS. */
  secureCookies: boolean;
  /** Nextcloud Login Flow v2 state (in memory); specs pass one with their own clock or limits. */
  loginFlows?: LoginFlows;
}

/** Paths core owns; a plugin id equal to one of them would shadow core routes. */
const RESERVED = new Set(['static', 'login', 'logout', 'account', 'healthz', 'manifest.webmanifest', 'sw.js', 'favicon.ico']);

export function createHttpApp(deps: HttpDeps): Hono<CairnEnv> {
  const { logger, nav } = deps;
  const app = new Hono<CairnEnv>();
  app.onError(errorHandler({ logger, nav }));
  app.notFound(notFoundHandler({ nav }));

  app.use('*', requestId());
  app.use('*', securityHeaders({ hsts: deps.secureCookies }));

  app.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      return c.json({ status: 'ok', ...(await deps.health()) });
    } catch (err) {
      logger.error({ err, requestId: c.var.requestId }, 'health check failed');
      return c.json({ status: 'error', requestId: c.var.requestId }, 503);
    }
  });
  app.route('/', staticRoutes());
  for (const m of deps.mounts ?? []) {
    app.route(m.path, m.app);
    // Outlook asks for /Autodiscover/Autodiscover.xml as well as the lowercase path.
    if (m.path === '/autodiscover') app.route('/Autodiscover', m.app);
  }

  // Nextcloud's apps sign in through Login Flow v2 (core/http/login-flow/), only useful beside its DAV paths.
  const loginFlows = deps.dav && deps.dav.length > 0 ? deps.loginFlows ?? new LoginFlows() : undefined;
  if (deps.dav && deps.dav.length > 0 && loginFlows) {
    // Before sessions and CSRF: DAV is Basic-authenticated on every request (core/dav/dav-app.ts).
    const backends = deps.dav.filter((b): b is DavCollectionBackend => !('kind' in b));
    const trees = deps.dav.filter((b): b is DavTreeBackend => 'kind' in b && b.kind === 'tree');
    const dav = createDavApp({ auth: deps.auth, logger, backends, trees, groups: () => deps.identity.listGroups() });
    app.route('/dav', dav);
    // Nextcloud's paths and discovery endpoints, for its sync clients (core/dav/nextcloud-compat.ts).
    app.route('/', nextcloudCompatApp({ auth: deps.auth, dav }));
    // Its anonymous start and poll endpoints: no cookie, no CSRF token (the poll token is their secret).
    app.route('/', loginFlowApi({ flows: loginFlows, publicUrl: deps.config.publicUrl }));
    app.route('/.well-known/caldav', wellKnownDavApp());
    app.route('/.well-known/carddav', wellKnownDavApp());
  }

  app.use('*', session({ identity: deps.identity, secureCookies: deps.secureCookies }));
  app.use('*', csrfProtection({ secureCookies: deps.secureCookies, publicUrl: deps.config.publicUrl, exempt: deps.csrfExempt ?? [] }));
  app.use('*', pageRenderer(nav, deps.presence));

  app.get('/', (c) => {
    if (!c.var.user) return c.redirect('/login', 302);
    const first = c.var.user.role === 'guest' ? nav.find((n) => n.guests === true) : nav[0];
    return c.redirect(first?.href ?? '/account', 302);
  });
  app.route('/', loginRoutes(deps));
  app.route('/', accountRoutes(deps));
  // The grant page of the login flow: signed in, CSRF-checked.
  if (loginFlows) app.route('/', loginFlowPages({ flows: loginFlows, identity: deps.identity }));

  for (const p of deps.plugins) {
    if (RESERVED.has(p.id)) throw new Error(`plugin id "${p.id}" is reserved for core's own pages`);
    // Guests reach only the apps (or sub-paths) a plugin opens to them in its nav item.
    const open = nav.find((n) => n.href === `/${p.id}` || n.href.startsWith(`/${p.id}/`))?.guests ?? false;
    if (open !== true) {
      const allowed = open === false ? [] : open.map((s) => `/${p.id}${s}`);
      app.use(`/${p.id}/*`, async (c, next) => {
        if (c.var.user?.role === 'guest' && !allowed.some((a) => c.req.path.startsWith(a))) throw new ForbiddenError('this app is not available to guests', 'guest_restricted');
        await next();
      });
    }
    app.route(`/${p.id}`, p.app);
  }
  return app;
}
