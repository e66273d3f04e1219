// The appliance with the mail plugin on a temp data directory, for mail specs: the
// store, and users with an account password and an app password.
import type { EventMetadata } from '../../../core/events/types.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';
import type { ResolvedConfig } from '../../../core/config/load-config.ts';
import type { MailStoreService } from '../index.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';

export type MailKitUser = TestUser;

export interface MailKit {
  appliance: TestAppliance;
  store: MailStoreService;
  addUser(email: string, password?: string): Promise<MailKitUser>;
  meta(actor?: string): EventMetadata;
  close(): Promise<void>;
}

export { addTestUser };

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
