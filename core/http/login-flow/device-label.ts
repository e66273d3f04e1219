// The name a Login Flow v2 client gets in the grant page and the device list, from the
// User-Agent it sent when it started the flow. Nextcloud's clients send:
//   desktop (3.x)  "<host name> (Desktop Client - <platform>)"
//   desktop, old   "Mozilla/5.0 (<platform>) mirall/<version> (Nextcloud, …)"
//   Android        "Mozilla/5.0 (Android) Nextcloud-android/<version>"
//   iOS            "Mozilla/5.0 (iOS) Nextcloud-iOS/<version>"
// Anything else is shown as sent, cleaned. The header is chosen by whoever started the
// flow, so the result is only ever text (escaped by JSX), bounded and free of control
// characters, and the page says the name is the app's own claim.

/** Longest label kept: it names the app password in lists (identity allows 100). */
export const MAX_DEVICE_LABEL_LENGTH = 80;
/** A User-Agent is not read past this (it is one header, but a client chooses it). */
const MAX_USER_AGENT_READ = 512;
const FALLBACK = 'Nextcloud client';
// Control characters, line/paragraph separators and bidi overrides (which could make the name read differently than it is).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function deviceLabel(userAgent: string | undefined): string {
  const ua = clean((userAgent ?? '').slice(0, MAX_USER_AGENT_READ));
  let label: string;
  const desktop = /^(.*?)\s*\(Desktop Client - ([^)]+)\)$/.exec(ua);
  const mirall = /^Mozilla\/\S+ \(([^)]+)\) mirall\//.exec(ua);
  if (desktop) label = `Nextcloud desktop (${desktop[2]!.trim()})${desktop[1] ? ` on ${desktop[1]}` : ''}`;
  else if (mirall) label = `Nextcloud desktop (${mirall[1]!.trim()})`;
  else if (/Nextcloud-android/i.test(ua)) label = 'Nextcloud Android';
  else if (/Nextcloud-iOS/i.test(ua)) label = 'Nextcloud iOS';
  else label = ua || FALLBACK;
  return bound(label);
}

function clean(s: string): string {
  return s.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim().normalize('NFC');
}

/** At most MAX_DEVICE_LABEL_LENGTH characters (code points, so no surrogate pair is cut). */
function bound(s: string): string {
  const chars = [...s];
  return chars.length <= MAX_DEVICE_LABEL_LENGTH ? s : `${chars.slice(0, MAX_DEVICE_LABEL_LENGTH - 1).join('').trimEnd()}…`;
}
