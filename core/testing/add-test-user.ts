import type { TestAppliance } from './test-appliance.ts';

export interface TestUser { userId: string; email: string; password: string; appPassword: string }

/** A user in a (possibly new) local domain, with an account password and a device (app) password. */
export async function addTestUser(appliance: Pick<TestAppliance, 'identity'>, email: string, password = `${email.split('@')[0]} has a password`): Promise<TestUser> {
  const sys = { actor: 'system', source: 'system' } as const;
  const domain = email.split('@')[1]!;
  if (!(await appliance.identity.listDomains()).includes(domain)) await appliance.identity.addDomain(domain, sys);
  const { user } = await appliance.identity.addUser({ email, password }, sys);
  const app = await appliance.identity.createAppPassword(user.id, 'test device', sys);
  return { userId: user.id, email: user.email, password, appPassword: app.password };
}
