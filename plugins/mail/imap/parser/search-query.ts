// SEARCH arguments (RFC 9051 §6.4.4, RFC 3501 §6.4.4 for the rev1 keys, RFC 4731 ESEARCH
// RETURN options, RFC 5182 SAVE and "$", RFC 7162 §3.1.5 MODSEQ).
import { badSyntax, refused } from '../imap-error.ts';
import type { ArgReader } from './arg-reader.ts';
import { parseSearchDate } from './dates.ts';
import type { SequenceSet } from './sequence-set.ts';

export type TextField = 'text' | 'body' | 'subject' | 'from' | 'to' | 'cc' | 'bcc';

export type SearchKey =
  | { k: 'all' }
  | { k: 'and'; keys: SearchKey[] }
  | { k: 'or'; a: SearchKey; b: SearchKey }
  | { k: 'not'; key: SearchKey }
  | { k: 'seq'; set: SequenceSet }
  | { k: 'uid'; set: SequenceSet }
  | { k: 'flag'; flag: string; set: boolean }
  | { k: 'text'; field: TextField; value: string }
  | { k: 'header'; name: string; value: string }
  | { k: 'date'; which: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; day: number }
  | { k: 'size'; op: 'larger' | 'smaller'; n: number }
  | { k: 'modseq'; n: number }
  /** \Recent is gone in IMAP4rev2; we never set it, so NEW and RECENT match nothing. */
  | { k: 'none' };

export type ReturnOption = 'MIN' | 'MAX' | 'COUNT' | 'ALL' | 'SAVE';

export interface SearchRequest {
  /** null: plain SEARCH (untagged SEARCH response); a list (maybe empty) for ESEARCH (RFC 4731 §3.1). */
  returnOptions: ReturnOption[] | null;
  key: SearchKey;
}

const SUPPORTED_CHARSETS = new Set(['UTF-8', 'US-ASCII']);

export function parseSearchRequest(r: ArgReader): SearchRequest {
  let returnOptions: ReturnOption[] | null = null;
  if (r.acceptKeyword('RETURN')) {
    r.sp();
    returnOptions = r.list(() => {
      const o = r.atom('a RETURN option').toUpperCase();
      if (o !== 'MIN' && o !== 'MAX' && o !== 'COUNT' && o !== 'ALL' && o !== 'SAVE') throw badSyntax(`Unknown RETURN option ${o}`);
      return o as ReturnOption;
    });
    r.sp();
  }
  if (r.acceptKeyword('CHARSET')) {
    r.sp();
    const cs = r.astring('a charset').toUpperCase();
    // RFC 9051 §6.4.4: BADCHARSET lists the charsets we support.
    if (!SUPPORTED_CHARSETS.has(cs)) throw refused('BADCHARSET (UTF-8 US-ASCII)', `Charset ${cs} not supported`);
    r.sp();
  }
  const keys: SearchKey[] = [searchKey(r)];
  while (r.accept(' ')) keys.push(searchKey(r));
  r.end();
  return { returnOptions, key: keys.length === 1 ? keys[0]! : { k: 'and', keys } };
}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true], DELETED: ['\\Deleted', true], DRAFT: ['\\Draft', true], FLAGGED: ['\\Flagged', true], SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false], UNDELETED: ['\\Deleted', false], UNDRAFT: ['\\Draft', false], UNFLAGGED: ['\\Flagged', false], UNSEEN: ['\\Seen', false],
};
const TEXT_KEYS: Record<string, TextField> = { BCC: 'bcc', BODY: 'body', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TEXT: 'text', TO: 'to' };
const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'], ON: ['internal', 'on'], SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'], SENTON: ['sent', 'on'], SENTSINCE: ['sent', 'since'],
};

function searchKey(r: ArgReader): SearchKey {
  if (r.peek() === '(') {
    const keys = r.list(() => searchKeyList(r), { allowEmpty: false });
    const flat = keys.flat();
    return flat.length === 1 ? flat[0]! : { k: 'and', keys: flat };
  }
  if (r.atSequenceSet()) return { k: 'seq', set: r.sequenceSet() };
  const word = r.atom('a search key').toUpperCase();
  const flag = FLAG_KEYS[word];
  if (flag) return { k: 'flag', flag: flag[0], set: flag[1] };
  const field = TEXT_KEYS[word];
  if (field) {
    r.sp();
    return { k: 'text', field, value: r.astring('a search string') };
  }
  const date = DATE_KEYS[word];
  if (date) {
    r.sp();
    return { k: 'date', which: date[0], op: date[1], day: parseSearchDate(r) };
  }
  switch (word) {
    case 'ALL': return { k: 'all' };
    case 'NEW': case 'RECENT': return { k: 'none' };
    case 'OLD': return { k: 'all' };
    case 'KEYWORD': case 'UNKEYWORD':
      r.sp();
      return { k: 'flag', flag: r.atom('a keyword'), set: word === 'KEYWORD' };
    case 'HEADER': {
      r.sp();
      const name = r.astring('a header field name');
      r.sp();
      return { k: 'header', name, value: r.astring('a search string') };
    }
    case 'LARGER': case 'SMALLER':
      r.sp();
      return { k: 'size', op: word === 'LARGER' ? 'larger' : 'smaller', n: r.number() };
    case 'NOT':
      r.sp();
      return { k: 'not', key: searchKey(r) };
    case 'OR': {
      r.sp();
      const a = searchKey(r);
      r.sp();
      return { k: 'or', a, b: searchKey(r) };
    }
    case 'UID':
      r.sp();
      return { k: 'uid', set: r.sequenceSet() };
    case 'MODSEQ': {
      // MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 §3.1.5); per-flag entries are not kept, so the entry is accepted and ignored.
      r.sp();
      if (r.peek() === '"') {
        r.quoted();
        r.sp();
        r.atom('an entry type');
        r.sp();
      }
      return { k: 'modseq', n: r.number('a mod-sequence') };
    }
    default:
      throw badSyntax(`Unknown search key ${word}`);
  }
}

function searchKeyList(r: ArgReader): SearchKey[] {
  const keys = [searchKey(r)];
  while (r.peek() === ' ') {
    r.sp();
    keys.push(searchKey(r));
  }
  return keys;
}

/** True if evaluating the key needs the message record (envelope, index) or bytes. */
export function needsRecord(key: SearchKey): boolean {
  switch (key.k) {
    case 'and': return key.keys.some(needsRecord);
    case 'or': return needsRecord(key.a) || needsRecord(key.b);
    case 'not': return needsRecord(key.key);
    case 'text': case 'header': return true;
    case 'date': return key.which === 'sent';
    default: return false;
  }
}
