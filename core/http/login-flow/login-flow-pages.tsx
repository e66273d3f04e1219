// The browser half of Nextcloud's Login Flow v2: the link a native client opens.
//   GET  /index.php/login/v2/flow/<flow token>   "Connect <device> to your account?" (sign-in first, then back here)
//   POST /index.php/login/v2/flow/<flow token>   Grant: a new app password, kept on the flow for the client's poll
//   POST /index.php/login/v2/flow/<flow token>/deny   Cancel: the flow is dropped, nothing is granted
// Mounted after the session and CSRF middleware: these are ordinary signed-in pages, and
// the grant is a form carrying the CSRF token, so another site cannot grant for a user.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LoginFlowDeniedView, LoginFlowDoneView, LoginFlowGrantView } from '../../../ui/views/login-flow.tsx';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { IdentityApi } from '../../identity/identity-api.ts';
import { uiActor } from '../actor.ts';
import type { CairnEnv } from '../env.ts';
import { requireUser } from '../require-user.ts';
import { LOGIN_FLOW_PREFIX } from './login-flow-api.ts';
import type { LoginFlows } from './login-flows.ts';

/** The grant form holds only the CSRF token. */
const MAX_FORM_BYTES = 16 * 1024;
const FLOW_PATH = `${LOGIN_FLOW_PREFIX}/flow/:token`;
const TITLE = 'Connect an app';

export interface LoginFlowPagesDeps {
  flows: LoginFlows;
  identity: IdentityApi;
}

type C = Context<CairnEnv>;

export function loginFlowPages(deps: LoginFlowPagesDeps): Hono<CairnEnv> {
  const { flows, identity } = deps;
  const app = new Hono<CairnEnv>();
  // requireUser sends a signed-out browser to /login?next=<this page> and back here after.
  app.use(FLOW_PATH, requireUser, bodyLimit({ maxSize: MAX_FORM_BYTES }));
  app.use(`${FLOW_PATH}/deny`, requireUser, bodyLimit({ maxSize: MAX_FORM_BYTES }));

  /** The flow behind the URL, for a user allowed to grant; typed errors otherwise (404, 403 pages). */
  const flowOf = (c: C) => {
    // Guests get no device passwords: they reach neither DAV nor the sync clients' paths.
    if (c.var.user!.role === 'guest') throw new ForbiddenError('Guest accounts cannot connect apps.', 'guest_restricted');
    const view = flows.view(c.req.param('token') ?? '');
    if (!view) throw new NotFoundError('This sign-in link has expired or was already used. Start again from the app.', 'login_flow_not_found');
    return view;
  };

  app.get(FLOW_PATH, (c) => {
    const flow = flowOf(c);
    if (flow.state !== 'pending') return c.render(<LoginFlowDoneView device={flow.device} already />, { title: TITLE });
    const action = c.req.path;
    return c.render(<LoginFlowGrantView device={flow.device} email={c.var.user!.email} csrfToken={c.var.csrfToken} action={action} />, { title: TITLE });
  });

  app.post(FLOW_PATH, async (c) => {
    const flow = flowOf(c);
    const claim = flows.claim(c.req.param('token') ?? '');
    // Granted (or being granted by a second click) already: one flow, one app password.
    if (!claim) return c.render(<LoginFlowDoneView device={flow.device} already />, { title: TITLE });
    const user = c.var.user!;
    let created: { id: string; password: string };
    try {
      created = await identity.createAppPassword(user.id, claim.device, uiActor(c));
    } catch (e) {
      flows.release(claim);
      throw e;
    }
    if (!flows.grant(claim, { loginName: user.email, appPassword: created.password })) {
      // The flow expired while the password was being made: nobody can collect it.
      await identity.revokeAppPassword(user.id, created.id, uiActor(c));
      throw new NotFoundError('This sign-in link expired meanwhile. Start again from the app.', 'login_flow_not_found');
    }
    return c.render(<LoginFlowDoneView device={claim.device} />, { title: TITLE });
  });

  app.post(`${FLOW_PATH}/deny`, (c) => {
    const flow = flowOf(c);
    // Already granted: nothing to take back here (the device is listed under Account → Devices).
    if (!flows.deny(c.req.param('token') ?? '')) return c.render(<LoginFlowDoneView device={flow.device} already />, { title: TITLE });
    return c.render(<LoginFlowDeniedView device={flow.device} />, { title: TITLE });
  });

  return app;
}
