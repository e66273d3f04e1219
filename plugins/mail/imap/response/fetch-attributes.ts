// One message's FETCH response data items (RFC 9051 §7.5.2), from the stored record and,
// for body sections, the bytes of the smallest range of the message that covers them.
import type { MessageMeta, MessageRecord } from '../../store/types.ts';
import { filterHeader } from '../message/header-fields.ts';
import { sectionRange, type SectionRange } from '../message/section-range.ts';
import { decodeTransferEncoding } from '../message/transfer-decoding.ts';
import { formatDateTime } from '../parser/dates.ts';
import { formatSection, type FetchItem, type Section } from '../parser/fetch-items.ts';
import { formatBodyStructure } from './body-structure.ts';
import { formatEnvelope } from './envelope.ts';
import { formatFlags } from './flags.ts';

export interface FetchPlan {
  items: FetchItem[];
  needsRecord: boolean;
  needsBytes: boolean;
  /** Some item sets \Seen when not PEEK (RFC 9051 §6.4.5). */
  setsSeen: boolean;
}

export function planFetch(items: FetchItem[]): FetchPlan {
  let needsRecord = false;
  let needsBytes = false;
  let setsSeen = false;
  for (const it of items) {
    switch (it.kind) {
      case 'ENVELOPE': case 'BODYSTRUCTURE': case 'BODY':
        needsRecord = true;
        break;
      case 'RFC822': case 'RFC822.TEXT':
        needsRecord = needsBytes = setsSeen = true;
        break;
      case 'RFC822.HEADER':
        needsRecord = needsBytes = true;
        break;
      case 'BODY[]': case 'BINARY[]':
        needsRecord = needsBytes = true;
        if (!it.peek) setsSeen = true;
        break;
      case 'BINARY.SIZE':
        needsRecord = needsBytes = true;
        break;
      default:
        break;
    }
  }
  return { items, needsRecord, needsBytes, setsSeen };
}

const WHOLE: Section = { path: [], spec: null, fields: [] };
const HEADER: Section = { path: [], spec: 'HEADER', fields: [] };
const TEXT: Section = { path: [], spec: 'TEXT', fields: [] };

function sectionOf(it: FetchItem): Section | null {
  switch (it.kind) {
    case 'RFC822': return WHOLE;
    case 'RFC822.HEADER': return HEADER;
    case 'RFC822.TEXT': return TEXT;
    case 'BODY[]': case 'BINARY[]': case 'BINARY.SIZE': return it.section;
    default: return null;
  }
}

/** The byte range [start, end) of the message that every body item of the plan needs. */
export function bytesNeeded(plan: FetchPlan, rec: MessageRecord): { start: number; end: number } | null {
  let start = Infinity;
  let end = -Infinity;
  for (const it of plan.items) {
    const section = sectionOf(it);
    if (!section) continue;
    const r = sectionRange(rec.structure, rec.size, section);
    if (!r) continue;
    start = Math.min(start, r.start);
    end = Math.max(end, r.end);
  }
  return start < end ? { start, end } : start === end && Number.isFinite(start) ? { start, end } : null;
}

/** A literal; literal8 (~{n}, RFC 3516 §4.3) when the bytes hold NUL. */
function literalOf(data: Buffer, binary: boolean): (string | Buffer)[] {
  const marker = binary && data.includes(0) ? '~' : '';
  return [`${marker}{${data.length}}\r\n`, data];
}

/**
 * The parenthesized data for one message, as chunks (strings and Buffers). `bytes` covers
 * `bytesRange` of the raw message. Throws an ImapError-free null for BINARY of an unknown
 * transfer encoding: the caller answers NO [UNKNOWN-CTE].
 */
