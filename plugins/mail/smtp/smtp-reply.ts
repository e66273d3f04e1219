// SMTP replies Cairn sends from its handlers, with their enhanced status codes
// (RFC 3463) written into the text. CairnSmtpServer sends a text that starts with an
// enhanced code as it is, instead of letting smtp-server derive one from the basic code
// (which would turn every 550 into 5.1.1, "bad destination mailbox").
//
// Three kinds of error, as everywhere in Cairn: the client's fault (5xx with a code),
// a syntax error (501/500, smtp-server's parser answers those), and our fault: logged
// with the details, answered with a generic 451 4.3.0 that leaks nothing.
import { CairnError, LimitExceededError, RateLimitedError, UnauthorizedError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';

export class SmtpReply extends Error {
  constructor(readonly responseCode: number, readonly enhancedCode: string, text: string) {
    super(`${enhancedCode} ${text}`);
    this.name = 'SmtpReply';
  }
}

export const ENHANCED_CODE_RE = /^[245]\.\d{1,3}\.\d{1,3} /;

export const reply = {
  // RFC 5321 §4.2.2 basic codes; RFC 3463 §3 subjects/details.
  unknownUser: () => new SmtpReply(550, '5.1.1', 'No such user here'),
  relayDenied: () => new SmtpReply(554, '5.7.1', 'Relay access denied'),
  badSender: () => new SmtpReply(553, '5.1.7', 'Bad sender address syntax'),
  badRecipient: () => new SmtpReply(553, '5.1.3', 'Bad recipient address syntax'),
  senderNotOwned: (address: string) => new SmtpReply(553, '5.7.1', `Sender address <${address}> is not one of your addresses`),
  fromNotOwned: () => new SmtpReply(553, '5.7.1', 'The From header must be one of your addresses'),
  authRequired: () => new SmtpReply(530, '5.7.0', 'Authentication required'),
  mailboxFull: () => new SmtpReply(452, '4.2.2', 'Mailbox full, try again later'),
  tooBig: (limit: number) => new SmtpReply(552, '5.3.4', `Message exceeds fixed maximum message size (${limit} bytes)`),
  tooManyHops: () => new SmtpReply(554, '5.4.6', 'Routing loop detected: too many Received headers'),
  nullSenderNotAllowed: () => new SmtpReply(553, '5.7.1', 'The null sender is not accepted for submission'),
  emptyMessage: () => new SmtpReply(554, '5.6.0', 'Message has no header'),
  localError: () => new SmtpReply(451, '4.3.0', 'Local error in processing, try again later'),
  sendRateExceeded: () => new SmtpReply(450, '4.7.1', 'You have sent to too many outside recipients in the last hour; try again later'),
  authFailed: () => new SmtpReply(535, '5.7.8', 'Authentication credentials invalid'),
  authThrottled: (seconds: number) => new SmtpReply(454, '4.7.0', `Too many failed attempts, try again in ${seconds} seconds`),
} as const;

/** Maps an error from the store or identity layer to the reply the client gets; logs ours. */
export function replyForError(err: unknown, logger: Logger, context: Record<string, unknown>): SmtpReply {
  if (err instanceof SmtpReply) return err;
  if (err instanceof LimitExceededError && err.code === 'over_quota') return reply.mailboxFull();
  if (err instanceof RateLimitedError) return reply.authThrottled(err.retryAfterSeconds);
  if (err instanceof UnauthorizedError) return reply.authFailed();
  if (err instanceof CairnError && err.kind === 'user') {
    // Expected refusals (mailbox gone meanwhile, …): temporary, the client retries and the state may have settled.
    logger.warn({ ...context, code: err.code, msg: err.message }, 'delivery refused');
    return reply.localError();
  }
  logger.error({ ...context, err }, 'SMTP transaction failed');
  return reply.localError();
}
