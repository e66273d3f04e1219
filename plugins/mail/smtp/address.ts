// Mail addresses as the SMTP code compares them. The local part is compared
// case-insensitively although RFC 5321 §2.4 lets a server treat it as case-sensitive:
// every mainstream provider folds case, and users type addresses any way they like.
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { headerValues } from './raw-message.ts';

/** Longest address accepted (RFC 5321 §4.5.3.1.3: path ≤ 256 octets including the brackets). */
export const MAX_ADDRESS_LENGTH = 254;

export function normalizeAddress(address: string): string {
  return address.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** Domain part, lowercase, without a trailing dot; '' when there is no '@'. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}

export function isValidAddress(address: string): boolean {
  return address.length > 0 && address.length <= MAX_ADDRESS_LENGTH && /^[^\s@<>]+@[^\s@<>]+$/.test(address);
}

/** Every address in the named header fields (To, Cc, From, …), normalized; groups are flattened. */
export function headerAddresses(raw: Buffer, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    for (const value of headerValues(raw, name)) {
      for (const a of addressparser(value, { flatten: true })) {
        if (a.address) out.push(normalizeAddress(a.address));
      }
    }
  }
  return out;
}
