// Where mail for a domain goes (RFC 5321 §5.1): the MX hosts in preference order,
// the domain itself when it has no MX (the "implicit MX", its A/AAAA records), nothing
// when it publishes a null MX (RFC 7505) or does not exist. Then each host's addresses.
import { isIP } from 'node:net';
import { isDnsNotFound, type DnsResolver } from '../dns-resolver.ts';

/** MX hosts tried per attempt; more than this is a misconfiguration, not redundancy. */
export const MAX_MX_HOSTS = 5;
/** Addresses tried per host (e.g. one IPv4, one IPv6). */
export const MAX_ADDRESSES_PER_HOST = 2;

export type MxRoute =
  | { kind: 'hosts'; hosts: string[] }
  /** Permanent: the domain does not exist (5.1.2) or accepts no mail (null MX, 5.1.10). */
  | { kind: 'permanent'; status: string; message: string }
  /** Temporary: DNS failed; try later (4.4.3). */
  | { kind: 'temporary'; status: string; message: string };

export async function mxRoute(resolver: DnsResolver, domain: string): Promise<MxRoute> {
  if (isIP(domain.replace(/^\[|\]$/g, '').replace(/^ipv6:/i, ''))) return { kind: 'hosts', hosts: [domain.replace(/^\[|\]$/g, '').replace(/^ipv6:/i, '')] };
  let records: { exchange: string; priority: number }[];
  try {
    records = (await resolver(domain, 'MX')) as { exchange: string; priority: number }[];
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENODATA') return { kind: 'hosts', hosts: [domain] }; // RFC 5321 §5.1 implicit MX
    if (code === 'ENOTFOUND' || code === 'NXDOMAIN') return { kind: 'permanent', status: '5.1.2', message: `Domain ${domain} does not exist` };
    return { kind: 'temporary', status: '4.4.3', message: `DNS lookup of MX ${domain} failed (${code ?? String(err)})` };
  }
  if (records.length === 0) return { kind: 'hosts', hosts: [domain] };
  // RFC 7505 §3: a single MX with an empty exchange (".") means "no mail here".
  if (records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.')) {
    return { kind: 'permanent', status: '5.1.10', message: `Domain ${domain} accepts no mail (null MX)` };
  }
  // RFC 5321 §5.1: lower preference first; equal preferences in random order to spread load.
  const sorted = records
    .filter((r) => r.exchange && r.exchange !== '.')
    .map((r) => ({ ...r, tie: Math.random() }))
    .sort((a, b) => a.priority - b.priority || a.tie - b.tie);
  return { kind: 'hosts', hosts: [...new Set(sorted.map((r) => r.exchange.replace(/\.$/, '')))].slice(0, MAX_MX_HOSTS) };
}

/** A host's addresses: A first (RFC 6724 would prefer IPv6, but many small hosts have broken v6 routes), then AAAA. */
export async function hostAddresses(resolver: DnsResolver, host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  const out: string[] = [];
  for (const type of ['A', 'AAAA']) {
    try {
      out.push(...((await resolver(host, type)) as string[]));
    } catch (err) {
      if (!isDnsNotFound(err)) throw err;
    }
  }
  return out.slice(0, MAX_ADDRESSES_PER_HOST);
}
