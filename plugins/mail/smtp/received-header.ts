// The trace field an SMTP server adds to every message it accepts (RFC 5321 §4.4) —
// `Received: from <helo> (<ptr> [<ip>]) by <us> with <protocol> id <id> for <rcpt>; <date>` —
// and the Return-Path the final delivery adds (RFC 5321 §4.4: "the final delivery SMTP
// server MUST insert a return-path line").
//
// Everything the client controls (HELO name, PTR name) is reduced to visible ASCII
// before it goes into a header, so a hostile name cannot inject a line.
import { rfc5322Date } from './raw-message.ts';

export interface ReceivedInfo {
  helo: string;
  /** PTR name of the client, if one was found. */
  clientHostname?: string | undefined;
  ip: string;
  /** Our host name. */
  by: string;
  /** RFC 3848 protocol: ESMTP, ESMTPS, ESMTPA, ESMTPSA (smtp-server's transmissionType). */
  protocol: string;
  /** Session/transaction id, for matching logs to messages. */
  id: string;
  /** Named only when the transaction had exactly one recipient: listing all would disclose Bcc recipients to each other. */
  recipient?: string | undefined;
  tlsCipher?: string | undefined;
  time: number;
}

const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || 'unknown';

export function receivedHeader(r: ReceivedInfo): string {
  const ip = r.ip.replace(/^::ffff:/i, '');
  const literal = ip.includes(':') ? `IPv6:${ip}` : ip;
  const from = `from ${clean(r.helo)} (${r.clientHostname ? `${clean(r.clientHostname)} ` : ''}[${literal}])`;
  const tls = r.tlsCipher ? `\r\n\t(using ${clean(r.tlsCipher)})` : '';
  const forPart = r.recipient ? `\r\n\tfor <${clean(r.recipient)}>` : '';
  return `Received: ${from}\r\n\tby ${clean(r.by)} (Cairn) with ${clean(r.protocol)} id ${clean(r.id)}${tls}${forPart};\r\n\t${rfc5322Date(r.time)}`;
}

export function returnPathHeader(sender: string): string {
  return `Return-Path: <${sender.replace(/[^\x21-\x7e]/g, '')}>`;
}
