// Implementation notes — scheduling (RFC 6638 server-side, RFC 6047 iMIP).
// - Runs after a person's own change to an event (browser or CalDAV), never after a
//   change scheduling made itself, so it cannot loop; imports do not schedule.
// - The organizer's change: every local attendee gets the event in their own calendar
//   (a new invitation in their default calendar, an update where they keep it, their own
//   answer preserved); attendees outside the organization get an iMIP REQUEST by mail
//   when the mail plugin is there. Removed attendees and deleted events: CANCEL.
// - An attendee's answer (their PARTSTAT in their copy): the local organizer's copy is
//   updated; an outside organizer gets an iMIP REPLY. Deleting one's copy declines.
// - Unchanged times, place, title, rules and attendee list send nothing again.
// - Failures are logged, never thrown: the person's own change is already saved.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { EventMetadata } from '../../../core/events/types.ts';
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import type { Logger } from '../../../core/logger.ts';
import { cancelOf, methodOf, replyOf, schedulingInfo, setPartstat, withMethod, withoutMethod, type PartStat } from './itip.ts';

export interface ScheduledCopy { calendarId: string; objectId: string; name: string; ics: string }

/** What mail offers (`mail.submit`): the same path as the SMTP submission port. */
export interface ItipMailer {
  submit(userId: string, raw: Buffer, envelope: { from: string; to: string[] }, opts?: { meta?: EventMetadata }): Promise<unknown>;
}

export interface SchedulerDeps {
  auth: AuthService;
  logger: Logger;
  /** The user's object with this UID in their own calendars, if any. */
  findOwn(userId: string, uid: string): Promise<ScheduledCopy | undefined>;
  /** Where a new invitation goes: the user's default calendar (made on first use). */
  inviteInto(user: SessionUser, meta: EventMetadata): Promise<{ calendarId: string } | undefined>;
  /** Stores an object without rights checks and without scheduling again. */
  put(calendarId: string, name: string, ics: string, meta: EventMetadata): Promise<void>;
  remove(calendarId: string, objectId: string, meta: EventMetadata): Promise<void>;
  mailer(): ItipMailer | undefined;
  /** The meeting room invited by this address, if any. */
  room(address: string): Promise<{ calendarId: string } | undefined>;
  /** The object with this UID in one calendar (a room's). */
  findIn(calendarId: string, uid: string): Promise<ScheduledCopy | undefined>;
  /** Whether none of the event's occurrences overlaps another booking of the room. */
  roomFree(calendarId: string, ics: string, uid: string): Promise<boolean>;
}

export interface Scheduler {
  afterPut(owner: SessionUser, before: string | undefined, after: string, meta: EventMetadata): Promise<void>;
  afterDelete(owner: SessionUser, before: string, meta: EventMetadata): Promise<void>;
  /**
   * An iMIP message delivered to `userId` (RFC 6047), sent by `from` (the From address):
   * REQUEST adds or updates the event in the user's calendar when they are invited and the
   * sender is its organizer; REPLY records an attendee's answer (the sender must be that
   * attendee) on the user's own event; CANCEL removes an event its organizer cancelled.
   * Anything else is ignored: mail cannot be used to write into someone's calendar.
   */
  incoming(userId: string, ics: string, from: string, meta: EventMetadata): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const system = (meta: EventMetadata): EventMetadata => ({ ...meta, source: 'system', scheduling: true });

  async function mail(from: SessionUser, to: string, method: 'REQUEST' | 'REPLY' | 'CANCEL', ics: string, summary: string, meta: EventMetadata) {
    const mailer = deps.mailer();
    if (!mailer) return;
    const subject = method === 'REQUEST' ? `Invitation: ${summary}` : method === 'CANCEL' ? `Cancelled: ${summary}` : `Reply: ${summary}`;
    const text = method === 'REQUEST' ? `${from.displayName || from.email} invites you to "${summary}". Your calendar app can add it and answer.`
      : method === 'CANCEL' ? `"${summary}" has been cancelled.` : `${from.displayName || from.email} answered your invitation to "${summary}".`;
    const raw = await new MailComposer({
      from: { name: from.displayName || from.email, address: from.email }, to, subject, text,
      icalEvent: { method, content: method === 'REQUEST' ? withMethod(ics, 'REQUEST') : ics },
    }).compile().build();
    await mailer.submit(from.id, raw, { from: from.email, to: [to] }, { meta });
  }

