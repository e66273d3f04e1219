// Nextcloud Login Flow v2 (core/http/login-flow/) over HTTP, as the desktop and mobile
// apps drive it: the anonymous start, polling, the browser's sign-in and grant (session
// and CSRF token), the credentials given exactly once and working for DAV, and what is
// refused — unknown and expired flows, guests, too many pending flows.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../core/http/create-http-app.ts';
import { LoginFlows } from '../../core/http/login-flow/index.ts';
import { TestClient } from '../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';

const ORIGIN = 'http://example.test';
const DESKTOP_UA = 'Mozilla/5.0 (Linux) mirall/3.7.3 (Nextcloud, debian-6.1.0-13-amd64 ClientArchitecture: x86_64 OsArchitecture: x86_64)';
const sys = { actor: 'system', source: 'system' } as const;

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let user: TestUser;

interface Started { poll: { token: string; endpoint: string }; login: string }
type AnyApp = Pick<typeof a.app, 'request'>;

async function start(app: AnyApp = a.app, ua = DESKTOP_UA): Promise<Started> {
  const res = await app.request(`${ORIGIN}/index.php/login/v2`, { method: 'POST', headers: { 'User-Agent': ua, 'Content-Length': '0' } });
  expect(res.status).toBe(200);
  return res.json() as Promise<Started>;
}

