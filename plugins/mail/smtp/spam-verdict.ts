// The spam verdict a filter in front of Cairn (SpamAssassin, rspamd in milter/proxy
// mode) writes into the message. Cairn does no content scoring of its own; it honours
// the de-facto headers: `X-Spam-Flag: YES` (SpamAssassin) and `X-Spam-Status: Yes, …`
// (SpamAssassin, rspamd's compatible output). A "No" anywhere never overrides a "Yes".
import { headerValues } from './raw-message.ts';

export function isSpamFlagged(raw: Buffer): boolean {
  if (headerValues(raw, 'x-spam-flag').some((v) => /^yes\b/i.test(v))) return true;
  return headerValues(raw, 'x-spam-status').some((v) => /^yes\b/i.test(v));
}
