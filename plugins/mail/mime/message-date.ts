// The Date header (RFC 5322 §3.3, with the obsolete forms of §4.3: two-digit years,
// named zones, comments) as ms since the epoch. Real mail carries all of these, and
// Date.parse alone disagrees between engines on several, so the common shape is read
// here and Date.parse only handles what is left (ISO strings from odd software).

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
/** RFC 5322 §4.3 obsolete zones, in minutes east of UTC; military letters count as -0000 (unknown), i.e. 0. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

const SHAPE = /^(?:[a-z]+\s*,?\s*)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\d{2}:?\d{2}|[a-z]{1,5})?/i;

export function parseMessageDate(value: string | null): number | null {
  if (value === null) return null;
  const text = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  const m = SHAPE.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (month !== undefined) {
      let year = Number(m[3]);
      if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900; // §4.3
      else if (m[3]!.length === 3) year += 1900;
      const day = Number(m[1]);
      const h = Number(m[4]);
      const min = Number(m[5]);
      const sec = Number(m[6] ?? 0);
      if (day >= 1 && day <= 31 && h <= 23 && min <= 59 && sec <= 60) {
        const t = Date.UTC(year, month, day, h, min, sec) - zoneMinutes(m[7]) * 60_000;
        if (Number.isFinite(t)) return t;
      }
    }
  }
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : null;
}

function zoneMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (z) {
    const minutes = Number(z[2]) * 60 + Number(z[3]);
    return z[1] === '-' ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()] ?? 0;
}
