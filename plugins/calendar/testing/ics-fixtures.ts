// iCalendar texts for specs, built line by line so CRLFs and folding are as clients send them.
export function vcalendar(...components: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Spec//EN', ...components, 'END:VCALENDAR', ''].join('\r\n');
}

export function vevent(props: Record<string, string>): string {
  const lines = ['BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z'];
  for (const [k, v] of Object.entries(props)) lines.push(`${k}:${v}`);
  lines.push('END:VEVENT');
  return lines.join('\r\n');
}

export function vtodo(props: Record<string, string>): string {
  const lines = ['BEGIN:VTODO', 'DTSTAMP:20260101T000000Z'];
  for (const [k, v] of Object.entries(props)) lines.push(`${k}:${v}`);
  lines.push('END:VTODO');
  return lines.join('\r\n');
}

/** A one-hour event in UTC. */
export const simpleEvent = (uid: string, summary = 'Meeting', start = '20260105T100000Z', end = '20260105T110000Z') =>
  vcalendar(vevent({ UID: uid, SUMMARY: summary, DTSTART: start, DTEND: end }));

export const PARIS_TZ = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Paris',
  'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
  'END:VTIMEZONE',
].join('\r\n');