export function fetchAttributes(
  plan: FetchPlan,
  msg: MessageMeta & Partial<MessageRecord>,
  opts: { uid: boolean; condstore: boolean; utf8: boolean; forceFlags: boolean },
  bytes: Buffer | null,
  bytesStart: number,
): { chunks: (string | Buffer)[]; unknownCte: boolean } {
  const chunks: (string | Buffer)[] = [];
  let unknownCte = false;
  let first = true;
  const push = (item: string) => {
    chunks.push(first ? item : ' ' + item);
    first = false;
  };
  let hasUid = false;
  let hasFlags = false;
  let hasModseq = false;
  const slice = (r: SectionRange): Buffer => {
    if (!bytes) return Buffer.alloc(0);
    const raw = bytes.subarray(r.start - bytesStart, r.end - bytesStart);
    return r.headerFilter ? filterHeader(raw, r.headerFilter.fields, r.headerFilter.not) : raw;
  };
  const body = (label: string, data: Buffer, binary: boolean) => {
    const [marker, payload] = literalOf(data, binary);
    push(`${label} ${marker as string}`);
    chunks.push(payload!);
  };

  for (const it of plan.items) {
    switch (it.kind) {
      case 'UID': hasUid = true; push(`UID ${msg.uid}`); break;
      case 'FLAGS': hasFlags = true; push(`FLAGS ${formatFlags(msg.flags)}`); break;
      case 'MODSEQ': hasModseq = true; push(`MODSEQ (${msg.modseq})`); break;
      case 'INTERNALDATE': push(`INTERNALDATE ${formatDateTime(msg.internalDate)}`); break;
      case 'RFC822.SIZE': push(`RFC822.SIZE ${msg.size}`); break;
      case 'ENVELOPE': push(`ENVELOPE ${msg.envelope ? formatEnvelope(msg.envelope, opts.utf8) : 'NIL'}`); break;
      case 'BODYSTRUCTURE': case 'BODY':
        push(`${it.kind} ${msg.structure ? formatBodyStructure(msg.structure, it.kind === 'BODYSTRUCTURE', opts.utf8) : 'NIL'}`);
        break;
      case 'RFC822': case 'RFC822.HEADER': case 'RFC822.TEXT': {
        const r = msg.structure ? sectionRange(msg.structure, msg.size, sectionOf(it)!) : null;
        body(it.kind, r ? slice(r) : Buffer.alloc(0), false);
        break;
      }
      case 'BODY[]': {
        const r = msg.structure ? sectionRange(msg.structure, msg.size, it.section) : null;
        let data = r ? slice(r) : Buffer.alloc(0);
        let label = `BODY[${formatSection(it.section)}]`;
        if (it.partial) {
          // RFC 9051 §6.4.5: <origin> only in the response; past the end is an empty string.
          data = data.subarray(Math.min(it.partial.start, data.length), Math.min(it.partial.start + it.partial.count, data.length));
          label += `<${it.partial.start}>`;
        }
        body(label, data, false);
        break;
      }
      case 'BINARY[]': case 'BINARY.SIZE': {
        const r = msg.structure ? sectionRange(msg.structure, msg.size, it.section) : null;
        let data: Buffer | null = r ? slice(r) : Buffer.alloc(0);
        if (r && it.section.path.length > 0) data = decodeTransferEncoding(data, r.part.encoding);
        if (data === null) {
          unknownCte = true;
          data = Buffer.alloc(0);
        }
        if (it.kind === 'BINARY.SIZE') {
          push(`BINARY.SIZE[${formatSection(it.section)}] ${data.length}`);
          break;
        }
        let label = `BINARY[${formatSection(it.section)}]`;
        if (it.partial) {
          data = data.subarray(Math.min(it.partial.start, data.length), Math.min(it.partial.start + it.partial.count, data.length));
          label += `<${it.partial.start}>`;
        }
        body(label, data, true);
        break;
      }
    }
  }
  // UID FETCH always returns UID (RFC 9051 §6.4.9); \Seen set by this FETCH shows in FLAGS;
  // under CONDSTORE every FETCH carries MODSEQ (RFC 7162 §3.1.4.1) once enabled by CHANGEDSINCE/MODSEQ.
  if (opts.uid && !hasUid) push(`UID ${msg.uid}`);
  if (opts.forceFlags && !hasFlags) push(`FLAGS ${formatFlags(msg.flags)}`);
  if (opts.condstore && !hasModseq) push(`MODSEQ (${msg.modseq})`);
  return { chunks, unknownCte };
}
