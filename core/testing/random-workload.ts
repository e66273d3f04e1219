import type { Appliance } from '../appliance.ts';
import type { NotesService } from '../../plugins/notes/notes-service.ts';

/** A small seeded PRNG (mulberry32) so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sys = { actor: 'system', source: 'system' } as const;

/**
 * Random operations across identity and the notes plugin: users, app passwords,
 * themes, groups, grants, notes created/edited/deleted/undeleted, notebook restores.
 */
export async function randomOperations(a: Appliance, rnd: () => number, count: number): Promise<void> {
  const notes = a.services.services.require<NotesService>('notes.service');
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(rnd() * xs.length)] : undefined);
  const meta = (actor: string) => ({ actor, source: 'system' as const, time: new Date().toISOString() });
  for (let i = 0; i < count; i++) {
    const users = await a.identity.listUsers();
    const user = pick(users)!;
    const r = rnd();
    if (r < 0.06 && users.length < 6) {
      await a.identity.addUser({ email: `u${Math.floor(rnd() * 1e9)}@${a.config.hostname}`, password: 'correct horse battery', displayName: `User ${i}` }, sys);
    } else if (r < 0.12) {
      await a.identity.createAppPassword(user.id, `device ${i}`, sys);
    } else if (r < 0.16) {
      const pw = pick(await a.identity.listAppPasswords(user.id));
      if (pw) await a.identity.revokeAppPassword(user.id, pw.id, sys);
    } else if (r < 0.2) {
      await a.identity.setTheme(user.id, pick(['light', 'dark', 'auto'] as const)!, sys);
    } else if (r < 0.23) {
      const g = await a.identity.createGroup(`group ${i}`, sys);
      await a.identity.addGroupMember(g.id, user.id, sys);
    } else if (r < 0.26) {
      await a.identity.grant(`notes-book:${user.id}`, { kind: 'user', id: pick(users)!.id }, pick(['read', 'write', 'share'] as const)!, sys);
    } else if (r < 0.6) {
      await notes.create(user.id, { title: `note ${i}`, body: `body ${rnd()}` }, meta(user.id));
    } else {
      const mine = await notes.list(user.id);
      const gone = await notes.list(user.id, { deleted: true });
      const n = pick(mine);
      const x = rnd();
      if (x < 0.5 && n) await notes.edit(user.id, n.id, { title: `${n.title}'`, body: `edited ${rnd()}` }, meta(user.id));
      else if (x < 0.75 && n) await notes.remove(user.id, n.id, meta(user.id));
      else if (x < 0.9 && gone.length) await notes.undelete(user.id, pick(gone)!.id, meta(user.id));
      else if (n) await notes.restore(user.id, { position: Math.max(1, Math.floor(rnd() * (await a.log.head()))) }, meta(user.id));
    }
  }
}
