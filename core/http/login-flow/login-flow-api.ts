// The two anonymous endpoints of Nextcloud's Login Flow v2, for native clients (the
// desktop and mobile apps), mounted before the session and CSRF middleware because
// they carry no cookie and no form token — the poll token is their secret:
//   POST /index.php/login/v2        start a flow: the poll token and endpoint, the login link
//   POST /index.php/login/v2/poll   token=<poll token> → 404 until granted, then the credentials once
// The browser half (the grant page) is login-flow-pages.tsx.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isCairnError, RateLimitedError } from '../../errors.ts';
import { clientIp } from '../client-ip.ts';
import type { CairnEnv } from '../env.ts';
import { deviceLabel } from './device-label.ts';
import type { LoginFlows } from './login-flows.ts';
import { serverUrl } from '../server-url.ts';

export const LOGIN_FLOW_PREFIX = '/index.php/login/v2';
/** A poll is `token=<64 characters>`; anything much larger is not one. */
const MAX_POLL_BODY_BYTES = 4 * 1024;

export interface LoginFlowApiDeps {
  flows: LoginFlows;
  publicUrl: string;
}

export function loginFlowApi(deps: LoginFlowApiDeps): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const { flows } = deps;

  app.post(LOGIN_FLOW_PREFIX, (c) => {
    const server = serverUrl(c, deps.publicUrl);
    try {
      const { pollToken, flowToken } = flows.start({ ip: clientIp(c), device: deviceLabel(c.req.header('user-agent')), server });
      c.header('Cache-Control', 'no-store');
      return c.json({ poll: { token: pollToken, endpoint: `${server}${LOGIN_FLOW_PREFIX}/poll` }, login: `${server}${LOGIN_FLOW_PREFIX}/flow/${flowToken}` });
    } catch (e) {
      return apiError(c, e);
    }
  });

  app.post(`${LOGIN_FLOW_PREFIX}/poll`, bodyLimit({ maxSize: MAX_POLL_BODY_BYTES, onError: (c) => c.json({ error: 'request too large' }, 413) }), async (c) => {
    c.header('Cache-Control', 'no-store');
    // Nextcloud reads the token from the form body or the query string; so does this.
    const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
    const token = typeof form.token === 'string' ? form.token : c.req.query('token') ?? '';
    const credentials = flows.poll(token);
    // Nextcloud answers [] with 404 until the user grants; clients keep polling on 404.
    if (!credentials) return c.json([], 404);
    return c.json(credentials);
  });

  return app;
}

/** User errors as Nextcloud clients show them (`{"error": …}`); anything else goes to the app's error handler. */
function apiError(c: Context<CairnEnv>, e: unknown): Response {
  if (!isCairnError(e) || e.kind === 'server' || e.status >= 500) throw e;
  if (e instanceof RateLimitedError) c.header('Retry-After', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
  return c.json({ error: e.message }, e.status as 400);
}
