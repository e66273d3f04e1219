// The non-delivery report the sender gets when an outbound item fails for good: a
// multipart/report (RFC 6522) of report-type delivery-status (RFC 3464) with three
// parts — a human-readable explanation, the machine-readable message/delivery-status,
// and the original's header (text/rfc822-headers, RFC 6522 §4: headers rather than the
// full message, which keeps DSNs small and does not resend attachments).
//
// Invariants: never built for the null sender (the caller checks; a DSN about a DSN
// would loop, RFC 3464 §2, RFC 5321 §4.5.5); the DSN itself carries the null sender
// in its envelope and `Auto-Submitted: auto-replied` (RFC 3834 §5), so no responder
// answers it; every field value is reduced to one line of printable ASCII.
import { randomBytes } from 'node:crypto';
import { headerBounds, rfc5322Date } from '../raw-message.ts';

/** Bytes of the original header quoted in the DSN; a longer header is cut (RFC 3464 does not require all of it). */
export const DSN_MAX_ORIGINAL_HEADER_BYTES = 64 * 1024;

export interface DsnInput {
  /** Our host name: Reporting-MTA (RFC 3464 §2.2.2) and the From address's domain. */
  reportingMta: string;
  /** The original's envelope sender: the DSN's To. */
  sender: string;
  recipient: string;
  /** RFC 3463 status (5.1.1, 4.4.7…). */
  status: string;
  /** The remote server's reply or our own explanation. */
  diagnostic: string;
  /** Whether `diagnostic` is an SMTP reply (Diagnostic-Code: smtp;) or our text (X-Cairn;). */
  diagnosticType: 'smtp' | 'x-cairn';
  remoteMta: string | null;
  queueId: string;
  arrivalDate: number;
  lastAttemptDate: number;
  original: Buffer;
  now: number;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim().slice(0, 900);

export function buildDsn(input: DsnInput): Buffer {
  const boundary = `dsn-${randomBytes(12).toString('hex')}`;
  const host = oneLine(input.reportingMta);
  const rcpt = oneLine(input.recipient);
  const diagnostic = oneLine(input.diagnostic);
  const expired = input.status === '4.4.7';
  const { headerEnd } = headerBounds(input.original);
  let originalHeader = input.original.subarray(0, Math.min(headerEnd, DSN_MAX_ORIGINAL_HEADER_BYTES)).toString('latin1');
  if (!originalHeader.endsWith('\n')) originalHeader += '\r\n';

  const human = [
    `This is the mail system at ${host}.`,
    '',
    expired
      ? `Your message could not be delivered to <${rcpt}> before the retry period ran out.`
      : `Your message could not be delivered to <${rcpt}>. The receiving server refused it permanently.`,
    '',
    input.remoteMta ? `The server ${oneLine(input.remoteMta)} said: ${diagnostic}` : `Reason: ${diagnostic}`,
    '',
    'The header of your message is attached below.',
  ].join('\r\n');

  // RFC 3464 §2.2 per-message fields, blank line, §2.3 per-recipient fields.
  const status = [
    `Reporting-MTA: dns; ${host}`,
    `X-Cairn-Queue-ID: ${oneLine(input.queueId)}`,
    `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`,
    '',
    `Final-Recipient: rfc822; ${rcpt}`,
    'Action: failed',
    `Status: ${oneLine(input.status)}`,
    ...(input.remoteMta ? [`Remote-MTA: dns; ${oneLine(input.remoteMta)}`] : []),
    `Diagnostic-Code: ${input.diagnosticType === 'smtp' ? 'smtp' : 'X-Cairn'}; ${diagnostic}`,
    `Last-Attempt-Date: ${rfc5322Date(input.lastAttemptDate)}`,
  ].join('\r\n');

  const message = [
    `From: Mail Delivery System <MAILER-DAEMON@${host}>`,
    `To: <${oneLine(input.sender)}>`,
    `Subject: Undelivered Mail Returned to Sender`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${oneLine(input.queueId)}.dsn.${randomBytes(6).toString('hex')}@${host}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Description: Notification',
    '',
    human,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    status,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    'Content-Description: Undelivered message headers',
    '',
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(`${message}\r\n`, 'utf8'),
    Buffer.from(originalHeader, 'latin1'),
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
}

/** The RFC 3463 status of a reply: its enhanced code (with the class the outcome has), else X.0.0. */
export function statusFromReply(response: string, permanent: boolean): string {
  const cls = permanent ? '5' : '4';
  const m = /\b[245]\.(\d{1,3})\.(\d{1,3})\b/.exec(response);
  return m ? `${cls}.${m[1]}.${m[2]}` : `${cls}.0.0`;
}
