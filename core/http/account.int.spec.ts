import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UnauthorizedError } from '../errors.ts';
import { httpFixture } from './spec-fixture.ts';

describe('account page', () => {
  let fx: Awaited<ReturnType<typeof httpFixture>>;
  let userEmail: string;
  let userPassword: string;
  beforeAll(async () => {
    fx = await httpFixture();
    const domain = fx.owner.email.split('@')[1];
    const added = await fx.identity.addUser({ email: `ada@${domain}`, displayName: 'Ada', password: 'first-password-123' }, { actor: 'cli', source: 'cli' });
    userEmail = added.user.email;
    userPassword = added.password;
  });
  afterAll(async () => { await fx?.close(); });

  async function userClient(password = userPassword) {
    const c = fx.client();
    const res = await c.login(userEmail, password);
    expect(res.status).toBe(303);
    await c.page('/account');
    return c;
  }

  test('shows profile, theme, password and devices sections', async () => {
    const c = await userClient();
    const html = await c.page('/account');
    for (const id of ['profile', 'appearance', 'password', 'devices']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain(`value="${userEmail}"`);
    expect(html).toContain('value="Ada"');
    expect(html).toContain('<html lang="en" data-theme="auto">');
  });

  test('changing the theme persists it and applies it to the page', async () => {
    const c = await userClient();
    const res = await c.post('/account/theme', { theme: 'dark' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?done=theme');
    expect((await fx.auth.userByEmail(userEmail))!.theme).toBe('dark');
    const page = await c.page('/account?done=theme');
    expect(page).toContain('data-theme="dark"');
    expect(page).toContain('Theme saved.');
    // With htmx: the card comes back with the new choice pressed, and an event for app.js.
    const hx = await c.post('/account/theme', { theme: 'light' }, { htmx: true });
    expect(hx.status).toBe(200);
    expect(JSON.parse(hx.headers.get('hx-trigger')!)).toEqual({ 'cairn:theme': 'light' });
    const fragment = await hx.text();
    expect(fragment).not.toContain('<html');
    expect(fragment).toMatch(/aria-pressed="true" data-theme-choice="light"/);
    expect((await fx.auth.userByEmail(userEmail))!.theme).toBe('light');
    // Anything else is refused.
    expect((await c.post('/account/theme', { theme: 'neon' })).status).toBe(400);
  });

  test('updating the display name', async () => {
    const c = await userClient();
    const hx = await c.post('/account/profile', { displayName: 'Ada Lovelace' }, { htmx: true });
    expect(hx.status).toBe(200);
    const fragment = await hx.text();
    expect(fragment).toContain('Profile saved.');
    expect(fragment).toContain('hx-swap-oob="true"');
    expect((await fx.auth.userByEmail(userEmail))!.displayName).toBe('Ada Lovelace');
    const empty = await c.post('/account/profile', { displayName: '  ' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Enter a display name.');
  });

  test('app passwords: shown once, work for IMAP, and stop working when revoked', async () => {
    const c = await userClient();
    const res = await c.post('/account/app-passwords', { label: 'Thunderbird <laptop>' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const password = /id="new-app-password"[^>]*>([^<]+)</.exec(html)?.[1];
    expect(password).toBeTruthy();
    expect(html).toContain('Thunderbird &lt;laptop&gt;');
    expect(html).toContain(`<span class="mono" id="new-app-user">${userEmail}</span>`);
    const imap = await fx.auth.authenticate(userEmail, password!, { protocol: 'imap', ip: '192.0.2.1' });
    expect(imap.email).toBe(userEmail);
    expect(imap.appPasswordId).toBeTruthy();

    // Listed afterwards, but the password itself is never shown again.
    const later = await c.page('/account');
    expect(later).not.toContain(password!);
    expect(later).toContain('Thunderbird &lt;laptop&gt;');
    expect(later).toContain(`/account/app-passwords/${imap.appPasswordId}/revoke`);

    const revoke = await c.post(`/account/app-passwords/${imap.appPasswordId}/revoke`, {}, { htmx: true });
    expect(revoke.status).toBe(200);
    expect(await revoke.text()).toContain('App password revoked.');
    await expect(fx.auth.authenticate(userEmail, password!, { protocol: 'imap', ip: '192.0.2.1' })).rejects.toBeInstanceOf(UnauthorizedError);
  });

  test('an app password needs a label', async () => {
    const c = await userClient();
    const res = await c.post('/account/app-passwords', { label: '' }, { htmx: true });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Name the device or app');
  });

  test('revoke all', async () => {
    const c = await userClient();
    const made: string[] = [];
    for (const label of ['Phone', 'Tablet']) {
      const html = await (await c.post('/account/app-passwords', { label })).text();
      made.push(/id="new-app-password"[^>]*>([^<]+)</.exec(html)![1]!);
    }
    const res = await c.post('/account/app-passwords/revoke-all', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?done=revoked-all');
    for (const p of made) {
      await expect(fx.auth.authenticate(userEmail, p, { protocol: 'dav', ip: '192.0.2.1' })).rejects.toBeInstanceOf(UnauthorizedError);
    }
    expect(await c.page('/account')).toContain('No app passwords yet.');
  });

  test('changing the password checks the current one and signs out the other sessions', async () => {
    const here = await userClient();
    const elsewhere = await userClient();
    const wrong = await here.post('/account/password', { current: 'nope-nope-nope', next: 'second-password-456', confirm: 'second-password-456' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('That is not your current password.');
    const mismatch = await here.post('/account/password', { current: userPassword, next: 'second-password-456', confirm: 'other-password-789' }, { htmx: true });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('The two new passwords are not the same.');
    const tooShort = await here.post('/account/password', { current: userPassword, next: 'short', confirm: 'short' });
    expect(tooShort.status).toBe(422);

    const ok = await here.post('/account/password', { current: userPassword, next: 'second-password-456', confirm: 'second-password-456' }, { htmx: true });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/Password changed\. \d+ other browser sessions? (was|were) signed out\./);
    userPassword = 'second-password-456';
    expect((await here.get('/account')).status).toBe(200);
    const gone = await elsewhere.get('/account');
    expect(gone.status).toBe(302);
    expect(gone.headers.get('location')).toBe('/login?next=%2Faccount');
    expect((await fx.client().login(userEmail, 'second-password-456')).status).toBe(303);
  });
});
