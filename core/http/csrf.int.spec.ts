import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpFixture } from './spec-fixture.ts';

describe('CSRF protection', () => {
  let fx: Awaited<ReturnType<typeof httpFixture>>;
  beforeAll(async () => { fx = await httpFixture(); });
  afterAll(async () => { await fx?.close(); });

  async function expectRefused(res: Response, code: string) {
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('Not allowed');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    void code;
  }

  test('signed out: the login form needs the double-submit token', async () => {
    const c = fx.client();
    await c.page('/login');
    const cookie = c.cookies.get('cairn_csrf')!;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c.csrfToken).toBe(cookie);
    await expectRefused(await c.post('/login', { email: fx.owner.email, password: fx.owner.password }, { noCsrf: true }), 'csrf_failed');
    await expectRefused(await c.post('/login', { email: fx.owner.email, password: fx.owner.password, _csrf: 'x'.repeat(43) }), 'csrf_failed');
    // Without the cookie, echoing a token is not enough.
    const other = fx.client();
    await expectRefused(await other.post('/login', { email: fx.owner.email, password: fx.owner.password, _csrf: cookie }), 'csrf_failed');
    expect((await c.post('/login', { email: fx.owner.email, password: fx.owner.password })).status).toBe(303);
  });

  test('a bearer token without a session skips the token check; with a session it does not', async () => {
    // Signed out with a bearer token: past CSRF to the route, which then wants a session (a redirect, not 403).
    const bot = await fx.app.request('http://example.test/account/theme', { method: 'POST', headers: { Authorization: 'Bearer abc', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'theme=dark' });
    expect(bot.status).not.toBe(403);
    const c = await fx.ownerClient();
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { noCsrf: true, headers: { Authorization: 'Bearer abc' } }), 'csrf_failed');
  });

  test('signed in: a missing or wrong token is refused and nothing changes', async () => {
    const c = await fx.ownerClient();
    const me = await fx.auth.userByEmail(fx.owner.email);
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { noCsrf: true }), 'csrf_failed');
    await expectRefused(await c.post('/account/theme', { theme: 'dark', _csrf: 'forged' }), 'csrf_failed');
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { htmx: true, headers: { 'X-CSRF-Token': 'forged' } }), 'csrf_failed');
    // The signed-out double-submit value does not work once signed in.
    await expectRefused(await c.post('/account/theme', { theme: 'dark', _csrf: c.cookies.get('cairn_csrf')! }), 'csrf_failed');
    expect((await fx.auth.userById(me!.id))!.theme).toBe(me!.theme);
  });

  test('the session token is accepted in the form field and in the htmx header', async () => {
    const c = await fx.ownerClient();
    expect((await c.post('/account/theme', { theme: 'dark' })).status).toBe(303);
    const hx = await c.post('/account/theme', { theme: 'light' }, { htmx: true });
    expect(hx.status).toBe(200);
    // A plugin's POST handler still reads the whole body after the check.
    const echo = await c.post('/probe/echo', { value: 'kept' });
    expect(await echo.json()).toEqual({ user: fx.owner.email, value: 'kept' });
  });

  test('cross-site requests are refused even with a valid token', async () => {
    const c = await fx.ownerClient();
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { headers: { Origin: 'https://evil.example' } }), 'csrf_cross_site');
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { headers: { 'Sec-Fetch-Site': 'cross-site' } }), 'csrf_cross_site');
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { headers: { 'Sec-Fetch-Site': 'same-site' } }), 'csrf_cross_site');
    await expectRefused(await c.post('/account/theme', { theme: 'dark' }, { headers: { Origin: 'null' } }), 'csrf_cross_site');
    // Same origin (the request's host or the configured public URL) passes.
    expect((await c.post('/account/theme', { theme: 'dark' }, { headers: { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(303);
    expect((await c.post('/account/theme', { theme: 'auto' }, { headers: { Origin: 'http://example.test' } })).status).toBe(303);
  });

  test('API callers get the JSON error shape', async () => {
    const c = await fx.ownerClient();
    const res = await c.post('/probe/echo', { value: 'x' }, { noCsrf: true, headers: { Accept: 'application/json' } });
    expect(res.status).toBe(403);
    const body = await res.json() as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('csrf_failed');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  test('/dav/ is outside the cookie world: no session is resolved there and no token is asked', async () => {
    const c = await fx.ownerClient();
    const res = await c.post('/dav/files/x', { value: 'x' }, { noCsrf: true });
    expect(res.status).toBe(404);
  });
});
