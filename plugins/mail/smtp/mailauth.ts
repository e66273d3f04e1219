// Typed access to mailauth (SPF/DKIM/DMARC/ARC verification, DKIM signing). The package
// ships no type declarations; rather than an ambient `declare module` that another
// part of the tree might also declare, it is loaded through createRequire and given
// the narrow types Cairn relies on here. Field names follow mailauth 4.9.
import { createRequire } from 'node:module';
import type { DnsResolver } from './dns-resolver.ts';

export interface MailauthAuthenticateOptions {
  /** MAIL FROM address ('' for the null sender, RFC 5321 §4.5.5). */
  sender: string;
  /** The SMTP client's address. */
  ip: string;
  /** EHLO/HELO name. */
  helo: string;
  /** Our name: the authserv-id of Authentication-Results (RFC 8601 §2.5). */
  mta: string;
  resolver: DnsResolver;
  disableBimi?: boolean;
  disableArc?: boolean;
  disableDmarc?: boolean;
}

export interface MailauthStatus { result: string; comment?: string | boolean }

export interface MailauthAuthenticateResult {
  dkim: { results?: { status: MailauthStatus; signingDomain?: string }[]; headerFrom?: string[] };
  spf: { status: MailauthStatus; domain?: string } | false;
  dmarc: { status: MailauthStatus; domain?: string } | false;
  arc: { status: MailauthStatus } | false;
  /** `Received-SPF: …\r\nAuthentication-Results: …\r\n`, ready to prepend. */
  headers: string;
}

export interface DkimSignOptions {
  canonicalization?: string;
  algorithm?: string;
  signTime?: Date;
  signatureData: { signingDomain: string; selector: string; privateKey: string; algorithm?: string; canonicalization?: string }[];
}

export interface DkimSignResult {
  /** DKIM-Signature header lines with CRLF, ready to prepend. */
  signatures: string;
  errors: unknown[];
}

interface MailauthModule {
  authenticate(input: Buffer, opts: MailauthAuthenticateOptions): Promise<MailauthAuthenticateResult>;
}

interface DkimSignModule {
  dkimSign(input: Buffer, opts: DkimSignOptions): Promise<DkimSignResult>;
}

const require = createRequire(import.meta.url);
// mailauth and its dependencies take ~40 MB once loaded: only when mail is first checked or signed.
let loaded: { mailauth: MailauthModule; sign: DkimSignModule } | undefined;
const load = () => (loaded ??= {
  mailauth: require('mailauth') as MailauthModule,
  sign: require('mailauth/lib/dkim/sign') as DkimSignModule,
});

export const mailauthAuthenticate: MailauthModule['authenticate'] = (input, opts) => load().mailauth.authenticate(input, opts);
export const mailauthDkimSign: DkimSignModule['dkimSign'] = (input, opts) => load().sign.dkimSign(input, opts);
