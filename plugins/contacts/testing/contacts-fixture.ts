// Shared set-up for the contacts int specs: an appliance with the plugin, users, and
// a DavContext per user to drive the CardDAV backend without HTTP.
import type { DavCollection, DavCollectionBackend, DavContext } from '../../../core/dav/types.ts';
import type { SessionUser } from '../../../core/identity/auth-service.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';
import type { ContactsService } from '../contacts-service.ts';
import type { DirectoryService } from '../directory-service.ts';

export const sys = { actor: 'system', source: 'system' } as const;

export interface ContactsFixture {
  a: TestAppliance & { close(): Promise<void> };
  backend: DavCollectionBackend;
  service: ContactsService;
  directory: DirectoryService;
  addUser(local: string, password?: string): Promise<SessionUser>;
  ctx(user: SessionUser): DavContext;
  meta(user: SessionUser): { actor: string; source: 'ui'; time: string };
  collection(user: SessionUser, slug: string, home?: SessionUser): Promise<DavCollection>;
}

export async function contactsFixture(): Promise<ContactsFixture> {
  const a = await createTestAppliance({ plugins: ['contacts'] });
  const backend = a.plugins.find((p) => p.def.id === 'contacts')!.dav[0] as DavCollectionBackend;
  const service = a.services.services.require<ContactsService>('contacts.service');
  const directory = a.services.services.require<DirectoryService>('contacts.directory');
  let n = 0;
  const ctx = (user: SessionUser): DavContext => ({
    user, requestId: `r${++n}`, metadata: () => ({ actor: user.id, source: 'dav', requestId: `r${n}`, time: new Date().toISOString() }),
  });
  return {
    a, backend, service, directory, ctx,
    async addUser(local, password = `${local} password 1234`) {
      return (await a.identity.addUser({ email: `${local}@example.test`, password, displayName: local[0]!.toUpperCase() + local.slice(1) }, sys)).user;
    },
    meta: (user) => ({ actor: user.id, source: 'ui', time: new Date().toISOString() }),
    async collection(user, slug, home = user) {
      const c = await backend.getCollection(ctx(user), home, slug);
      if (!c) throw new Error(`no collection ${slug}`);
      return c;
    },
  };
}

export const vcard = (uid: string, fn: string, extra = '') =>
  `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${uid}\r\nFN:${fn}\r\n${extra}END:VCARD\r\n`;
