// Contacts: address books over CardDAV and in the browser, with sharing, groups,
// import/export, the organization directory and restore. Wiring only.
import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { createCardDavBackend } from './carddav/carddav-backend.ts';
import { createContactsService, type ContactsService } from './contacts-service.ts';
import { createDirectoryService, type DirectoryService } from './directory-service.ts';
import { contactsEvents } from './events.ts';
import { createContacts } from './migrations/0001_contacts.ts';
import { contactsBooks } from './projections/contacts-books.ts';
import { contactsCards } from './projections/contacts-cards.ts';
import { contactsDirectory } from './projections/contacts-directory.ts';
import { contactsLeft } from './projections/contacts-left.ts';
import { contactsRoutes } from './routes/contacts-routes.tsx';
import { suggestedContacts, type RecentRecipients } from './suggested-contacts.ts';

export default definePlugin({
  id: 'contacts',
  version: '1.0.0',
  description: 'Address books (CardDAV and browser) with sharing, groups, import/export, the organization directory and restore.',
  needs: ['db', 'events', 'auth', 'identity', 'services'],
  register(r) {
    // State lives in the registration: two appliances in one process get their own services.
    let service: ContactsService | undefined;
    let directory: DirectoryService | undefined;
    const contacts = () => (service ??= createContactsService(r.services()));
    r.events(contactsEvents);
    r.migrations([createContacts]);
    r.projection(contactsBooks);
    r.projection(contactsCards);
    r.projection(contactsDirectory);
    r.projection(contactsLeft);
    r.dav(createCardDavBackend(contacts));
    r.app(contactsRoutes(contacts, (user) => {
      const s = r.services();
      return suggestedContacts({ db: s.db, auth: s.auth, recipients: s.services.get<RecentRecipients>('mail.recipients') }, user);
    }, async (emails) => {
      // Presence beside a contact's address when it is a person here and chat provides presence.
      const s = r.services();
      const presence = s.services.get<{ statusOf(ids: readonly string[]): Promise<Map<string, { presence: string }>> }>('chat.presence');
      const out = new Map<string, string>();
      if (!presence) return out;
      const ids = new Map<string, string>();
      for (const e of emails) { const u = await s.auth.userByEmail(e); if (u) ids.set(u.id, e); }
      if (ids.size === 0) return out;
      for (const [id, st] of await presence.statusOf([...ids.keys()])) out.set(ids.get(id)!, st.presence);
      return out;
    }));
    r.nav({ label: 'Contacts', href: '/contacts', icon: '☎', order: 30 });
    r.provide('service', contacts);
    r.provide('directory', () => (directory ??= createDirectoryService(r.services())));
  },
});
