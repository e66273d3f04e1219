// CardDAV figures (issue 5): import of one .vcf with 10,000 contacts, restore of that
// address book to an earlier moment after a day's worth of edits (1,000 changed,
// 1,000 deleted, 1,000 added), and a full CardDAV sync of the 10,000 over real HTTP.
// The restore point is a log position rather than "7 days ago": the work (fold the
// book's 10,000 card streams to the point, diff, append) is the same.
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import { addTestUser } from '../../core/testing/add-test-user.ts';
import type { ContactsService } from '../../plugins/contacts/contacts-service.ts';

const CONTACTS = 10_000;

function vcard(i: number, version: '3.0' | '4.0'): string {
  return [
    'BEGIN:VCARD', `VERSION:${version}`, `UID:bench-${i}`, `FN:Person ${i} Example`, `N:Example;Person ${i};;;`,
    `EMAIL;TYPE=work:person${i}@example.org`, `TEL;TYPE=cell:+1 555 ${String(i).padStart(6, '0')}`,
    `ORG:Company ${i % 97}`, `NOTE:Met at conference ${i % 13}`, 'END:VCARD',
  ].join('\r\n');
}

export async function benchCardDav(): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['contacts'] });
  try {
    const base = (await a.start()).find((l) => l.name === 'http')!.address;
    const u = await addTestUser(a, 'bench@example.test');
    const user = (await a.auth.userById(u.userId))!;
    const svc = a.services.services.require<ContactsService>('contacts.service');
    const meta = () => ({ actor: u.userId, source: 'ui' as const, time: new Date().toISOString() });
    const book = (await svc.books(user, meta())).own[0]!;
    const file = Array.from({ length: CONTACTS }, (_, i) => vcard(i, i % 2 ? '3.0' : '4.0')).join('\r\n');

    const t0 = performance.now();
    const imported = await svc.importVcf(user, book.id, file, 'skip', meta());
    const importSeconds = (performance.now() - t0) / 1000;
    if (imported.added !== CONTACTS) throw new Error(`imported ${imported.added} of ${CONTACTS}`);
    const point = await a.log.head();

    // A day of changes: edit 1,000, delete 1,000, add 1,000.
    const cards = (await svc.rowsOfBook(book.id)).map((r) => ({ cardId: r.card_id, name: r.name }));
    for (const c of cards.slice(0, 1000)) {
      const d = await svc.getCard(user, book.id, c.cardId);
      await svc.putCard(user, book.id, c.name, d.vcard.replace('NOTE:', 'NOTE:edited '), meta());
    }
    for (const c of cards.slice(2000, 3000)) await svc.deleteCard(user, book.id, c.cardId, meta());
    await svc.importVcf(user, book.id, Array.from({ length: 1000 }, (_, i) => vcard(CONTACTS + i, '4.0')).join('\r\n'), 'skip', meta());

    const t1 = performance.now();
    const summary = await svc.restore(user, book.id, { position: point }, { kind: 'same' }, meta());
    const restoreSeconds = (performance.now() - t1) / 1000;
    const changed = summary.restored.length + summary.edited.length + summary.deleted.length;
    if (changed < 2900) throw new Error(`restore changed only ${changed} cards: ${JSON.stringify({ restored: summary.restored.length, edited: summary.edited.length, deleted: summary.deleted.length })}`);

    const authz = `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
    const body = '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>';
    const syncs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = await fetch(`${base}/dav/addressbooks/${u.email}/${book.slug}/`, { method: 'REPORT', headers: { Authorization: authz, Depth: '1', 'Content-Type': 'application/xml' }, body });
      const text = await r.text();
      syncs.push(performance.now() - s);
      const n = (text.match(/<d:response>/g) ?? []).length;
      if (n !== CONTACTS) throw new Error(`CardDAV sync returned ${n} cards (status ${r.status})`);
    }
    return {
      contacts: CONTACTS,
      import_10k_vcf_seconds: importSeconds,
      restore_10k_book_seconds: restoreSeconds,
      restore_cards_changed: changed,
      full_sync_10k_ms_median: [...syncs].sort((x, y) => x - y)[2]!,
    };
  } finally {
    await a.close();
  }
}
