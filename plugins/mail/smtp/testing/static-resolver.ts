// A DNS zone in memory for specs and benchmarks: `staticResolver({ 'example.org': { MX: [...], TXT: [['v=spf1 -all']] } })`.
// Unknown names and types reject like the system resolver does (code ENOTFOUND / ENODATA).
import type { DnsResolver } from '../dns-resolver.ts';

export type StaticZone = Record<string, Partial<Record<'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME', unknown[]>>>;

/** Queries remembered for assertions; older ones are dropped so a benchmark does not grow memory. */
const MAX_REMEMBERED_QUERIES = 1_000;

function dnsError(message: string, code: string): Error {
  // Without a stack: a benchmark makes hundreds of thousands of these.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const e = Object.assign(new Error(message), { code });
  Error.stackTraceLimit = limit;
  return e;
}

export function staticResolver(zone: StaticZone): DnsResolver & { queries: string[] } {
  const queries: string[] = [];
  const lookup = async (name: string, rrtype: string): Promise<any[]> => {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (queries.length >= MAX_REMEMBERED_QUERIES) queries.shift();
    queries.push(`${rrtype} ${key}`);
    const records = zone[key];
    if (!records) throw dnsError(`query ENOTFOUND ${name}`, 'ENOTFOUND');
    const list = records[rrtype as keyof typeof records];
    if (!list || list.length === 0) throw dnsError(`query ENODATA ${name}`, 'ENODATA');
    return list as any[];
  };
  return Object.assign(lookup, { queries });
}
