import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpReadModels } from '../../../core/testing/dump-read-models.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../testing/mail-kit.ts';

const message = (subject: string, body = 'Hello there.\r\n', extra = '') => Buffer.from(
  `From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: ${subject}\r\nDate: Tue, 03 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n${extra}\r\n${body}`,
);

let kit: MailKit;
let bob: MailKitUser;
beforeAll(async () => {
  kit = await createMailTestAppliance();
  bob = await kit.addUser('bob@example.test');
});
afterAll(() => kit.close());

describe('mail store', () => {
  it('creates the special-use mailboxes once, even when first deliveries race', async () => {
    const u = await kit.addUser('racer@example.test');
    await Promise.all(Array.from({ length: 5 }, (_, i) => kit.store.deliver(u.userId, message(`race ${i}`), {}, kit.meta())));
    const boxes = await kit.store.mailboxes(u.userId);
    expect(boxes.map((b) => [b.name, b.specialUse])).toEqual([
      ['INBOX', null], ['Archive', '\\Archive'], ['Drafts', '\\Drafts'], ['Junk', '\\Junk'], ['Sent', '\\Sent'], ['Trash', '\\Trash'],
    ]);
    expect(boxes.every((b) => b.subscribed)).toBe(true);
    expect(boxes[0]!.messages).toBe(5);
  });

  it('gives concurrent deliveries distinct ascending UIDs without conflicts, keeps bytes exact and counters right', async () => {
    const u = await kit.addUser('busy@example.test');
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => kit.store.deliver(u.userId, message(`m${i}`), {}, kit.meta())));
    const uids = results.map((r) => r.uid);
    expect(new Set(uids).size).toBe(40);
    const inbox = (await kit.store.mailboxBySpecialUse(u.userId, 'INBOX'))!;
    expect(inbox.messages).toBe(40);
    expect(inbox.unseen).toBe(40);
    expect(inbox.uidNext).toBe(Math.max(...uids) + 1);
    const list = await kit.store.messages(inbox.id);
    expect(list.map((m) => m.uid)).toEqual([...uids].sort((a, b) => a - b));
    const [rec] = await kit.store.messageRecords(inbox.id, [list[0]!.uid]);
    expect(rec!.envelope.subject).toMatch(/^m\d+$/);
    const raw = await kit.store.readMessage(rec!.sha256);
    expect(raw.toString()).toContain(`Subject: ${rec!.envelope.subject}`);
    expect((await kit.store.readMessage(rec!.sha256, { start: 0, end: 5 })).toString()).toBe('From:');
    expect((await kit.store.quota(u.userId)).messages).toBe(40);
  });

  it('changes flags, moving modseq only for messages that changed, and honours UNCHANGEDSINCE', async () => {
    const inbox = (await kit.store.mailboxBySpecialUse(bob.userId, 'INBOX')) ?? (await kit.store.deliver(bob.userId, message('first'), {}, kit.meta()), (await kit.store.mailboxBySpecialUse(bob.userId, 'INBOX'))!);
    const a = await kit.store.appendMessage(inbox.id, { raw: message('flags a'), flags: ['\\seen', 'Important'] }, kit.meta());
    const b = await kit.store.appendMessage(inbox.id, { raw: message('flags b') }, kit.meta());
    const before = await kit.store.messages(inbox.id, { fromUid: a.uid });
    expect(before[0]!.flags).toEqual(['Important', '\\Seen']);
    const r = await kit.store.setFlags(inbox.id, [a.uid, b.uid], 'add', ['\\Seen'], {}, kit.meta());
    expect(r.changed.map((c) => c.uid)).toEqual([b.uid]);
    const after = await kit.store.messages(inbox.id, { fromUid: a.uid });
    expect(after[0]!.modseq).toBe(before[0]!.modseq);
    expect(after[1]!.modseq).toBeGreaterThan(before[1]!.modseq);
    const cond = await kit.store.setFlags(inbox.id, [a.uid, b.uid], 'add', ['\\Flagged'], { unchangedSince: before[0]!.modseq }, kit.meta());
    expect(cond.failed).toEqual([b.uid]);
    expect(cond.changed.map((c) => c.uid)).toEqual([a.uid]);
    expect((await kit.store.messages(inbox.id, { changedSince: after[1]!.modseq })).map((m) => m.uid)).toEqual([a.uid]);
    await expect(kit.store.setFlags(inbox.id, [a.uid], 'add', ['\\Bogus'], {}, kit.meta())).rejects.toThrow(/invalid flag/);
  });

  it('expunges into "recently deleted", reports VANISHED, and brings messages back with new UIDs', async () => {
    const u = await kit.addUser('oops@example.test');
    const d1 = await kit.store.deliver(u.userId, message('keep'), {}, kit.meta());
    const d2 = await kit.store.deliver(u.userId, message('lose'), {}, kit.meta());
    const inbox = (await kit.store.mailbox(d1.mailboxId))!;
    const mark = inbox.highestModseq;
    expect(await kit.store.expunge(inbox.id, [d2.uid, 999999], kit.meta())).toEqual([d2.uid]);
    expect(await kit.store.vanished(inbox.id, mark)).toEqual([d2.uid]);
    const gone = await kit.store.recentlyDeleted(u.userId);
    expect(gone.map((g) => g.subject)).toEqual(['lose']);
    expect(await kit.store.undelete(u.userId, [{ mailboxId: gone[0]!.mailboxId, uid: gone[0]!.uid }], kit.meta())).toBe(1);
    const now = await kit.store.messages(inbox.id);
    expect(now).toHaveLength(2);
    expect(now[1]!.uid).toBeGreaterThan(d2.uid);
    expect(await kit.store.recentlyDeleted(u.userId)).toEqual([]);
  });

  it('copies and moves with UID pairs; a move is atomic; quota follows', async () => {
    const u = await kit.addUser('mover@example.test');
    for (let i = 0; i < 3; i++) await kit.store.deliver(u.userId, message(`mv${i}`), {}, kit.meta());
    const inbox = (await kit.store.mailboxBySpecialUse(u.userId, 'INBOX'))!;
    const archive = (await kit.store.mailboxBySpecialUse(u.userId, '\\Archive'))!;
    const uids = (await kit.store.messages(inbox.id)).map((m) => m.uid);
    const copied = await kit.store.copy(inbox.id, [uids[0]!], archive.id, kit.meta());
    expect(copied.pairs).toHaveLength(1);
    expect(copied.uidValidity).toBe(archive.uidValidity);
    const q1 = await kit.store.quota(u.userId);
    expect(q1.messages).toBe(4);
    const moved = await kit.store.move(inbox.id, uids.slice(1), archive.id, kit.meta());
    expect(moved.pairs.map((p) => p[0])).toEqual(uids.slice(1));
    expect((await kit.store.mailbox(inbox.id))!.messages).toBe(1);
    expect((await kit.store.mailbox(archive.id))!.messages).toBe(3);
    expect((await kit.store.quota(u.userId)).messages).toBe(4);
    // Moved is not deleted: VANISHED knows the old UIDs, "recently deleted" does not list them.
    expect(await kit.store.vanished(inbox.id, 0)).toEqual(uids.slice(1));
    expect(await kit.store.recentlyDeleted(u.userId)).toEqual([]);
    await kit.store.setQuota(u.userId, q1.usedBytes + 10, kit.meta());
    await expect(kit.store.deliver(u.userId, message('too much', 'x'.repeat(1000)), {}, kit.meta())).rejects.toMatchObject({ code: 'over_quota' });
    await kit.store.setQuota(u.userId, null, kit.meta());
  });

  it('creates, renames (children along) and deletes mailboxes; INBOX rename moves its messages', async () => {
    const u = await kit.addUser('folders@example.test');
    await kit.store.ensureAccount(u.userId, kit.meta());
    await kit.store.createMailbox(u.userId, 'Projects/Cairn/Mail', {}, kit.meta());
    expect((await kit.store.mailboxes(u.userId)).map((m) => m.name)).toEqual(expect.arrayContaining(['Projects', 'Projects/Cairn', 'Projects/Cairn/Mail']));
    await expect(kit.store.createMailbox(u.userId, 'Projects', {}, kit.meta())).rejects.toMatchObject({ code: 'mailbox_exists' });
    await expect(kit.store.createMailbox(u.userId, 'bad//name', {}, kit.meta())).rejects.toThrow(/empty levels/);
    await kit.store.renameMailbox(u.userId, 'Projects', 'Work', kit.meta());
    expect((await kit.store.mailboxes(u.userId)).map((m) => m.name)).toEqual(expect.arrayContaining(['Work', 'Work/Cairn', 'Work/Cairn/Mail']));
    await expect(kit.store.deleteMailbox(u.userId, 'Work', kit.meta())).rejects.toMatchObject({ code: 'has_children' });
    await expect(kit.store.deleteMailbox(u.userId, 'inbox', kit.meta())).rejects.toMatchObject({ code: 'cannot_delete_inbox' });
    await kit.store.deliver(u.userId, message('in inbox'), {}, kit.meta());
    await kit.store.renameMailbox(u.userId, 'INBOX', 'Old Inbox', kit.meta());
    expect((await kit.store.mailboxByName(u.userId, 'INBOX'))!.messages).toBe(0);
    expect((await kit.store.mailboxByName(u.userId, 'Old Inbox'))!.messages).toBe(1);
    // Deleting a mailbox with messages makes them "recently deleted".
    await kit.store.deleteMailbox(u.userId, 'Old Inbox', kit.meta());
    expect((await kit.store.recentlyDeleted(u.userId)).map((g) => g.mailboxName)).toEqual(['Old Inbox']);
  });

  it('delivers a retried message once (idempotency key)', async () => {
    const u = await kit.addUser('retry@example.test');
    const a = await kit.store.deliver(u.userId, message('once'), { idempotencyKey: 'smtp-abc' }, kit.meta());
    const b = await kit.store.deliver(u.userId, message('once'), { idempotencyKey: 'smtp-abc' }, kit.meta());
    expect(b.uid).toBe(a.uid);
    expect((await kit.store.mailbox(a.mailboxId))!.messages).toBe(1);
  });

  it('restores a mailbox as it was at a moment, and the restore can be undone', async () => {
    const u = await kit.addUser('restore@example.test');
    const m1 = await kit.store.deliver(u.userId, message('r1'), {}, kit.meta());
    await kit.store.deliver(u.userId, message('r2'), {}, kit.meta());
    const inboxId = m1.mailboxId;
    const t = await kit.appliance.log.head();
    const snapshot = (await kit.store.messageRecords(inboxId, (await kit.store.messages(inboxId)).map((m) => m.uid))).map((r) => [r.envelope.subject, r.flags]);
    await kit.store.setFlags(inboxId, [m1.uid], 'add', ['\\Seen', '\\Flagged'], {}, kit.meta());
    await kit.store.expunge(inboxId, [m1.uid], kit.meta());
    await kit.store.deliver(u.userId, message('r3 later'), {}, kit.meta());
    const preview = await kit.store.previewMailboxRestore(inboxId, { position: t }, kit.meta());
    expect(preview).toEqual({ restored: 1, removed: 1, reflagged: 0 });
    const beforeRestore = await kit.appliance.log.head();
    await kit.store.restoreMailbox(inboxId, { position: t }, kit.meta());
    const now = (await kit.store.messageRecords(inboxId, (await kit.store.messages(inboxId)).map((m) => m.uid))).map((r) => [r.envelope.subject, r.flags]);
    expect(now.sort()).toEqual(snapshot.sort());
    expect((await kit.store.mailbox(inboxId))!.unseen).toBe(2);
    // Undo: back to just before the restore.
    await kit.store.restoreMailbox(inboxId, { position: beforeRestore }, kit.meta());
    const undone = await kit.store.messageRecords(inboxId, (await kit.store.messages(inboxId)).map((m) => m.uid));
    expect(undone.map((r) => r.envelope.subject).sort()).toEqual(['r2', 'r3 later']);
  });

  it('rebuilds the mail read models from the log byte for byte', async () => {
    const before = dumpReadModels(kit.appliance.db.raw);
    await kit.appliance.projections.rebuild(['mail.store']);
    expect(dumpReadModels(kit.appliance.db.raw)).toBe(before);
  });
});

describe('mail search wiring', () => {
  it('indexes delivered mail asynchronously and finds it by body text', async () => {
    const u = await kit.addUser('searcher@example.test');
    const d = await kit.store.deliver(u.userId, message('quarterly report', 'The kangaroo budget is attached.\r\n'), {}, kit.meta());
    await kit.appliance.projections.settle();
    const search = kit.appliance.services.services.require<{ matchUids(m: string, f: string, t: string): Promise<Set<number>> }>('mail.search');
    expect([...(await search.matchUids(d.mailboxId, 'text', 'kangaroo'))]).toEqual([d.uid]);
    expect([...(await search.matchUids(d.mailboxId, 'subject', 'QUARTERLY'))]).toEqual([d.uid]);
    await kit.store.expunge(d.mailboxId, [d.uid], kit.meta());
    await kit.appliance.projections.settle();
    expect((await search.matchUids(d.mailboxId, 'text', 'kangaroo')).size).toBe(0);
  });
});
