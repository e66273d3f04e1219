// FETCH data items (RFC 9051 §6.4.5, RFC 3501 §6.4.5 for the RFC822.* forms, RFC 3516 for
// BINARY, RFC 7162 §3.1.4 for MODSEQ / CHANGEDSINCE, RFC 7162 §3.2.6 for VANISHED).
import { badSyntax } from '../imap-error.ts';
import type { ArgReader } from './arg-reader.ts';

export type SectionSpec = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;

export interface Section {
  /** Part numbers: [] for the whole message, [1, 2] for "1.2". */
  path: number[];
  spec: SectionSpec;
  /** Header field names for HEADER.FIELDS(.NOT), as the client wrote them. */
  fields: string[];
}

export type FetchItem =
  | { kind: 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'UID' | 'MODSEQ' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'BODY[]'; peek: boolean; section: Section; partial: { start: number; count: number } | null }
  | { kind: 'BINARY[]'; peek: boolean; section: Section; partial: { start: number; count: number } | null }
  | { kind: 'BINARY.SIZE'; section: Section };

export interface FetchRequest {
  items: FetchItem[];
  changedSince: number | null;
  vanished: boolean;
}

const SIMPLE = new Set(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'UID', 'MODSEQ', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);

// Macros (RFC 9051 §6.4.5)
const MACROS: Record<string, FetchItem[]> = {
  ALL: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }],
  FAST: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }],
  FULL: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }, { kind: 'BODY' }],
};

/** Parses `(items) [(modifiers)]` or a single item / macro after "FETCH <set> ". */
export function parseFetchRequest(r: ArgReader): FetchRequest {
  let items: FetchItem[];
  if (r.peek() === '(') {
    items = r.list(() => fetchItem(r), { allowEmpty: false });
  } else {
    const word = r.peekAtom();
    const macro = MACROS[word];
    if (macro) {
      r.atom();
      items = [...macro];
    } else items = [fetchItem(r)];
  }
  let changedSince: number | null = null;
  let vanished = false;
  if (r.accept(' ')) {
    // fetch-modifiers (RFC 4466 §2.4, RFC 7162 §3.1.4.1, §3.2.6)
    r.list(() => {
      const m = r.atom('a FETCH modifier').toUpperCase();
      if (m === 'CHANGEDSINCE') {
        r.sp();
        changedSince = r.number('a mod-sequence');
      } else if (m === 'VANISHED') vanished = true;
      else throw badSyntax(`Unknown FETCH modifier ${m}`);
    }, { allowEmpty: false });
  }
  r.end();
  if (vanished && changedSince === null) throw badSyntax('VANISHED needs CHANGEDSINCE');
  return { items, changedSince, vanished };
}

function fetchItem(r: ArgReader): FetchItem {
  // An atom stops at '[' only because we read the name by hand: BODY[...] / BODY.PEEK[...] / BINARY[...]
  const name = readItemName(r).toUpperCase();
  if (SIMPLE.has(name)) return { kind: name as 'FLAGS' };
  if (name === 'BODY' && r.peek() !== '[') return { kind: 'BODY' };
  if (name === 'BODY' || name === 'BODY.PEEK' || name === 'BINARY' || name === 'BINARY.PEEK' || name === 'BINARY.SIZE') {
    r.expect('[');
    const binary = name.startsWith('BINARY');
    const section = binary ? binarySection(r) : bodySection(r);
    r.expect(']');
    if (name === 'BINARY.SIZE') return { kind: 'BINARY.SIZE', section };
    let partial: { start: number; count: number } | null = null;
    if (r.accept('<')) {
      const start = r.number('a partial start');
      r.expect('.');
      const count = r.nzNumber('a partial length');
      r.expect('>');
      partial = { start, count };
    }
    return { kind: binary ? 'BINARY[]' : 'BODY[]', peek: name.endsWith('.PEEK'), section, partial };
  }
  throw badSyntax(`Unknown FETCH item ${name}`);
}

function readItemName(r: ArgReader): string {
  let s = '';
  while (/[A-Za-z0-9.]/.test(r.peek())) {
    s += r.peek();
    r.accept(r.peek());
  }
  if (s === '') throw badSyntax('Expected a FETCH item');
  return s;
}

/** section-spec = section-msgtext / (section-part ["." section-text]) (RFC 9051 §9). */
function bodySection(r: ArgReader): Section {
  const path: number[] = [];
  let spec: SectionSpec = null;
  let fields: string[] = [];
  while (r.peek() !== ']') {
    if (/[0-9]/.test(r.peek())) {
      path.push(r.nzNumber('a part number'));
      if (!r.accept('.')) break;
      continue;
    }
    let word = '';
    while (/[A-Za-z.]/.test(r.peek())) {
      word += r.peek();
      r.accept(r.peek());
    }
    word = word.toUpperCase();
    if (word === 'HEADER' || word === 'TEXT') spec = word;
    else if (word === 'MIME' && path.length > 0) spec = 'MIME';
    else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
      spec = word;
      r.sp();
      fields = r.list(() => r.astring('a header field name'), { allowEmpty: false });
    } else throw badSyntax('Bad section');
    break;
  }
  return { path, spec, fields };
}

/** section-binary = "[" [section-part] "]" (RFC 3516 §4.2). */
function binarySection(r: ArgReader): Section {
  const path: number[] = [];
  while (r.peek() !== ']') {
    path.push(r.nzNumber('a part number'));
    if (!r.accept('.')) break;
  }
  return { path, spec: null, fields: [] };
}

/** The section text as echoed in the response: "1.2.HEADER.FIELDS (From To)". */
export function formatSection(s: Section): string {
  const parts: string[] = s.path.map(String);
  if (s.spec) parts.push(s.spec === 'HEADER.FIELDS' || s.spec === 'HEADER.FIELDS.NOT' ? `${s.spec} (${s.fields.map(fieldName).join(' ')})` : s.spec);
  return parts.join('.');
}

function fieldName(f: string): string {
  return /^[\x21-\x7e]+$/.test(f) && !/[(){%*"\\\]]/.test(f) ? f : JSON.stringify(f);
}
