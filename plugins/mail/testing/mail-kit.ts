// The appliance with the mail plugin on a temp data directory, for mail specs: the
// store, and users with an account password and an app password.
import type { EventMetadata } from '../../../core/events/types.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';
import type { ResolvedConfig } from '../../../core/config/load-config.ts';
import type { MailStoreService } from '../index.ts';

export interface MailKitUser { userId: string; email: string; password: string; appPassword: string }

export interface MailKit {
  appliance: TestAppliance;
  store: MailStoreService;
  addUser(email: string, password?: string): Promise<MailKitUser>;
  meta(actor?: string): EventMetadata;
  close(): Promise<void>;
}

/** A user in a (possibly new) local domain, with an account password and a device password. */
export async function addTestUser(appliance: TestAppliance, email: string, password = `${email.split('@')[0]} has a password`): Promise<MailKitUser> {
  const sys = { actor: 'system', source: 'system' } as const;
  const domain = email.split('@')[1]!;
  if (!(await appliance.identity.listDomains()).includes(domain)) await appliance.identity.addDomain(domain, sys);
  const { user } = await appliance.identity.addUser({ email, password }, sys);
  const app = await appliance.identity.createAppPassword(user.id, 'test device', sys);
  return { userId: user.id, email: user.email, password, appPassword: app.password };
}

export async function createMailTestAppliance(opts: { config?: Partial<ResolvedConfig>; plugins?: string[] } = {}): Promise<MailKit> {
  const appliance = await createTestAppliance({ plugins: opts.plugins ?? ['mail'], ...(opts.config ? { config: opts.config } : {}) });
  const store = appliance.services.services.require<MailStoreService>('mail.store');
  return {
    appliance,
    store,
    meta: (actor = 'system') => ({ actor, source: 'system', time: new Date().toISOString() }),
    addUser: (email, password) => addTestUser(appliance, email, password),
    close: () => appliance.close(),
  };
}
