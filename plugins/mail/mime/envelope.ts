// RFC 9051 §7.5.2 ENVELOPE from an entity's header fields: strings raw as written
// (unfolded), address lists parsed; Sender and Reply-To fall back to From when absent
// or empty, as the RFC requires of the server.
import { parseAddressList } from './address-list.ts';
import { field } from './header-block.ts';
import { capOrNull, type IndexLimits } from './limits.ts';
import type { Envelope } from './types.ts';

export function buildEnvelope(fields: Map<string, string[]>, limits: IndexLimits): Envelope {
  const list = (name: string) => parseAddressList(field(fields, name), limits.maxAddresses, limits.maxValueChars);
  const from = list('from');
  return {
    date: capOrNull(field(fields, 'date'), limits),
    subject: capOrNull(field(fields, 'subject'), limits),
    from,
    sender: list('sender') ?? from,
    replyTo: list('reply-to') ?? from,
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    inReplyTo: capOrNull(field(fields, 'in-reply-to'), limits),
    messageId: capOrNull(field(fields, 'message-id'), limits),
  };
}
