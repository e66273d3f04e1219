// Client autodiscovery documents (DESIGN.md "Protocols and clients"): Mozilla
// autoconfig, Microsoft Autodiscover (POX, Outlook schema), RFC 6186/6764 SRV records
// and Apple configuration profiles. Pure functions of the configuration; XML is written
// with one escaping helper (no XML library at runtime).
//
// Implementation notes:
// - Every value put into XML goes through `xml()`; nothing from a request is echoed
//   unescaped.
// - Ports are the configured listener ports; a deployment behind NAT/port mapping sets
//   them to what clients see.
// - User names are the full e-mail address; passwords travel only over TLS
//   ("password-cleartext" inside SSL/STARTTLS).
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../../../core/config/load-config.ts';

export type ClientConfig = Pick<ResolvedConfig, 'hostname' | 'imapPort' | 'imapsPort' | 'submissionPort' | 'submissionsPort' | 'publicUrl'>;

/** Longest e-mail address accepted from a query or request (RFC 5321 §4.5.3.1.3 path limit). */
export const MAX_EMAIL_LENGTH = 254;
const EMAIL = /^[^\s@<>"'&]{1,64}@[A-Za-z0-9.-]{1,189}$/;

/** Escapes text for XML element content and attribute values. */
export function xml(s: string | number | boolean): string {
  return String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** The address when it looks like one (bounded), else undefined. */
export function validEmail(s: string | undefined | null): string | undefined {
  if (!s || s.length > MAX_EMAIL_LENGTH) return undefined;
  const t = s.trim();
  return EMAIL.test(t) ? t : undefined;
}

/** Mozilla autoconfig, clientConfig version 1.1 (wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat). */
export function autoconfigXml(cfg: ClientConfig, email?: string): string {
  const domain = validEmail(email)?.split('@')[1]?.toLowerCase() ?? cfg.hostname;
  const server = (type: 'incomingServer' | 'outgoingServer', proto: 'imap' | 'smtp', port: number, socket: 'SSL' | 'STARTTLS') => [
    `    <${type} type="${proto}">`,
    `      <hostname>${xml(cfg.hostname)}</hostname>`,
    `      <port>${port}</port>`,
    `      <socketType>${socket}</socketType>`,
    `      <authentication>password-cleartext</authentication>`,
    `      <username>%EMAILADDRESS%</username>`,
    `    </${type}>`,
  ].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xml(domain)}">`,
    `    <domain>${xml(domain)}</domain>`,
    `    <displayName>Cairn (${xml(domain)})</displayName>`,
    '    <displayShortName>Cairn</displayShortName>',
    server('incomingServer', 'imap', cfg.imapsPort, 'SSL'),
    server('incomingServer', 'imap', cfg.imapPort, 'STARTTLS'),
    server('outgoingServer', 'smtp', cfg.submissionsPort, 'SSL'),
    server('outgoingServer', 'smtp', cfg.submissionPort, 'STARTTLS'),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}

export const AUTODISCOVER_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
export const OUTLOOK_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** The EMailAddress of a POX Autodiscover request (bounded regex; the body is size-limited before). */
export function autodiscoverRequestEmail(body: string): string | undefined {
  const m = /<(?:[A-Za-z0-9_-]{1,32}:)?EMailAddress>\s{0,64}([^<\s]{1,254})\s{0,64}<\/(?:[A-Za-z0-9_-]{1,32}:)?EMailAddress>/.exec(body);
  return validEmail(m?.[1]);
}

/** The requested response schema, when the request names one. */
export function autodiscoverAcceptableSchema(body: string): string | undefined {
  return /<(?:[A-Za-z0-9_-]{1,32}:)?AcceptableResponseSchema>\s{0,64}([^<\s]{1,200})\s{0,64}</.exec(body)?.[1];
}

/** Autodiscover POX response with IMAP (implicit TLS) and SMTP submission (implicit TLS). */
export function autodiscoverXml(cfg: ClientConfig, email: string): string {
  const protocol = (type: 'IMAP' | 'SMTP', port: number) => [
    '      <Protocol>',
    `        <Type>${type}</Type>`,
    `        <Server>${xml(cfg.hostname)}</Server>`,
    `        <Port>${port}</Port>`,
    `        <LoginName>${xml(email)}</LoginName>`,
    '        <DomainRequired>off</DomainRequired>',
    '        <SPA>off</SPA>',
    '        <SSL>on</SSL>',
    '        <AuthRequired>on</AuthRequired>',
    ...(type === 'SMTP' ? ['        <UsePOPAuth>off</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
    '      </Protocol>',
  ].join('\n');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">`,
    `  <Response xmlns="${OUTLOOK_RESPONSE_NS}">`,
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    protocol('IMAP', cfg.imapsPort),
    protocol('SMTP', cfg.submissionsPort),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** Autodiscover error answer (Outlook schema) for a request without a usable address. */
export function autodiscoverErrorXml(code: number, message: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">`,
    '  <Response>',
    `    <Error Time="${new Date().toISOString().slice(11, 19)}" Id="1">`,
    `      <ErrorCode>${code}</ErrorCode>`,
    `      <Message>${xml(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

export interface SrvRecord { name: string; priority: number; weight: number; port: number; target: string; note: string }

/**
 * DNS SRV records an administrator publishes for the mail domain: RFC 6186 for IMAP and
 * submission (implicit TLS preferred by priority, RFC 8314 §5.1), RFC 6764 for CalDAV
 * and CardDAV (served over HTTPS at the public URL).
 */
export function srvRecords(cfg: ClientConfig, domain = cfg.hostname): SrvRecord[] {
  const target = `${cfg.hostname}.`;
  let httpsPort = 443;
  let https = true;
  try {
    const u = new URL(cfg.publicUrl);
    https = u.protocol === 'https:';
    httpsPort = u.port ? Number(u.port) : https ? 443 : 80;
  } catch { /* keep the defaults */ }
  const records: SrvRecord[] = [
    { name: `_imaps._tcp.${domain}.`, priority: 0, weight: 1, port: cfg.imapsPort, target, note: 'IMAP, implicit TLS (RFC 6186, preferred per RFC 8314)' },
    { name: `_imap._tcp.${domain}.`, priority: 10, weight: 1, port: cfg.imapPort, target, note: 'IMAP with STARTTLS (RFC 6186)' },
    { name: `_submissions._tcp.${domain}.`, priority: 0, weight: 1, port: cfg.submissionsPort, target, note: 'mail submission, implicit TLS (RFC 8314)' },
    { name: `_submission._tcp.${domain}.`, priority: 10, weight: 1, port: cfg.submissionPort, target, note: 'mail submission with STARTTLS (RFC 6186)' },
    { name: `_pop3._tcp.${domain}.`, priority: 0, weight: 0, port: 0, target: '.', note: 'POP3 not offered (RFC 6186 §3.4: target ".")' },
    { name: `_pop3s._tcp.${domain}.`, priority: 0, weight: 0, port: 0, target: '.', note: 'POP3S not offered' },
  ];
  const dav = https ? ['_caldavs', '_carddavs'] : ['_caldav', '_carddav'];
  records.push(
    { name: `${dav[0]}._tcp.${domain}.`, priority: 0, weight: 1, port: httpsPort, target, note: 'CalDAV (RFC 6764), when calendars are enabled' },
    { name: `${dav[1]}._tcp.${domain}.`, priority: 0, weight: 1, port: httpsPort, target, note: 'CardDAV (RFC 6764), when contacts are enabled' },
  );
  return records;
}

/** Zone-file lines for the records. */
export function srvZoneText(records: readonly SrvRecord[]): string {
  return records.map((r) => `${r.name} 3600 IN SRV ${r.priority} ${r.weight} ${r.port} ${r.target}`).join('\n');
}

type PlistValue = string | number | boolean | PlistValue[] | { [k: string]: PlistValue };

function plist(v: PlistValue, indent: string): string {
  if (typeof v === 'string') return `${indent}<string>${xml(v)}</string>`;
  if (typeof v === 'number') return `${indent}<integer>${Math.trunc(v)}</integer>`;
  if (typeof v === 'boolean') return `${indent}<${v}/>`;
  if (Array.isArray(v)) return [`${indent}<array>`, ...v.map((x) => plist(x, indent + '  ')), `${indent}</array>`].join('\n');
  return [`${indent}<dict>`, ...Object.entries(v).flatMap(([k, x]) => [`${indent}  <key>${xml(k)}</key>`, plist(x, indent + '  ')]), `${indent}</dict>`].join('\n');
}

/**
 * An unsigned Apple configuration profile with a mail account (IMAP + SMTP over implicit
 * TLS), a CalDAV and a CardDAV account, all with the same device password. Devices show
 * it as "Unsigned"; signing needs the operator's certificate and is not done here.
 */
export function mobileconfig(cfg: ClientConfig, opts: { email: string; name: string; password: string; label: string }): string {
  const id = `${cfg.hostname.split('.').reverse().join('.')}.cairn`;
  const slug = opts.email.replace(/[^A-Za-z0-9]/g, '-');
  let davHost = cfg.hostname;
  let davPort = 443;
  let davSsl = true;
  try {
    const u = new URL(cfg.publicUrl);
    davHost = u.hostname;
    davSsl = u.protocol === 'https:';
    davPort = u.port ? Number(u.port) : davSsl ? 443 : 80;
  } catch { /* defaults */ }
  const davUrl = `${cfg.publicUrl.replace(/\/+$/, '')}/dav/`;
  const mail = {
    PayloadType: 'com.apple.mail.managed', PayloadVersion: 1,
    PayloadIdentifier: `${id}.mail.${slug}`, PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: `Mail (${opts.email})`,
    EmailAccountDescription: `Cairn – ${opts.email}`, EmailAccountName: opts.name, EmailAccountType: 'EmailTypeIMAP', EmailAddress: opts.email,
    IncomingMailServerAuthentication: 'EmailAuthPassword', IncomingMailServerHostName: cfg.hostname,
    IncomingMailServerPortNumber: cfg.imapsPort, IncomingMailServerUseSSL: true, IncomingMailServerUsername: opts.email, IncomingPassword: opts.password,
    OutgoingMailServerAuthentication: 'EmailAuthPassword', OutgoingMailServerHostName: cfg.hostname,
    OutgoingMailServerPortNumber: cfg.submissionsPort, OutgoingMailServerUseSSL: true, OutgoingMailServerUsername: opts.email,
    OutgoingPassword: opts.password, OutgoingPasswordSameAsIncomingPassword: true,
    PreventMove: false, PreventAppSheet: false, SMIMEEnabled: false,
  };
  const caldav = {
    PayloadType: 'com.apple.caldav.account', PayloadVersion: 1,
    PayloadIdentifier: `${id}.caldav.${slug}`, PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: `Calendars (${opts.email})`,
    CalDAVAccountDescription: `Cairn calendars – ${opts.email}`, CalDAVHostName: davHost, CalDAVPort: davPort,
    CalDAVPrincipalURL: davUrl, CalDAVUseSSL: davSsl, CalDAVUsername: opts.email, CalDAVPassword: opts.password,
  };
  const carddav = {
    PayloadType: 'com.apple.carddav.account', PayloadVersion: 1,
    PayloadIdentifier: `${id}.carddav.${slug}`, PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: `Contacts (${opts.email})`,
    CardDAVAccountDescription: `Cairn contacts – ${opts.email}`, CardDAVHostName: davHost, CardDAVPort: davPort,
    CardDAVPrincipalURL: davUrl, CardDAVUseSSL: davSsl, CardDAVUsername: opts.email, CardDAVPassword: opts.password,
  };
  const profile = {
    PayloadContent: [mail, caldav, carddav],
    PayloadDisplayName: `Cairn – ${opts.email} (${opts.label})`,
    PayloadDescription: `Mail, calendars and contacts for ${opts.email} on ${cfg.hostname}, with the device password "${opts.label}".`,
    PayloadIdentifier: `${id}.profile.${slug}`, PayloadOrganization: cfg.hostname,
    PayloadRemovalDisallowed: false, PayloadType: 'Configuration', PayloadUUID: randomUUID().toUpperCase(), PayloadVersion: 1,
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plist(profile, ''),
    '</plist>',
    '',
  ].join('\n');
}
