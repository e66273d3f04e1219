// The appliance for core/http's specs: a temp data directory, no listeners, and one
// small plugin ("probe") whose routes exercise what plugins rely on — requireUser,
// c.render, the error shapes.
import { Hono } from 'hono';
import { html } from 'hono/html';
import { CairnError, ConflictError } from '../errors.ts';
import { definePlugin } from '../plugins/define-plugin.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import { createTestAppliance } from '../testing/test-appliance.ts';
import type { CairnEnv } from './env.ts';
import { requireUser } from './require-user.ts';
import { TestClient } from './test-client.ts';

export const probePlugin = definePlugin({
  id: 'probe',
  version: '0.0.0',
  needs: [],
  register(r) {
    const app = new Hono<CairnEnv>();
    app.get('/public', (c) => c.text('public'));
    app.get('/boom', () => { throw new Error('secret internals: /var/lib/cairn password=hunter2'); });
    app.get('/api/conflict', () => { throw new ConflictError('the thing changed meanwhile'); });
    app.get('/api/server', () => { throw new CairnError('disk_full', 'ENOSPC at /var/lib/cairn', { status: 500, kind: 'server' }); });
    app.post('/echo', async (c) => {
      const form = await c.req.parseBody();
      return c.json({ user: c.var.user?.email ?? null, value: form.value ?? null });
    });
    app.use('*', requireUser);
    app.get('/', (c) => c.render(html`<p id="probe">Hello ${c.var.user!.displayName}</p>`, { title: 'Probe' }));
    app.get('/api/me', (c) => c.json({ email: c.var.user!.email }));
    r.app(app);
    r.nav({ label: 'Probe', href: '/probe', icon: '🔎', order: 10 });
  },
});

export async function httpFixture(config: Partial<ResolvedConfig> = {}) {
  const a = await createTestAppliance({ pluginDefs: [probePlugin], config });
  return Object.assign(a, {
    client: () => new TestClient(a.app),
    /** A client signed in as the owner. */
    async ownerClient() {
      const client = new TestClient(a.app);
      const res = await client.login(a.owner.email, a.owner.password);
      if (res.status !== 303) throw new Error(`owner login failed: ${res.status}`);
      await client.page('/account');
      return client;
    },
  });
}