async function poll(token: string, app: AnyApp = a.app): Promise<Response> {
  return app.request(`${ORIGIN}/index.php/login/v2/poll`, { method: 'POST', body: new URLSearchParams({ token }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

const path = (url: string) => new URL(url).pathname;
const basic = (login: string, secret: string) => `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  user = await addTestUser(a, 'flow@example.test');
});
afterAll(async () => { await a?.close(); });

/** The appliance's pieces with a login-flow state of the spec's own (its clock, its limits). */
function appWith(flows: LoginFlows) {
  return createHttpApp({
    config: a.config, logger: a.logger, identity: a.identity, auth: a.auth, nav: [], plugins: [],
    dav: a.plugins.flatMap((p) => p.dav), health: async () => ({}), secureCookies: false, loginFlows: flows,
  });
}

describe('Nextcloud Login Flow v2', () => {
  it('grants a desktop client an app password through the browser, handed over exactly once', async () => {
    const res = await a.app.request(`${ORIGIN}/index.php/login/v2`, { method: 'POST', headers: { 'User-Agent': DESKTOP_UA, 'Content-Length': '0' } });
    expect(res.status).toBe(200);
    // An API for native clients: no cookie is set, nothing is cached.
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const flow = await res.json() as Started;
    expect(flow.poll.token).toMatch(/^[A-Za-z0-9_-]{64,}$/);
    expect(flow.poll.endpoint).toBe(`${ORIGIN}/index.php/login/v2/poll`);
    expect(flow.login).toMatch(/^http:\/\/example\.test\/index\.php\/login\/v2\/flow\/[A-Za-z0-9_-]{64,}$/);
    expect(flow.login).not.toContain(flow.poll.token);

    // The client polls while the user has not answered.
    expect((await poll(flow.poll.token)).status).toBe(404);

    // The browser, signed out, goes through the sign-in and comes back to the flow
    // (the desktop client adds ?user=<local name>; it is kept and ignored).
    const browser = new TestClient(a.app, ORIGIN);
    const wanted = `${path(flow.login)}?user=flow`;
    const toLogin = await browser.get(wanted);
    expect(toLogin.status).toBe(302);
    expect(toLogin.headers.get('location')).toBe(`/login?next=${encodeURIComponent(wanted)}`);
    const signedIn = await browser.login(user.email, user.password, wanted);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(wanted);
    const page = await browser.page(wanted);
    expect(page).toContain('Connect <span id="login-flow-device">Nextcloud desktop (Linux)</span> to your account?');
    expect(page).toContain(`<form method="post" action="${path(flow.login)}"`);
    expect(page).toContain('name="_csrf"');

    // The grant needs the CSRF token, and a same-site request.
    expect((await browser.post(path(flow.login), {}, { noCsrf: true })).status).toBe(403);
    expect((await browser.post(path(flow.login), {}, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    // …and a session: a signed-out browser with a valid (double-submit) form token is sent to sign in.
    const stranger = new TestClient(a.app, ORIGIN);
    await stranger.page('/login');
    const anonymous = await stranger.post(path(flow.login));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/login');
    expect((await poll(flow.poll.token)).status).toBe(404);

    const granted = await browser.post(path(flow.login));
    expect(granted.status).toBe(200);
    expect(await granted.text()).toContain('Done — you can close this window');
    // A second click (or a reload of the form) makes no second password.
    expect(await (await browser.post(path(flow.login))).text()).toContain('already answered');

    const answer = await poll(flow.poll.token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const creds = await answer.json() as { server: string; loginName: string; appPassword: string };
    expect(Object.keys(creds).sort()).toEqual(['appPassword', 'loginName', 'server']);
    expect(creds.server).toBe(ORIGIN);
    expect(creds.loginName).toBe(user.email);
    expect((await poll(flow.poll.token)).status).toBe(404);
    // Once collected, the flow is gone from the browser's side too.
    expect((await browser.get(path(flow.login))).status).toBe(404);

    // The credentials work where Nextcloud clients use them.
    const propfind = await a.app.request(`${ORIGIN}/dav/files/${user.email}/`, { method: 'PROPFIND', headers: { Authorization: basic(creds.loginName, creds.appPassword), Depth: '0' } });
    expect(propfind.status).toBe(207);
    const ocsUser = await a.app.request(`${ORIGIN}/ocs/v1.php/cloud/user?format=json`, { headers: { Authorization: basic(creds.loginName, creds.appPassword) } });
    expect(ocsUser.status).toBe(200);
    // …and the device is in the user's list, named after the client.
    const labels = (await a.identity.listAppPasswords(user.userId)).map((p) => p.label);
    expect(labels).toContain('Nextcloud desktop (Linux)');
    expect(await browser.page('/account')).toContain('Nextcloud desktop (Linux)');
  });

  it('names the device after the User-Agent, escaped and cleaned', async () => {
    const flow = await start(a.app, '<img src=x onerror=alert(1)>\u0007 app');
    const browser = new TestClient(a.app, ORIGIN);
    await browser.login(user.email, user.password);
    const page = await browser.page(path(flow.login));
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; app');
    expect(page).not.toContain('<img src=x');
  });

  it('answers 404 for unknown tokens, to the client and to the browser', async () => {
    const unknown = randomBytes(48).toString('base64url');
    expect((await poll(unknown)).status).toBe(404);
    expect((await poll('')).status).toBe(404);
    const browser = new TestClient(a.app, ORIGIN);
    await browser.login(user.email, user.password);
    const page = await browser.get(`/index.php/login/v2/flow/${unknown}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('expired or was already used');
    expect((await browser.post(`/index.php/login/v2/flow/${unknown}`)).status).toBe(404);
  });

  it('does not let a guest grant', async () => {
    await a.identity.addUser({ email: 'visitor@partner.example', password: 'visitor has a password', role: 'guest' }, sys);
    const flow = await start();
    const guest = new TestClient(a.app, ORIGIN);
    expect((await guest.login('visitor@partner.example', 'visitor has a password')).status).toBe(303);
    const page = await guest.get(path(flow.login));
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Guest accounts cannot connect apps.');
    await guest.page('/account');
    expect((await guest.post(path(flow.login))).status).toBe(403);
    expect((await poll(flow.poll.token)).status).toBe(404);
  });

  it('forgets a flow after 20 minutes, granted or not', async () => {
    let now = Date.now();
    const app = appWith(new LoginFlows({ now: () => now }));
    const pending = await start(app);
    const granted = await start(app);
    const browser = new TestClient(app, ORIGIN);
    await browser.login(user.email, user.password);
    await browser.page(path(granted.login));
    expect((await browser.post(path(granted.login))).status).toBe(200);
    now += 20 * 60_000;
    expect((await poll(granted.poll.token, app)).status).toBe(404);
    expect((await poll(pending.poll.token, app)).status).toBe(404);
    expect((await browser.get(path(pending.login))).status).toBe(404);
  });

  it('limits pending flows from one address, with a Retry-After', async () => {
    const app = appWith(new LoginFlows({ maxPendingPerIp: 3 }));
    const flows = [await start(app), await start(app), await start(app)];
    const refused = await app.request(`${ORIGIN}/index.php/login/v2`, { method: 'POST', headers: { 'User-Agent': DESKTOP_UA } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ error: expect.stringContaining('too many') });
    // A finished flow frees its place.
    const browser = new TestClient(app, ORIGIN);
    await browser.login(user.email, user.password);
    await browser.page(path(flows[0]!.login));
    await browser.post(path(flows[0]!.login));
    expect((await poll(flows[0]!.poll.token, app)).status).toBe(200);
    await start(app);
    // A poll body is small; a large one is refused before it is read.
    const big = await app.request(`${ORIGIN}/index.php/login/v2/poll`, { method: 'POST', body: `token=${'a'.repeat(64 * 1024)}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(big.status).toBe(413);
  });
});
