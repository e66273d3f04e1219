// The DNS records an administrator publishes for one local mail domain, as zone-file
// text: MX, SPF, DKIM, DMARC, and the client SRV records (RFC 6186, RFC 6764) that the
// device set-up page computes. Pure: the DKIM record comes in (the key store makes it).
import type { DkimDnsRecord } from '../smtp/dkim/dkim-keys.ts';
import { srvRecords, srvZoneText, type ClientConfig } from '../autoconfig/client-config.ts';

/** TTL of the suggested records: an hour, short enough to fix a mistake the same day. */
export const SUGGESTED_TTL = 3600;
/** A TXT character-string holds at most 255 bytes (RFC 1035 §3.3); longer values are several strings. */
export const TXT_STRING_MAX = 255;

export interface DomainRecords {
  domain: string;
  /** The MX target: this appliance's host name, fully qualified. */
  mx: string;
  spf: string;
  dkim: DkimDnsRecord;
  dmarc: string;
  /** Every record above plus the SRV records, one per line. */
  zone: string;
}

/** A TXT value as zone-file character-strings ("…" "…"), each at most 255 bytes. */
export function txtStrings(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += TXT_STRING_MAX) parts.push(`"${value.slice(i, i + TXT_STRING_MAX).replace(/(["\\])/g, '\\$1')}"`);
  return parts.join(' ');
}

export function domainRecords(cfg: ClientConfig, domain: string, dkim: DkimDnsRecord): DomainRecords {
  const host = `${cfg.hostname}.`;
  // RFC 7208: "mx" authorizes the hosts the MX names, which is this appliance; "-all"
  // fails everything else (a relay needs its own mechanism, see the page's note).
  const spf = 'v=spf1 mx -all';
  // RFC 7489: quarantine rather than reject to start with; aggregate reports to postmaster.
  const dmarc = `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain}`;
  const line = (name: string, type: string, value: string) => `${name} ${SUGGESTED_TTL} IN ${type} ${value}`;
  const zone = [
    line(`${domain}.`, 'MX', `10 ${host}`),
    line(`${domain}.`, 'TXT', txtStrings(spf)),
    line(`${dkim.name}.`, 'TXT', txtStrings(dkim.value)),
    line(`_dmarc.${domain}.`, 'TXT', txtStrings(dmarc)),
    srvZoneText(srvRecords(cfg, domain)),
  ].join('\n');
  return { domain, mx: host, spf, dkim, dmarc, zone };
}