  /** A room answers by itself: accepted into its calendar when free, declined when booked (RFC 6638 §4.2 auto-schedule). */
  async function bookRoom(organizer: SessionUser, calendarId: string, address: string, ics: string, meta: EventMetadata) {
    const uid = schedulingInfo(ics)!.uid;
    const free = await deps.roomFree(calendarId, ics, uid);
    const existing = await deps.findIn(calendarId, uid);
    if (free) await deps.put(calendarId, existing?.name ?? nameForUid(uid), setPartstat(ics, address, 'ACCEPTED'), system(meta));
    else if (existing) await deps.remove(calendarId, existing.objectId, system(meta));
    const mine = await deps.findOwn(organizer.id, uid);
    if (mine) await deps.put(mine.calendarId, mine.name, setPartstat(mine.ics, address, free ? 'ACCEPTED' : 'DECLINED'), system(meta));
  }

  async function deliverInvitation(organizer: SessionUser, email: string, ics: string, summary: string, meta: EventMetadata) {
    const room = await deps.room(email);
    if (room) return bookRoom(organizer, room.calendarId, email, ics, meta);
    const user = await deps.auth.userByEmail(email);
    if (!user) return mail(organizer, email, 'REQUEST', ics, summary, meta);
    const uid = schedulingInfo(ics)!.uid;
    const existing = await deps.findOwn(user.id, uid);
    if (existing) {
      // Keep the attendee's own answer across the organizer's updates.
      const theirs = schedulingInfo(existing.ics)?.attendees.find((a) => a.email === email)?.partstat;
      await deps.put(existing.calendarId, existing.name, theirs ? setPartstat(ics, email, theirs) : ics, system(meta));
      return;
    }
    const into = await deps.inviteInto(user, system(meta));
    if (into) await deps.put(into.calendarId, nameForUid(uid), ics, system(meta));
  }

  async function cancelFor(organizer: SessionUser, email: string, ics: string, summary: string, meta: EventMetadata) {
    const room = await deps.room(email);
    if (room) {
      const booked = await deps.findIn(room.calendarId, schedulingInfo(ics)!.uid);
      if (booked) await deps.remove(room.calendarId, booked.objectId, system(meta));
      return;
    }
    const user = await deps.auth.userByEmail(email);
    if (!user) return mail(organizer, email, 'CANCEL', cancelOf(ics), summary, meta);
    const existing = await deps.findOwn(user.id, schedulingInfo(ics)!.uid);
    if (existing) await deps.remove(existing.calendarId, existing.objectId, system(meta));
  }

  async function answer(attendee: SessionUser, organizerEmail: string, ics: string, partstat: PartStat, summary: string, meta: EventMetadata) {
    const organizer = await deps.auth.userByEmail(organizerEmail);
    if (!organizer) return mail(attendee, organizerEmail, 'REPLY', replyOf(ics, attendee.email, partstat), summary, meta);
    const theirs = await deps.findOwn(organizer.id, schedulingInfo(ics)!.uid);
    if (theirs) await deps.put(theirs.calendarId, theirs.name, setPartstat(theirs.ics, attendee.email, partstat), system(meta));
  }

  const guarded = (what: string, fn: () => Promise<void>) => fn().catch((err: unknown) => deps.logger.warn({ err }, `scheduling: ${what} failed`));

