// Out-of-office replies and RFC 3834 ("Recommendations for Automatic Responses to
// Electronic Mail"). Pure decision + message builder; the pipeline adds the
// once-per-sender bookkeeping (AutoreplyLog) and the sending.
//
// Invariants (each a reason returned by autoreplyDecision):
// - never to the null sender: responses go to the envelope return path, and an empty
//   one means "do not answer" (RFC 3834 §4, RFC 5321 §4.5.5);
// - never to a message that is itself automatic: Auto-Submitted other than "no"
//   (RFC 3834 §5), Precedence bulk/list/junk (the de-facto signal, RFC 3834 §3.1.8
//   mentions it), list traffic (List-Id RFC 2919, List-* RFC 2369), or addresses that
//   are machines by convention (MAILER-DAEMON, owner-*, *-request, RFC 3834 §2);
// - never to the user's own addresses (a loop with oneself);
// - only when one of the user's addresses is in To/Cc (RFC 3834 §2: a personal
//   responder SHOULD NOT answer mail the recipient got as Bcc or via a list);
// - only inside the [start, end) window of the settings;
// - the reply is marked Auto-Submitted: auto-replied (RFC 3834 §5) and sent with the
//   null sender (RFC 3834 §3.3), so it can neither be bounced nor answered by another
//   responder that follows the RFC.
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { headerAddresses, normalizeAddress } from '../address.ts';
import { decodeMimeWords } from '../mime-words.ts';
import { firstHeader, headerValues } from '../raw-message.ts';
import type { AutoReplySettings } from './mail-settings.ts';

/** Default days between two replies to one sender: Sieve vacation's default (RFC 5230 §4.1). */
export const AUTOREPLY_DEFAULT_INTERVAL_DAYS = 7;
/** Shortest interval a user can pick (RFC 5230 §4.1: the minimum SHOULD be 1 day). */
export const AUTOREPLY_MIN_INTERVAL_DAYS = 1;
/** Longest subject copied from the original into "Auto: …"; headers stay short. */
export const AUTOREPLY_MAX_SUBJECT_CHARS = 200;

export type AutoreplyDecision = { reply: true } | { reply: false; reason: string };

export interface AutoreplyInput {
  raw: Buffer;
  /** Envelope sender (MAIL FROM), '' for the null sender. */
  sender: string;
  /** Every address of the recipient user (primary and aliases), normalized. */
  userAddresses: readonly string[];
  settings: AutoReplySettings;
  now: number;
}

const MACHINE_LOCAL_PART = /^(mailer-daemon|postmaster|owner-.*|.*-request|.*-owner|no-?reply|bounces?(\+.*)?|listserv|majordomo)$/i;

export function autoreplyDecision(input: AutoreplyInput): AutoreplyDecision {
  const { raw, settings, now } = input;
  if (!settings.enabled) return { reply: false, reason: 'disabled' };
  if (settings.start && now < Date.parse(settings.start)) return { reply: false, reason: 'not-started' };
  if (settings.end && now >= Date.parse(settings.end)) return { reply: false, reason: 'ended' };
  const sender = normalizeAddress(input.sender);
  if (!sender) return { reply: false, reason: 'null-sender' };
  const auto = firstHeader(raw, 'auto-submitted');
  if (auto !== undefined && auto.split(';')[0]!.trim().toLowerCase() !== 'no') return { reply: false, reason: 'auto-submitted' };
  const precedence = firstHeader(raw, 'precedence')?.toLowerCase();
  if (precedence && ['bulk', 'list', 'junk'].includes(precedence)) return { reply: false, reason: 'precedence' };
  for (const list of ['list-id', 'list-unsubscribe', 'list-post', 'list-help']) {
    if (headerValues(raw, list).length > 0) return { reply: false, reason: 'mailing-list' };
  }
  if (headerValues(raw, 'x-auto-response-suppress').some((v) => /\b(all|oof|autoreply)\b/i.test(v))) return { reply: false, reason: 'suppressed' };
  const local = sender.slice(0, sender.lastIndexOf('@'));
  if (MACHINE_LOCAL_PART.test(local)) return { reply: false, reason: 'machine-sender' };
  const own = new Set(input.userAddresses.map(normalizeAddress));
  if (own.has(sender)) return { reply: false, reason: 'own-address' };
  const addressed = headerAddresses(raw, ['to', 'cc', 'resent-to', 'resent-cc']);
  if (!addressed.some((a) => own.has(a))) return { reply: false, reason: 'not-addressed' };
  return { reply: true };
}

export function autoreplyIntervalMs(settings: AutoReplySettings): number {
  const days = Math.max(AUTOREPLY_MIN_INTERVAL_DAYS, settings.intervalDays ?? AUTOREPLY_DEFAULT_INTERVAL_DAYS);
  return days * 86_400_000;
}

/** The reply (RFC 3834 §3): From the user, To the sender, threaded to the original, marked auto-replied. */
export async function buildAutoreply(input: { original: Buffer; from: string; to: string; settings: AutoReplySettings; hostname: string; now: number }): Promise<Buffer> {
  const { original, settings } = input;
  const originalSubject = decodeMimeWords(firstHeader(original, 'subject') ?? '').slice(0, AUTOREPLY_MAX_SUBJECT_CHARS);
  const subject = settings.subject.trim() || `Auto: ${originalSubject}`.trim();
  const messageId = firstHeader(original, 'message-id');
  const references = [...(firstHeader(original, 'references')?.split(/\s+/).filter(Boolean) ?? []), ...(messageId ? [messageId] : [])];
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject,
    text: settings.body,
    date: new Date(input.now),
    messageId: `<${randomToken()}.autoreply@${input.hostname}>`,
    ...(messageId ? { inReplyTo: messageId } : {}),
    ...(references.length > 0 ? { references: references.slice(-20) } : {}),
    headers: { 'Auto-Submitted': 'auto-replied' },
  });
  return composer.compile().build();
}

function randomToken(): string {
  return `${Date.now().toString(36)}.${randomBytes(8).toString('hex')}`;
}
