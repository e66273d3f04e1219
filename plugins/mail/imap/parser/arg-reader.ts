// Reads the arguments of one framed command (RFC 9051 §9 formal syntax): atoms, quoted
// strings, literals, numbers, parenthesized lists and sequence sets. Every command's
// parse() is written with these primitives; any deviation throws a BAD (badSyntax).
import { badSyntax } from '../imap-error.ts';
import type { CommandPart } from './command-reader.ts';
import { parseSequenceSet, type SequenceSet } from './sequence-set.ts';

// atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
const ATOM_CHAR = /[^(){ \x00-\x1f\x7f%*"\\\]]/;
const ASTRING_CHAR = /[^(){ \x00-\x1f\x7f%*"\\]/;
const LIST_CHAR = /[^(){ \x00-\x1f\x7f"\\]/;

/** The largest number IMAP allows (mod-sequence values are 63-bit, RFC 7162 §7), capped to what a JS number holds exactly. */
const MAX_NUMBER = Number.MAX_SAFE_INTEGER;

export class ArgReader {
  readonly #parts: CommandPart[];
  readonly #maxDepth: number;
  #i = 0;
  #pos = 0;
  #depth = 0;

  constructor(parts: CommandPart[], opts: { maxDepth: number }) {
    // Parts alternate text, literal, text, …, text (the reader guarantees it; normalize anyway).
    const norm: CommandPart[] = [];
    for (const p of parts) {
      const last = norm[norm.length - 1];
      if (p.kind === 'literal' && (!last || last.kind === 'literal')) norm.push({ kind: 'text', text: '' });
      if (p.kind === 'text' && last?.kind === 'text') last.text += p.text;
      else norm.push(p);
    }
    if (norm.length === 0 || norm[norm.length - 1]!.kind === 'literal') norm.push({ kind: 'text', text: '' });
    this.#parts = norm;
    this.#maxDepth = opts.maxDepth;
  }

  get #text(): string {
    return (this.#parts[this.#i] as { text: string }).text;
  }

  atEnd(): boolean {
    return this.#pos >= this.#text.length && this.#i >= this.#parts.length - 1;
  }

  atLiteral(): boolean {
    return this.#pos >= this.#text.length && this.#parts[this.#i + 1]?.kind === 'literal';
  }

  /** The next character, or '' at a literal or the end. */
  peek(): string {
    return this.#text[this.#pos] ?? '';
  }

  expect(ch: string, what = `"${ch}"`): void {
    if (this.peek() !== ch) throw badSyntax(`Expected ${what}`);
    this.#pos++;
  }

  /** Consumes `ch` when it is next. */
  accept(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.#pos++;
    return true;
  }

  sp(): void {
    this.expect(' ', 'a space');
  }

  end(): void {
    if (!this.atEnd()) throw badSyntax('Unexpected extra arguments');
  }

  #run(re: RegExp): string {
    const t = this.#text;
    const start = this.#pos;
    while (this.#pos < t.length && re.test(t[this.#pos]!)) this.#pos++;
    return t.slice(start, this.#pos);
  }

  /** tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9). */
  tag(): string {
    const t = this.#run(/[^(){ \x00-\x1f\x7f%*"\\+]/);
    if (t === '') throw badSyntax('Missing or invalid tag');
    return t;
  }

  atom(what = 'an atom'): string {
    const a = this.#run(ATOM_CHAR);
    if (a === '') throw badSyntax(`Expected ${what}`);
    return a;
  }

  /** The next atom, upper-cased, without consuming it ('' when none). */
  peekAtom(): string {
    const save = this.#pos;
    const a = this.#run(ATOM_CHAR);
    this.#pos = save;
    return a.toUpperCase();
  }

  /** Consumes the keyword (case-insensitive) if the next atom is exactly it. */
  acceptKeyword(word: string): boolean {
    if (this.peekAtom() !== word.toUpperCase()) return false;
    this.#pos += word.length;
    return true;
  }

  quoted(): string {
    this.expect('"');
    const t = this.#text;
    let out = '';
    for (;;) {
      const c = t[this.#pos++];
      if (c === undefined) throw badSyntax('Unterminated quoted string');
      if (c === '"') return out;
      if (c === '\\') {
        const n = t[this.#pos++];
        // quoted-specials only (RFC 9051 §9: QUOTED-CHAR)
        if (n !== '"' && n !== '\\') throw badSyntax('Bad escape in quoted string');
        out += n;
      } else out += c;
    }
  }

  literal(): Buffer {
    if (!this.atLiteral()) throw badSyntax('Expected a literal');
    const lit = this.#parts[this.#i + 1] as { data: Buffer };
    this.#i += 2;
    this.#pos = 0;
    return lit.data;
  }

  /** string = quoted / literal, as UTF-8 text. */
  string(what = 'a string'): string {
    if (this.atLiteral()) return this.literal().toString('utf8');
    if (this.peek() === '"') return this.quoted();
    throw badSyntax(`Expected ${what}`);
  }

  /** astring = 1*ASTRING-CHAR / string. */
  astring(what = 'a string'): string {
    if (this.atLiteral() || this.peek() === '"') return this.string(what);
    const a = this.#run(ASTRING_CHAR);
    if (a === '') throw badSyntax(`Expected ${what}`);
    return a;
  }

  /** list-mailbox = 1*list-char / string (LIST patterns may hold % and *). */
  listMailbox(): string {
    if (this.atLiteral() || this.peek() === '"') return this.string('a mailbox pattern');
    const a = this.#run(LIST_CHAR);
    if (a === '') throw badSyntax('Expected a mailbox pattern');
    return a;
  }

  number(what = 'a number'): number {
    const d = this.#run(/[0-9]/);
    if (d === '' || d.length > 19) throw badSyntax(`Expected ${what}`);
    const n = Number(d);
    if (n > MAX_NUMBER) throw badSyntax(`${what} out of range`);
    return n;
  }

  nzNumber(what = 'a non-zero number'): number {
    const n = this.number(what);
    if (n === 0) throw badSyntax(`Expected ${what}`);
    return n;
  }

  sequenceSet(): SequenceSet {
    const s = this.#run(/[0-9:*,$]/);
    if (s === '') throw badSyntax('Expected a sequence set');
    return parseSequenceSet(s);
  }

  /** True when the next token looks like a sequence set (digits, '*' or '$'). */
  atSequenceSet(): boolean {
    return /[0-9*$]/.test(this.peek());
  }

  open(): void {
    this.expect('(');
    if (++this.#depth > this.#maxDepth) throw badSyntax('Too deeply nested');
  }

  close(): void {
    this.expect(')');
    this.#depth--;
  }

  /** "(" [item *(SP item)] ")" */
  list<T>(item: () => T, opts: { allowEmpty?: boolean } = {}): T[] {
    this.open();
    const out: T[] = [];
    if (this.peek() === ')') {
      if (opts.allowEmpty === false) throw badSyntax('Empty list');
      this.close();
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.peek() === ')') break;
      this.sp();
    }
    this.close();
    return out;
  }

  /** A flag: "\" atom or atom (RFC 9051 §9 flag / flag-keyword). */
  flag(): string {
    if (this.accept('\\')) {
      if (this.accept('*')) return '\\*';
      return '\\' + this.atom('a flag');
    }
    return this.atom('a flag');
  }
}
