import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../plugins/define-plugin.ts';
import { createTestAppliance } from '../testing/test-appliance.ts';
import type { CairnEnv } from './env.ts';

const machine = definePlugin({
  id: 'machine', version: '1.0.0', needs: [],
  register(r) {
    const wk = new Hono<CairnEnv>();
    wk.get('/', (c) => c.json({ user: c.var.user ?? null }));
    r.mount('/.well-known/example', wk);
    const ad = new Hono<CairnEnv>();
    ad.post('/autodiscover.xml', async (c) => c.text(`got ${(await c.req.text()).length} bytes`));
    r.mount('/autodiscover', ad);
  },
});

describe('plugin mounts at well-known paths', () => {
  it('serve clients without a session and without a CSRF token', async () => {
    const a = await createTestAppliance({ pluginDefs: [machine] });
    try {
      expect(await (await a.app.request('/.well-known/example')).json()).toEqual({ user: null });
      const post = await a.app.request('/autodiscover/autodiscover.xml', { method: 'POST', body: '<Autodiscover/>', headers: { 'content-type': 'text/xml' } });
      expect(post.status).toBe(200);
      expect(await post.text()).toBe('got 15 bytes');
      // Everywhere else a token-less POST is still refused.
      expect((await a.app.request('/account', { method: 'POST', body: '' })).status).toBe(403);
    } finally { await a.close(); }
  });
});
