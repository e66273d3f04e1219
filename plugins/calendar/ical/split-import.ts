// Splitting an .ics file (one or several VCALENDARs, many events and tasks) into one
// calendar object per UID: the master with its RECURRENCE-ID overrides and the
// VTIMEZONEs they refer to, as RFC 4791 §4.1 wants them stored.
import ICAL from 'ical.js';
import { createHash } from 'node:crypto';
import type { ComponentName } from '../events.ts';

export interface SplitObject {
  uid: string;
  component: ComponentName;
  ics: string;
}

export interface SplitResult {
  objects: SplitObject[];
  /** Components left out, with why (no UID, unsupported kind). */
  skipped: string[];
}

export const PRODID = '-//Cairn//Calendar//EN';

/** Parses every VCALENDAR in the text; throws on unparseable input. */
export function parseAll(text: string): ICAL.Component[] {
  const jcal = ICAL.parse(text) as unknown;
  const list = Array.isArray(jcal) && typeof jcal[0] === 'string' ? [jcal] : (jcal as unknown[]);
  return list.map((j) => new ICAL.Component(j as never)).filter((c) => c.name === 'vcalendar');
}

/** A VCALENDAR wrapper holding `comps` and the VTIMEZONEs their properties name. */
export function wrap(comps: ICAL.Component[], zones: Map<string, ICAL.Component>): string {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  const used = new Set<string>();
  const visit = (c: ICAL.Component) => {
    for (const p of c.getAllProperties()) {
      const tz = p.getParameter('tzid');
      if (typeof tz === 'string') used.add(tz);
    }
    for (const s of c.getAllSubcomponents()) visit(s);
  };
  comps.forEach(visit);
  for (const tz of used) {
    const z = zones.get(tz);
    if (z) cal.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(z.toJSON()))));
  }
  for (const c of comps) cal.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(c.toJSON()))));
  return cal.toString() + '\r\n';
}

export function splitImport(text: string): SplitResult {
  const calendars = parseAll(text);
  const zones = new Map<string, ICAL.Component>();
  const groups = new Map<string, { component: ComponentName; comps: ICAL.Component[] }>();
  const skipped: string[] = [];
  for (const cal of calendars) {
    for (const z of cal.getAllSubcomponents('vtimezone')) {
      const id = z.getFirstPropertyValue('tzid');
      if (typeof id === 'string' && !zones.has(id)) zones.set(id, z);
    }
    for (const c of cal.getAllSubcomponents()) {
      if (c.name === 'vtimezone') continue;
      const kind = c.name.toUpperCase();
      const summary = String(c.getFirstPropertyValue('summary') ?? '').slice(0, 80);
      if (kind !== 'VEVENT' && kind !== 'VTODO') { skipped.push(`${kind} ${summary}`.trim()); continue; }
      let uid = String(c.getFirstPropertyValue('uid') ?? '').trim();
      if (!uid) {
        // A UID is required (RFC 5545); derive a stable one so re-importing the same file updates rather than duplicates.
        uid = createHash('sha256').update(c.toString()).digest('hex').slice(0, 32) + '@import.cairn';
        c.updatePropertyWithValue('uid', uid);
      }
      const key = `${kind}\u0000${uid}`;
      const g = groups.get(key) ?? { component: kind as ComponentName, comps: [] };
      g.comps.push(c);
      groups.set(key, g);
    }
  }
  const objects: SplitObject[] = [];
  for (const [key, g] of groups) {
    const uid = key.slice(key.indexOf('\u0000') + 1);
    objects.push({ uid, component: g.component, ics: wrap(g.comps, zones) });
  }
  return { objects, skipped };
}

/** Several objects' texts merged into one VCALENDAR for download (VTIMEZONEs de-duplicated). */
export function mergeForExport(texts: string[], name: string): string {
  const zones = new Map<string, ICAL.Component>();
  const comps: ICAL.Component[] = [];
  for (const t of texts) {
    for (const cal of safeParse(t)) {
      for (const c of cal.getAllSubcomponents()) {
        if (c.name === 'vtimezone') {
          const id = c.getFirstPropertyValue('tzid');
          if (typeof id === 'string' && !zones.has(id)) zones.set(id, c);
        } else comps.push(c);
      }
    }
  }
  const out = new ICAL.Component('vcalendar');
  out.addPropertyWithValue('version', '2.0');
  out.addPropertyWithValue('prodid', PRODID);
  out.addPropertyWithValue('x-wr-calname', name);
  for (const z of zones.values()) out.addSubcomponent(z);
  for (const c of comps) out.addSubcomponent(c);
  return out.toString() + '\r\n';
}

function safeParse(t: string): ICAL.Component[] {
  try { return parseAll(t); } catch { return []; }
}
