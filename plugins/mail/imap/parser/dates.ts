// IMAP dates (RFC 9051 §9: date, date-time) in and out.
import { badSyntax } from '../imap-error.ts';
import type { ArgReader } from './arg-reader.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.toLowerCase(), i]));
const DAY_MS = 86_400_000;

/** date = date-text / DQUOTE date-text DQUOTE; returns days since the epoch (UTC). */
export function parseSearchDate(r: ArgReader): number {
  const text = r.peek() === '"' ? r.quoted() : r.atom('a date');
  const day = dayNumberOf(text);
  if (day === null) throw badSyntax('Bad date');
  return day;
}

export function dayNumberOf(text: string): number | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return null;
  const month = MONTH_INDEX.get(m[2]!.toLowerCase());
  if (month === undefined) return null;
  const day = Number(m[1]);
  if (day < 1 || day > 31) return null;
  return Math.floor(Date.UTC(Number(m[3]), month, day) / DAY_MS);
}

/** Days since the epoch of a timestamp, in UTC ("disregarding time and timezone", RFC 9051 §6.4.4). */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE → ms since epoch. */
export function parseDateTime(text: string): number {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) throw badSyntax('Bad date-time');
  const month = MONTH_INDEX.get(m[2]!.toLowerCase());
  if (month === undefined) throw badSyntax('Bad month in date-time');
  const [day, year, hh, mm, ss, zh, zm] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map(Number) as number[];
  if (day! < 1 || day! > 31 || hh! > 23 || mm! > 59 || ss! > 60) throw badSyntax('Bad date-time');
  const offset = (m[7] === '-' ? -1 : 1) * (zh! * 60 + zm!) * 60_000;
  return Date.UTC(year!, month, day!, hh!, mm!, ss!) - offset;
}

/** INTERNALDATE as date-time, in UTC. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `"${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`;
}
