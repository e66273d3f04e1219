// The one DNS seam of the SMTP code: SPF/DKIM/DMARC/ARC verification (through mailauth),
// MX lookups for outbound delivery and the PTR lookup for Received headers all go
// through a `DnsResolver`, so tests and benchmarks inject a static zone and never touch
// the network.
//
// The shape is node's `dns.promises.resolve(name, rrtype)`, which is also what mailauth
// expects: TXT → string[][], MX → {exchange, priority}[], A/AAAA/PTR → string[]. A name
// without records rejects with an error whose `code` is ENOTFOUND or ENODATA.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export type DnsResolver = (name: string, rrtype: string) => Promise<any[]>;

/** Per-query timeout of the system resolver: long enough for a slow authoritative server, short enough that an SMTP client waiting on our reply does not give up (RFC 5321 §4.5.3.2 gives it minutes, but SPF may chain ten lookups). */
export const DNS_TIMEOUT_MS = 3_000;
/** Attempts per query: one retry covers a lost UDP packet. */
export const DNS_TRIES = 2;

export function systemResolver(): DnsResolver {
  const resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<any[]>;
}

/** True for "this name has no such records" (as opposed to a lookup that failed). */
export function isDnsNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN';
}

/** Loopback and private ranges have no meaningful public PTR; asking would only wait on a timeout. */
export function isLocalAddress(ip: string): boolean {
  const v = ip.replace(/^::ffff:/i, '');
  if (isIP(v) === 4) {
    const [a, b] = v.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  const lower = v.toLowerCase();
  return lower === '::1' || lower.startsWith('fe80:') || lower.startsWith('fc') || lower.startsWith('fd');
}

/** The PTR name of an address (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(ip: string): string {
  const v = ip.replace(/^::ffff:/i, '');
  if (isIP(v) === 4) return `${v.split('.').reverse().join('.')}.in-addr.arpa`;
  const groups = expandIpv6(v);
  return `${groups.join('').split('').reverse().join('.')}.ip6.arpa`;
}

function expandIpv6(ip: string): string[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0'));
}

/** The first PTR name of the client, or undefined (none, a local address, or the lookup failed). */
export async function reverseLookup(resolver: DnsResolver, ip: string): Promise<string | undefined> {
  if (isLocalAddress(ip) || !isIP(ip.replace(/^::ffff:/i, ''))) return undefined;
  try {
    const names = await resolver(reverseName(ip), 'PTR');
    const first = names[0];
    return typeof first === 'string' && /^[a-z0-9.-]{1,253}$/i.test(first) ? first.replace(/\.$/, '') : undefined;
  } catch {
    return undefined;
  }
}
