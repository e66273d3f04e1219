import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LoginView } from '../../../ui/views/login.tsx';
import { isCairnError, RateLimitedError, UnauthorizedError } from '../../errors.ts';
import type { AuthService } from '../../identity/auth-service.ts';
import type { IdentityApi } from '../../identity/identity-api.ts';
import { clientIp } from '../client-ip.ts';
import type { CairnEnv } from '../env.ts';
import { safeNext } from '../safe-next.ts';
import { clearSessionCookie, setSessionCookie } from '../session.ts';

/** Longest accepted inputs: an email address (RFC 5321 path limit) and a generous passphrase. */
const MAX_EMAIL_LENGTH = 320;
const MAX_PASSWORD_LENGTH = 1024;
/** Forms on these routes are small; anything bigger is not a login. */
const MAX_FORM_BYTES = 64 * 1024;
const MAX_USER_AGENT_LENGTH = 256;

export interface LoginDeps {
  identity: IdentityApi;
  auth: AuthService;
  secureCookies: boolean;
}

/** "in 40 seconds" / "in 3 minutes" for throttling messages. */
export function retryIn(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `in ${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `in ${m} minute${m === 1 ? '' : 's'}`;
}

/** GET/POST /login and POST /logout. */
export function loginRoutes(deps: LoginDeps): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const limit = bodyLimit({ maxSize: MAX_FORM_BYTES });

  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.var.user) return c.redirect(next ?? '/', 302);
    return c.render(<LoginView csrfToken={c.var.csrfToken} next={next} />, { title: 'Sign in' });
  });

  app.post('/login', limit, async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);
    const again = (status: 400 | 401 | 429, text: string) => {
      c.status(status);
      return c.render(<LoginView csrfToken={c.var.csrfToken} next={next} email={email.slice(0, MAX_EMAIL_LENGTH)} message={{ kind: 'error', text }} />, { title: 'Sign in' });
    };
    if (!email || !password) return again(400, 'Enter your email address and password.');
    if (email.length > MAX_EMAIL_LENGTH || password.length > MAX_PASSWORD_LENGTH) return again(401, 'Wrong email address or password.');
    const ip = clientIp(c);
    let user;
    try {
      user = await deps.auth.authenticate(email, password, { protocol: 'web', ip });
    } catch (e) {
      if (e instanceof RateLimitedError) {
        c.header('Retry-After', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
        return again(429, `Too many sign-in attempts. For your security, try again ${retryIn(e.retryAfterSeconds)}.`);
      }
      if (e instanceof UnauthorizedError) return again(401, 'Wrong email address or password.');
      if (isCairnError(e) && e.kind !== 'server' && e.status < 500) return again(400, e.message);
      throw e;
    }
    // A fresh session on every sign-in (no fixation); the one this browser had is ended.
    const previous = c.var.sessionId;
    if (previous) await deps.identity.deleteSession(previous);
    const { token } = await deps.identity.createSession(user.id, { ip, userAgent: (c.req.header('user-agent') ?? '').slice(0, MAX_USER_AGENT_LENGTH) });
    setSessionCookie(c, token, deps.secureCookies);
    return c.redirect(next ?? '/', 303);
  });

  app.post('/logout', limit, async (c) => {
    const sessionId = c.var.sessionId;
    if (sessionId) await deps.identity.deleteSession(sessionId);
    clearSessionCookie(c, deps.secureCookies);
    return c.redirect('/login', 303);
  });

  return app;
}
