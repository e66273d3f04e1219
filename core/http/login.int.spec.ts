import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpFixture } from './spec-fixture.ts';

describe('sign in and out', () => {
  let fx: Awaited<ReturnType<typeof httpFixture>>;
  beforeAll(async () => { fx = await httpFixture(); });
  afterAll(async () => { await fx?.close(); });

  test('GET /healthz answers without a session', async () => {
    const res = await fx.app.request('/healthz');
    expect(res.status).toBe(200);
    const body = await res.json() as Record<string, unknown>;
    expect(body.status).toBe('ok');
    expect(typeof body.position).toBe('number');
  });

  test('signed out, / and app pages lead to the login page', async () => {
    const c = fx.client();
    const home = await c.get('/');
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/login');
    const probe = await c.get('/probe?x=1');
    expect(probe.status).toBe(302);
    expect(probe.headers.get('location')).toBe('/login?next=%2Fprobe%3Fx%3D1');
    const login = await c.get('/login');
    expect(login.status).toBe(200);
    const page = await login.text();
    expect(page).toContain('<form method="post" action="/login">');
    expect(page).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{43}"/);
  });

  test('a wrong password shows the login form again with a message', async () => {
    const c = fx.client();
    const res = await c.login(fx.owner.email, 'not-the-password');
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toContain('Wrong email address or password.');
    expect(page).toContain(`value="${fx.owner.email}"`);
    expect(c.cookies.has('cairn_session')).toBe(false);
  });

  test('signing in sets an HttpOnly, SameSite=Lax session cookie and lands on the first app', async () => {
    const c = fx.client();
    const res = await c.login(fx.owner.email, fx.owner.password);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('cairn_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    const home = await c.get('/');
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/probe');
    const probe = await c.get('/probe');
    expect(probe.status).toBe(200);
    const page = await probe.text();
    expect(page).toContain('<p id="probe">Hello');
    expect(page).toContain('aria-current="page"');
    expect(page).toContain('href="/account"');
    expect(page).toContain(fx.owner.email);
    expect(probe.headers.get('cache-control')).toBe('private, no-store');
    // Signed in, /login goes straight on.
    const again = await c.get('/login?next=/account');
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/account');
  });

  test('over TLS the session cookie is Secure', async () => {
    const tls = await httpFixture({ publicUrl: 'https://example.test' });
    try {
      const c = tls.client();
      const res = await c.login(tls.owner.email, tls.owner.password);
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((s) => s.startsWith('cairn_session='))).toMatch(/; Secure/);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    } finally {
      await tls.close();
    }
  });

  test('`next` is followed only when it is a path on this site', async () => {
    const cases: [string, string][] = [
      ['/account', '/account'],
      ['/probe?tab=2#x', '/probe?tab=2#x'],
      ['https://evil.example/', '/'],
      ['//evil.example/path', '/'],
      ['/\\evil.example', '/'],
      ['http:/evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['/login', '/'],
    ];
    for (const [next, expected] of cases) {
      const c = fx.client();
      const res = await c.login(fx.owner.email, fx.owner.password, next);
      expect(res.status, next).toBe(303);
      expect(res.headers.get('location'), next).toBe(expected);
    }
  });

  test('the login page only carries a safe `next` into its form', async () => {
    const c = fx.client();
    expect(await c.page('/login?next=%2Fprobe')).toContain('name="next" value="/probe"');
    expect(await c.page('/login?next=https%3A%2F%2Fevil.example')).not.toContain('name="next"');
  });

  test('signing out ends the session', async () => {
    const c = await fx.ownerClient();
    const token = c.cookies.get('cairn_session')!;
    const res = await c.post('/logout');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(res.headers.getSetCookie().find((s) => s.startsWith('cairn_session='))).toMatch(/Max-Age=0/);
    expect(await fx.identity.resolveSession(token)).toBeUndefined();
    // Even a client that kept the old cookie is signed out.
    const stale = fx.client();
    stale.cookies.set('cairn_session', token);
    const account = await stale.get('/account');
    expect(account.status).toBe(302);
    expect(account.headers.get('location')).toBe('/login?next=%2Faccount');
  });

  test('API calls and htmx requests without a session get 401, not a redirect', async () => {
    const c = fx.client();
    const api = await c.get('/probe/api/me');
    expect(api.status).toBe(401);
    const body = await api.json() as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.requestId).toBe(api.headers.get('x-request-id'));
    const hx = await c.get('/probe', { htmx: true, headers: { 'HX-Current-URL': 'http://localhost/probe?tab=1' } });
    expect(hx.status).toBe(401);
    expect(hx.headers.get('hx-redirect')).toBe('/login?next=%2Fprobe%3Ftab%3D1');
  });
});

describe('login throttling', () => {
  let fx: Awaited<ReturnType<typeof httpFixture>>;
  beforeAll(async () => { fx = await httpFixture(); });
  afterAll(async () => { await fx?.close(); });

  test('after repeated failures the page says when to try again', async () => {
    const c = fx.client();
    let res: Response | undefined;
    for (let i = 0; i < 8; i++) {
      res = await c.login(fx.owner.email, `wrong-${i}`);
      if (res.status === 429) break;
    }
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
    const page = await res!.text();
    expect(page).toMatch(/Too many sign-in attempts\. For your security, try again in \d+ (second|minute)s?\./);
    // The right password is refused too while locked.
    const locked = await c.login(fx.owner.email, fx.owner.password);
    expect(locked.status).toBe(429);
  });
});
