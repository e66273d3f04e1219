// Test helpers: an appliance with chat, signed-in browser clients, JSON calls with the CSRF header.
import { TestClient } from '../../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';
import type { ResolvedConfig } from '../../../core/config/load-config.ts';

export type App = TestAppliance & { close(): Promise<void> };

export interface ChatClient extends TestUser {
  client: TestClient;
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export async function chatAppliance(config: Partial<ResolvedConfig> = {}): Promise<App> {
  return createTestAppliance({ plugins: ['chat'], config });
}

export async function signIn(a: App, email: string, opts: { role?: 'admin' | 'guest' } = {}): Promise<ChatClient> {
  let user: TestUser;
  if (opts.role === 'guest') {
    const password = `${email.split('@')[0]} has a password`;
    const { user: u } = await a.identity.addUser({ email, password, role: 'guest' }, { actor: 'system', source: 'system' });
    user = { userId: u.id, email: u.email, password, appPassword: '' };
  } else {
    user = await addTestUser(a, email);
    if (opts.role === 'admin') await a.identity.setRole(user.userId, 'admin', { actor: 'system', source: 'system' });
  }
  const client = new TestClient(a.app, 'http://example.test');
  const res = await client.login(user.email, user.password);
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  await client.page('/account'); // for the CSRF token
  return { ...user, client, json: (m, p, b) => callJson(client, m, p, b) };
}

export async function callJson(client: TestClient, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers = client.headers({});
  headers['X-CSRF-Token'] = client.csrfToken;
  headers.Accept = 'application/json';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await client.app.request(new URL(path, client.origin).href, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** A bot (or any client without a browser session) calling the API with its bearer token: no CSRF token is needed. */
export async function botCall(a: App, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await a.app.request(`http://example.test${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}
