import { openAppliance, type Appliance } from '../appliance.ts';
import { loadConfig, type ResolvedConfig } from '../config/load-config.ts';
import { silentLogger } from '../logger.ts';
import type { PluginDefinition } from '../plugins/define-plugin.ts';
import { tempDir } from './temp-dir.ts';

export interface TestAppliance extends Appliance {
  app: Appliance['http'];
  owner: { email: string; password: string };
  dataDir: string;
}

/**
 * The whole appliance on a temporary data directory, listeners not started: specs
 * drive `app.request(...)`, or call `start()` themselves for real sockets on port 0.
 */
export async function createTestAppliance(opts: { plugins?: string[]; pluginDefs?: PluginDefinition[]; config?: Partial<ResolvedConfig>; dataDir?: string } = {}): Promise<TestAppliance & { close(): Promise<void> }> {
  const dir = opts.dataDir ? undefined : tempDir('cairn-app-');
  const config = loadConfig({}, {
    dataDir: opts.dataDir ?? dir!.path, hostname: 'example.test', bind: '127.0.0.1',
    httpPort: 0, smtpPort: 0, submissionPort: 0, submissionsPort: 0, imapPort: 0, imapsPort: 0,
    publicUrl: 'http://example.test', plugins: opts.plugins ?? ['notes'], logLevel: 'silent',
    ...opts.config,
  });
  const a = await openAppliance(config, {
    logger: silentLogger(),
    ...(opts.pluginDefs ? { plugins: opts.pluginDefs.map((def) => ({ def, source: 'test' })) } : {}),
  });
  const owner = a.createdOwner ?? { email: 'admin@example.test', password: '' };
  const close = a.close.bind(a);
  return Object.assign(a, {
    app: a.http, owner, dataDir: config.dataDir,
    async close() { await close(); dir?.remove(); },
  });
}
