// ENVELOPE (RFC 9051 §7.5.2): date, subject, from, sender, reply-to, to, cc, bcc,
// in-reply-to, message-id, from what the MIME indexer computed when the message arrived.
import type { Envelope, EnvelopeAddress } from '../../mime/types.ts';
import { encodeWord, nstring } from './imap-string.ts';

export function formatEnvelope(env: Envelope, utf8: boolean): string {
  const from = env.from;
  // "If the Sender or Reply-To lines are absent in the [RFC-5322] header, or are present
  // but empty, the server sets the corresponding member of the envelope to be the same
  // value as the from member" (RFC 9051 §7.5.2).
  const sender = env.sender && env.sender.length > 0 ? env.sender : from;
  const replyTo = env.replyTo && env.replyTo.length > 0 ? env.replyTo : from;
  return `(${[
    nstring(env.date, utf8),
    nstring(env.subject, utf8),
    addresses(from, utf8),
    addresses(sender, utf8),
    addresses(replyTo, utf8),
    addresses(env.to, utf8),
    addresses(env.cc, utf8),
    addresses(env.bcc, utf8),
    nstring(env.inReplyTo, utf8),
    nstring(env.messageId, utf8),
  ].join(' ')})`;
}

function addresses(list: EnvelopeAddress[] | null, utf8: boolean): string {
  if (!list || list.length === 0) return 'NIL';
  return `(${list.map((a) => address(a, utf8)).join('')})`;
}

/** address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"; group markers have a NIL host. */
function address(a: EnvelopeAddress, utf8: boolean): string {
  const name = a.name === null || a.name === '' ? null : utf8 ? a.name : encodeWord(a.name);
  return `(${nstring(name, utf8)} NIL ${nstring(a.mailbox, utf8)} ${nstring(a.host ?? null, utf8)})`;
}
