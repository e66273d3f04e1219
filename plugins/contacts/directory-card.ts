import { escapeText } from './vcard/vcard-text.ts';
import { serializeVCard } from './vcard/serialize-vcard.ts';

/** A member of the organization as a read-only vCard 4.0 in the "directory" address book. */
export function directoryCard(r: { user_id: string; email: string; display_name: string; last_modified?: string }): string {
  const fn = r.display_name || r.email;
  return serializeVCard({
    version: '4.0',
    props: [
      { group: undefined, name: 'UID', params: {}, value: `cairn-user-${r.user_id}` },
      { group: undefined, name: 'KIND', params: {}, value: 'individual' },
      { group: undefined, name: 'FN', params: {}, value: escapeText(fn) },
      { group: undefined, name: 'N', params: {}, value: `${escapeText(fn)};;;;` },
      { group: undefined, name: 'EMAIL', params: { TYPE: ['work'] }, value: escapeText(r.email) },
    ],
  });
}