  return {
    async afterPut(owner, beforeIcs, afterIcs, meta) {
      const after = schedulingInfo(afterIcs);
      const before = beforeIcs ? schedulingInfo(beforeIcs) : undefined;
      if (!after?.organizer || (after.attendees.length === 0 && !before?.attendees.length)) return;
      const me = owner.email.toLowerCase();
      if (after.organizer === me) {
        const changed = !before || before.fingerprint !== after.fingerprint;
        for (const a of after.attendees) {
          if (a.email === me || (!changed && before?.attendees.some((b) => b.email === a.email))) continue;
          await guarded(`invitation to ${a.email}`, () => deliverInvitation(owner, a.email, afterIcs, after.summary, meta));
        }
        for (const a of before?.attendees ?? []) {
          if (a.email === me || after.attendees.some((b) => b.email === a.email)) continue;
          await guarded(`cancellation for ${a.email}`, () => cancelFor(owner, a.email, beforeIcs!, after.summary, meta));
        }
        return;
      }
      const mine = after.attendees.find((a) => a.email === me)?.partstat;
      const was = before?.attendees.find((a) => a.email === me)?.partstat;
      if (mine && before && mine !== was) await guarded(`reply to ${after.organizer}`, () => answer(owner, after.organizer!, afterIcs, mine, after.summary, meta));
    },

    async incoming(userId, ics, fromAddress, meta) {
      const method = methodOf(ics);
      const info = schedulingInfo(ics);
      const user = await deps.auth.userById(userId);
      const from = fromAddress.trim().toLowerCase();
      if (!method || !info?.uid || !info.organizer || !user) return;
      const me = user.email.toLowerCase();
      const existing = await deps.findOwn(userId, info.uid);
      const existingOrganizer = existing ? schedulingInfo(existing.ics)?.organizer : undefined;
      const m = system(meta);
      if (method === 'REQUEST') {
        if (info.organizer !== from || !info.attendees.some((a) => a.email === me)) return;
        if (existing && existingOrganizer !== info.organizer) return; // someone else's event with that UID: not theirs to change
        const stored = withoutMethod(ics);
        if (existing) {
          const mine = schedulingInfo(existing.ics)?.attendees.find((a) => a.email === me)?.partstat;
          await deps.put(existing.calendarId, existing.name, mine ? setPartstat(stored, me, mine) : stored, m);
        } else {
          const into = await deps.inviteInto(user, m);
          if (into) await deps.put(into.calendarId, nameForUid(info.uid), stored, m);
        }
      } else if (method === 'REPLY') {
        if (!existing || existingOrganizer !== me) return;
        const answer = info.attendees.find((a) => a.email === from);
        if (!answer || !schedulingInfo(existing.ics)?.attendees.some((a) => a.email === from)) return;
        await deps.put(existing.calendarId, existing.name, setPartstat(existing.ics, from, answer.partstat), m);
      } else if (method === 'CANCEL') {
        if (existing && existingOrganizer === from && info.organizer === from) await deps.remove(existing.calendarId, existing.objectId, m);
      }
    },

    async afterDelete(owner, beforeIcs, meta) {
      const info = schedulingInfo(beforeIcs);
      if (!info?.organizer || info.attendees.length === 0) return;
      const me = owner.email.toLowerCase();
      if (info.organizer === me) {
        for (const a of info.attendees) {
          if (a.email !== me) await guarded(`cancellation for ${a.email}`, () => cancelFor(owner, a.email, beforeIcs, info.summary, meta));
        }
      } else if (info.attendees.some((a) => a.email === me)) {
        await guarded(`decline to ${info.organizer}`, () => answer(owner, info.organizer!, beforeIcs, 'DECLINED', info.summary, meta));
      }
    },
  };
}

/** A resource name for a scheduled copy (the UID when it is URL-safe, as clients do). */
function nameForUid(uid: string): string {
  return /^[A-Za-z0-9@._-]{1,200}$/.test(uid) ? `${uid}.ics` : `${Buffer.from(uid).toString('base64url').slice(0, 200)}.ics`;
}
