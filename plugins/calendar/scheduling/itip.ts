// iTIP (RFC 5546) on stored objects, pure: who organizes and who attends, what a change
// means for them, and the REQUEST / REPLY / CANCEL bodies sent by mail (iMIP, RFC 6047)
// or applied to a local attendee's calendar (RFC 6638's server-side scheduling).
import ICAL from 'ical.js';

export type PartStat = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';
export const PARTSTATS: readonly PartStat[] = ['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE'];

export interface Attendee { email: string; partstat: PartStat; name?: string }

export interface SchedulingInfo {
  uid: string;
  /** Lowercased address of ORGANIZER, when there is one. */
  organizer: string | undefined;
  attendees: Attendee[];
  summary: string;
  /** What attendees must be told about again when it changes (times, place, title, rules, cancellation). */
  fingerprint: string;
}

/** Invitations per event that scheduling sends: a meeting, not a mailing list. */
export const MAX_SCHEDULED_ATTENDEES = 100;

const mailto = (v: unknown) => (typeof v === 'string' && /^mailto:/i.test(v) ? v.slice(7).trim().toLowerCase() : undefined);

function root(ics: string): ICAL.Component | undefined {
  try {
    const c = new ICAL.Component(ICAL.parse(ics) as unknown as unknown[]);
    return c.name === 'vcalendar' ? c : undefined;
  } catch {
    return undefined;
  }
}

function master(cal: ICAL.Component): ICAL.Component | undefined {
  const events = cal.getAllSubcomponents('vevent');
  return events.find((e) => !e.hasProperty('recurrence-id')) ?? events[0];
}

export function schedulingInfo(ics: string): SchedulingInfo | undefined {
  const cal = root(ics);
  const ev = cal && master(cal);
  if (!cal || !ev) return undefined;
  const attendees: Attendee[] = [];
  for (const p of ev.getAllProperties('attendee')) {
    const email = mailto(p.getFirstValue());
    if (!email || attendees.some((a) => a.email === email)) continue;
    const ps = String(p.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() as PartStat;
    const cn = p.getParameter('cn');
    attendees.push({ email, partstat: PARTSTATS.includes(ps) ? ps : 'NEEDS-ACTION', ...(typeof cn === 'string' ? { name: cn } : {}) });
  }
  const fp = cal.getAllSubcomponents('vevent').map((e) => ['dtstart', 'dtend', 'duration', 'rrule', 'rdate', 'exdate', 'recurrence-id', 'summary', 'location', 'status']
    .map((n) => e.getAllProperties(n).map((p) => p.toICALString()).join(',')).join('|')).join('#');
  return {
    uid: String(ev.getFirstPropertyValue('uid') ?? ''),
    organizer: mailto(ev.getFirstPropertyValue('organizer')),
    attendees: attendees.slice(0, MAX_SCHEDULED_ATTENDEES),
    summary: String(ev.getFirstPropertyValue('summary') ?? ''),
    fingerprint: `${fp}#${attendees.map((a) => a.email).sort().join(',')}`,
  };
}

/** The object with `email`'s PARTSTAT set in every component (the attendee answered). */
export function setPartstat(ics: string, email: string, partstat: PartStat): string {
  const cal = root(ics);
  if (!cal) return ics;
  for (const ev of cal.getAllSubcomponents('vevent')) {
    for (const p of ev.getAllProperties('attendee')) {
      if (mailto(p.getFirstValue()) !== email.toLowerCase()) continue;
      p.setParameter('partstat', partstat);
      p.removeParameter('rsvp');
    }
  }
  return cal.toString();
}

/** A copy carrying an iTIP METHOD (iMIP bodies carry one; stored objects never do, RFC 4791 §4.1). */
export function withMethod(ics: string, method: 'REQUEST' | 'CANCEL' | 'REPLY'): string {
  const cal = root(ics);
  if (!cal) return ics;
  cal.updatePropertyWithValue('method', method);
  return cal.toString();
}

/** The stored form of an object received by iTIP: no METHOD. */
export function withoutMethod(ics: string): string {
  const cal = root(ics);
  if (!cal) return ics;
  cal.removeAllProperties('method');
  return cal.toString();
}

export function methodOf(ics: string): string | undefined {
  const m = root(ics)?.getFirstPropertyValue('method');
  return typeof m === 'string' ? m.toUpperCase() : undefined;
}

/** CANCEL (RFC 5546 §3.2.5): the event with STATUS:CANCELLED and a higher SEQUENCE. */
export function cancelOf(ics: string): string {
  const cal = root(ics);
  if (!cal) return ics;
  for (const ev of cal.getAllSubcomponents('vevent')) {
    ev.updatePropertyWithValue('status', 'CANCELLED');
    ev.updatePropertyWithValue('sequence', Number(ev.getFirstPropertyValue('sequence') ?? 0) + 1);
  }
  cal.updatePropertyWithValue('method', 'CANCEL');
  return cal.toString();
}

/** REPLY (RFC 5546 §3.2.3): the event as the attendee saw it, with only that attendee and the answer. */
export function replyOf(ics: string, email: string, partstat: PartStat): string {
  const cal = root(ics);
  if (!cal) return ics;
  for (const ev of cal.getAllSubcomponents('vevent')) {
    for (const p of ev.getAllProperties('attendee')) {
      if (mailto(p.getFirstValue()) === email.toLowerCase()) p.setParameter('partstat', partstat);
      else ev.removeProperty(p);
    }
    ev.removeAllSubcomponents('valarm');
  }
  cal.updatePropertyWithValue('method', 'REPLY');
  return cal.toString();
}

/**
 * The event with an ORGANIZER when it has attendees and none yet (RFC 5545 §3.8.4.3: an
 * event with attendees is a meeting and needs one): the person saving it in the browser.
 */
export function withOrganizer(ics: string, email: string, name?: string): string {
  const cal = root(ics);
  if (!cal) return ics;
  let changed = false;
  for (const ev of cal.getAllSubcomponents('vevent')) {
    if (ev.hasProperty('organizer') || !ev.hasProperty('attendee')) continue;
    const p = new ICAL.Property('organizer');
    p.setValue(`mailto:${email}`);
    if (name) p.setParameter('cn', name);
    ev.addProperty(p);
    changed = true;
  }
  return changed ? cal.toString() : ics;
}
