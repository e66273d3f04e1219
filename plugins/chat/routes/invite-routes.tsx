// /chat/invite/<token>: a guest's sign-up. Signed out by design (the guest has no
// account yet); the form carries the double-submit CSRF token core issues.
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { setSessionCookie } from '../../../core/http/session.ts';
import { clientIp } from '../../../core/http/client-ip.ts';
import { isCairnError } from '../../../core/errors.ts';
import { GuestSignupPage } from '../views/other-pages.tsx';
import type { ChatContextFn } from './chat-context.ts';

export function inviteRoutes(ctx: ChatContextFn, identity: () => import('../../../core/identity/identity-api.ts').IdentityApi): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const gone = (c: import('hono').Context<CairnEnv>) => {
    c.status(404);
    return c.render(<div class="card chat-page"><h1>Invitation not valid</h1><p>This invitation link has expired, was used already, or was withdrawn. Ask for a new one.</p></div>, { title: 'Invitation' });
  };
  app.get('/:token', async (c) => {
    const inv = await ctx().integrations.invitation(c.req.param('token'));
    if (!inv) return gone(c);
    return c.render(<GuestSignupPage email={inv.email} channels={inv.channelNames} csrfToken={c.var.csrfToken} />, { title: 'Join as a guest' });
  });
  app.post('/:token', async (c) => {
    const token = c.req.param('token');
    const inv = await ctx().integrations.invitation(token);
    if (!inv) return gone(c);
    const f = await c.req.parseBody();
    try {
      const user = await ctx().integrations.accept(token, { displayName: String(f.displayName ?? ''), password: String(f.password ?? '') }, { actor: 'system', source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() });
      const session = await identity().createSession(user.id, { ip: clientIp(c), userAgent: c.req.header('user-agent') ?? '' });
      setSessionCookie(c, session.token, ctx().publicUrl.startsWith('https:'));
      return c.redirect('/chat', 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      c.status(400);
      return c.render(<GuestSignupPage email={inv.email} channels={inv.channelNames} csrfToken={c.var.csrfToken} error={e.message} />, { title: 'Join as a guest' });
    }
  });
  return app;
}
