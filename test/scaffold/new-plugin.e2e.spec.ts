import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PluginDefinition } from '../../core/plugins/define-plugin.ts';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { scaffoldPlugin } from '../../scripts/new-plugin.ts';

describe('npm run new-plugin', () => {
  it('scaffolds a plugin that loads, migrates, projects and serves its page', async () => {
    const id = `zz-scaffold-${process.pid}`;
    const root = join(import.meta.dirname, '../..');
    const files = scaffoldPlugin(id, root);
    const dir = join(root, 'plugins', id);
    try {
      expect(files.map((f) => f.slice(dir.length + 1)).sort()).toContain('index.ts');
      const def = (await import(pathToFileURL(join(dir, 'index.ts')).href)).default as PluginDefinition;
      const a = await createTestAppliance({ pluginDefs: [def] });
      try {
        const owner = (await a.identity.listUsers())[0]!;
        const { token } = await a.identity.createSession(owner.id, { ip: '127.0.0.1', userAgent: 'test' });
        const cookie = `cairn_session=${token}`;
        const page = await a.app.request(`/${id}`, { headers: { cookie } });
        expect(page.status).toBe(200);
        const html = await page.text();
        const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
        const post = await a.app.request(`/${id}`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://example.test', host: 'example.test' },
          body: new URLSearchParams({ _csrf: csrf, text: 'from the scaffold' }),
        });
        expect(post.status).toBe(303);
        expect(await (await a.app.request(`/${id}`, { headers: { cookie } })).text()).toContain('from the scaffold');
        expect(() => scaffoldPlugin(id, root)).toThrow(/already exists/);
        expect(() => scaffoldPlugin('Bad Id', root)).toThrow(/must match/);
      } finally { await a.close(); }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
