// BODY and BODYSTRUCTURE (RFC 9051 §7.5.2, body / body-type-1part / body-type-mpart), from
// the MIME tree computed when the message arrived: never by re-parsing the message.
import type { MimePart } from '../../mime/types.ts';
import { formatEnvelope } from './envelope.ts';
import { encodeWord, nstring, str } from './imap-string.ts';

/** `extended`: BODYSTRUCTURE (with extension data); false: BODY. */
export function formatBodyStructure(part: MimePart, extended: boolean, utf8: boolean): string {
  const [type = 'text', subtype = 'plain'] = part.contentType.split('/');
  if (type === 'multipart') {
    const children = part.children && part.children.length > 0 ? part.children : null;
    // body-type-mpart needs at least one part (1*body); an empty multipart shows as one empty text part.
    const bodies = children ? children.map((c) => formatBodyStructure(c, extended, utf8)).join('') : '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)';
    let out = `(${bodies} ${str(subtype.toUpperCase())}`;
    // body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
    if (extended) out += ` ${params(part.params, utf8)} ${disposition(part, utf8)} ${language(part)} ${nstring(part.location, utf8)}`;
    return out + ')';
  }
  const fields = [
    str(type.toUpperCase()),
    str(subtype.toUpperCase()),
    params(part.params, utf8),
    nstring(part.id, utf8),
    nstring(part.description, utf8),
    str(part.encoding.toUpperCase()),
    String(Math.max(0, part.bodyEnd - part.bodyStart)),
  ];
  if (type === 'message' && (subtype === 'rfc822' || subtype === 'global') && part.message) {
    // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
    fields.push(formatEnvelope(part.message.envelope, utf8), formatBodyStructure(part.message.structure, extended, utf8), String(part.lines));
  } else if (type === 'text') {
    fields.push(String(part.lines));
  }
  // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
  if (extended) fields.push(nstring(part.md5, utf8), disposition(part, utf8), language(part), nstring(part.location, utf8));
  return `(${fields.join(' ')})`;
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function params(p: Record<string, string>, utf8: boolean): string {
  const entries = Object.entries(p);
  if (entries.length === 0) return 'NIL';
  return `(${entries.map(([k, v]) => `${str(k.toUpperCase(), utf8)} ${str(utf8 ? v : encodeWord(v), utf8)}`).join(' ')})`;
}

/** body-fld-dsp = "(" string SP body-fld-param ")" / nil */
function disposition(part: MimePart, utf8: boolean): string {
  if (!part.disposition) return 'NIL';
  return `(${str(part.disposition.type.toUpperCase(), utf8)} ${params(part.disposition.params, utf8)})`;
}

/** body-fld-lang = nstring / "(" string *(SP string) ")" */
function language(part: MimePart): string {
  if (!part.language || part.language.length === 0) return 'NIL';
  return `(${part.language.map((l) => str(l)).join(' ')})`;
}
